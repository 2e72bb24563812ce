/**
 * Send: compose and send {@link io.mailbridge.send.Email}s with attachments over one SMTP
 * connection, at most once per message, with an optional copy to the Sent folder. Entry point
 * {@link io.mailbridge.send.Send}.
 */
package io.mailbridge.send;
