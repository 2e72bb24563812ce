/**
 * The Listener's machinery: one {@code Watcher} per connection (its thread, reconnect with
 * backoff), {@code ConnectionWatch} for one connection's life (IDLE or polling), {@code Keepalive}
 * ending IDLE for NOOPs and hand-overs, {@code Turns} for the connection budget's slots,
 * {@code FolderSync} for the crash-safe order of effects per folder, and rate limiting.
 */
package io.mailbridge.listen.internal;
