package io.mailbridge.listen;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a {@link Listener}: per watched folder whether it is connected and idling, when
 * it last succeeded, the last error, and how far behind it is.
 *
 * @param running between {@code start()} and the end of {@code stop()}
 * @param folders one entry per watched folder
 * @param at when the snapshot was taken
 */
public record Health(boolean running, List<FolderHealth> folders, Instant at) {
  public Health {
    folders = List.copyOf(folders);
  }

  /** Running, and every folder connected, neither failed nor stalled. */
  public boolean healthy() {
    return running && folders.stream().allMatch(f -> f.connected() && f.status() != Status.FAILED
        && f.status() != Status.STALLED);
  }

  /** What a folder's watcher is doing. */
  public enum Status {
    /** Not started yet, or connecting. */
    CONNECTING,
    /** Waiting in IDLE for the server to announce new mail. */
    IDLING,
    /** Waiting for the next poll (no IDLE, or several folders share a connection). */
    POLLING,
    /** Fetching and handing over new messages. */
    DELIVERING,
    /**
     * Delivering, but nothing moved (no document handed over, no watermark saved) for longer than
     * {@link ListenerSettings#stallTimeout()}: a handler that does not return, or a download that
     * no longer advances. Becomes {@code DELIVERING} again as soon as something moves.
     */
    STALLED,
    /** The connection failed: waiting (backoff) before reconnecting. */
    RECONNECTING,
    /** Stopped for good with an error (e.g. UIDVALIDITY policy FAIL, bad configuration). */
    FAILED,
    /** Stopped. */
    STOPPED
  }

  /**
   * @param mailbox the account, {@code user@host:port}
   * @param folder the folder
   * @param status what its watcher is doing
   * @param connected whether its IMAP connection is up
   * @param idling whether it is in IDLE right now
   * @param lastSuccess end of the last successful check for new mail
   * @param lastError the last error message (kept after recovery, see {@code lastErrorAt})
   * @param lastErrorAt when it happened
   * @param uidValidity the folder's UIDVALIDITY (0 before the first connect)
   * @param lastUid the watermark: highest UID handled
   * @param lag messages the server has beyond the watermark (UIDNEXT - 1 - lastUid at the last check)
   * @param delivered documents accepted by the handler since start
   * @param reconnects connections replaced since start
   */
  public record FolderHealth(String mailbox, String folder, Status status, boolean connected, boolean idling,
      Optional<Instant> lastSuccess, Optional<String> lastError, Optional<Instant> lastErrorAt, long uidValidity,
      long lastUid, long lag, long delivered, long reconnects) {

    /** Time since the last success; very long when there was none. */
    public Duration sinceLastSuccess(Instant now) {
      return lastSuccess.map(t -> Duration.between(t, now)).orElse(Duration.ofSeconds(Long.MAX_VALUE / 2));
    }
  }
}
