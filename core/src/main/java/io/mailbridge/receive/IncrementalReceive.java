package io.mailbridge.receive;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.receive.internal.ImapFolderSession;
import io.mailbridge.receive.internal.ReceiveRun;

/**
 * Receive for readers that come back for new mail: the Listener and the Kafka source. One pipeline
 * (parser threads, Document Cache) lives as long as the reader; each check selects a folder on a
 * connection the reader owns ({@link #select}) and reads what is new through the
 * {@link FolderSession}. Where the reader keeps its position is its own affair
 * ({@code io.mailbridge.listen.FolderCursor} decides it the same way for both).
 */
public final class IncrementalReceive implements AutoCloseable {
  private final ReceiveSettings settings;
  private final ReceiveRun pipeline;

  private IncrementalReceive(Endpoint endpoint, ReceiveSettings settings, String operation) {
    this.settings = settings;
    this.pipeline = new ReceiveRun(endpoint, settings, false).operation(operation);
  }

  /**
   * Prepares the pipeline for {@code settings} (format, cache, size limits, quarantine, filter);
   * {@code operation} names the reader in logs, metrics and the journal ("listen", "source").
   */
  public static IncrementalReceive open(Endpoint endpoint, ReceiveSettings settings, String operation) {
    IncrementalReceive r = new IncrementalReceive(endpoint, settings, operation);
    r.pipeline.open();
    return r;
  }

  /**
   * Selects {@code folder} (a name as the user writes it, mapped to the server's namespace) on
   * {@code imap}, read-write when the post-action writes or {@code readWrite} asks for it, and
   * checks the post-action's target. {@code missingAdvice} tells the caller's user what to do when
   * the folder does not exist (a flag, a configuration key).
   */
  public Selected select(ImapClient imap, String folder, PostAction action, boolean readWrite, String missingAdvice) {
    return ImapFolderSession.open(imap, folder, pipeline, settings.filter(), action, readWrite, missingAdvice);
  }

  @Override
  public void close() {
    pipeline.close();
  }

  /** A selected folder: a {@link FolderSession} plus what waiting for new mail needs. */
  public interface Selected extends FolderSession, AutoCloseable {
    /** Sends NOOP; from another thread this also ends a running IDLE first. */
    void noop();

    /**
     * Waits in IDLE (RFC 2177) until the server sends something or another thread ends it; returns
     * at once when new mail was announced since the last search (a server announces it only once,
     * in the answer to whichever command ran: a FETCH, a STORE, not only an IDLE).
     *
     * @return true unless {@link #keepalive()} ended it: the server sent something (or we stop)
     */
    boolean idle();

    /**
     * The keepalive's NOOP, from another thread: ends a running IDLE like {@link #noop()}, and makes
     * that {@link #idle()} return false, so a watcher can tell a server that never reports new mail
     * during IDLE.
     */
    void keepalive();

    /** Closes the folder without expunging (the connection stays open). */
    @Override
    void close();
  }
}
