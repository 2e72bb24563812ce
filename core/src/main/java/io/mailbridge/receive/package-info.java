/**
 * Receive: selected messages of a folder fetched in bulk, parsed into {@link
 * io.mailbridge.document.MailDocument}s and handed to a {@link
 * io.mailbridge.receive.DocumentHandler} in UID order, then the post-action ({@link
 * io.mailbridge.receive.PostAction}); size limits, quarantine of messages that cannot be read.
 * Entry point {@link io.mailbridge.receive.Receive}; readers that come back for new mail (the
 * Listener, the Kafka source) use {@link io.mailbridge.receive.IncrementalReceive} and read a
 * selected folder through a {@link io.mailbridge.receive.FolderSession}.
 */
package io.mailbridge.receive;
