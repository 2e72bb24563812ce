/**
 * What flows out of Receive and into the user's code: {@link io.mailbridge.document.MailDocument}
 * with its {@link io.mailbridge.document.TrackedProperties} and {@link
 * io.mailbridge.document.Attachment}s, and the {@link io.mailbridge.document.DocumentCache} on disk
 * where received attachments are stored under keys derived from the message.
 */
package io.mailbridge.document;
