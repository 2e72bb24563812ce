/**
 * The connection layer: what a user configures ({@link io.mailbridge.connection.MailConnection},
 * {@link io.mailbridge.connection.Endpoint}, {@link io.mailbridge.connection.Auth}, {@link
 * io.mailbridge.connection.Secret}) and what the layers above open with it: an authenticated IMAP
 * store ({@link io.mailbridge.connection.ImapClient}) or SMTP transport ({@link
 * io.mailbridge.connection.SmtpClient}), with Jakarta's exceptions mapped to Mailbridge's ({@link
 * io.mailbridge.connection.Errors}).
 */
package io.mailbridge.connection;
