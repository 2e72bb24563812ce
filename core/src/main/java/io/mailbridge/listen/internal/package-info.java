/**
 * The Listener's machinery: one {@code Watcher} per connection (IDLE or polling, reconnect with
 * backoff), {@code FolderSync} for the crash-safe order of effects per folder, the connection
 * budget's permits and rate limiting.
 */
package io.mailbridge.listen.internal;
