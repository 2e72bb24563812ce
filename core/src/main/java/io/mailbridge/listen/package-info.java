/**
 * Listener: crash-safe incremental receive. {@link io.mailbridge.listen.Listener} watches folders
 * (IMAP IDLE, else polling), hands each new message to a handler, saves a watermark per folder in
 * a {@link io.mailbridge.listen.StateStore} (default {@link io.mailbridge.listen.JsonFileStateStore})
 * and only then runs the post-action. Settings in {@link io.mailbridge.listen.ListenerSettings};
 * state of the connections in {@link io.mailbridge.listen.Health}. Listeners of several mailboxes
 * share a {@link io.mailbridge.listen.ConnectionBudget} (connections per server); a
 * {@link io.mailbridge.listen.RateLimit} bounds the messages per second of a mailbox. The
 * watermark rules (start position, UIDVALIDITY policy, next batch) are in
 * {@link io.mailbridge.listen.FolderCursor}, shared with the Kafka source.
 */
package io.mailbridge.listen;
