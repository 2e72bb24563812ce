/**
 * Composing MIME messages (Jakarta Mail), validating addresses and attachments, the SMTP
 * transmitter with its retry rules and the Sent-folder copy.
 */
package io.mailbridge.send.internal;
