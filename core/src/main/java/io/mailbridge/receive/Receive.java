package io.mailbridge.receive;

import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.PruneResult;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.receive.internal.ReceiveRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads messages from a folder as {@link MailDocument}s: filters run on the server (one
 * {@code UID SEARCH}), messages fetched in bulk ({@code UID FETCH} per byte-bounded batch, a large
 * one streamed to the parser as it arrives, so memory stays bounded), parsed with a streaming MIME
 * parser, attachments stored in the Document Cache. Reading never sets \Seen unless asked.
 *
 * <pre>{@code
 * ReceiveResult r = Receive.of(connection).run(settings, doc -> {
 *   process(doc);            // returning normally accepts the document
 * });                        // ... and only then is its post-action (e.g. move) applied
 * }</pre>
 *
 * <p>A message that cannot be parsed at all is reported in {@link ReceiveResult#skipped()} and the
 * rest go on; one that parses with problems is delivered with {@link MailDocument#warnings()}. With
 * a {@link Quarantine} such a message, and one whose document the handler refused
 * {@code maxAttempts} times, is moved away (or marked) and given to
 * {@link DocumentHandler#deadLetter}. {@link SizeLimits} bound what is downloaded, decided from the
 * server's sizes before the download ({@link SizePolicy}).
 */
public final class Receive {
  private static final Logger LOG = LoggerFactory.getLogger(Receive.class);

  private final MailConnection connection;

  private Receive(MailConnection connection) {
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  /** Receive over {@code connection}'s inbound server, named like the other operations' entry points. */
  public static Receive of(MailConnection connection) {
    return new Receive(connection);
  }

  /**
   * The former name of {@link #of(MailConnection)}.
   *
   * @deprecated use {@link #of(MailConnection)}, as for Send, Move, Flags, Delete and Folders
   */
  @Deprecated(forRemoval = true)
  public static Receive from(MailConnection connection) {
    return of(connection);
  }

  /** Receives the selected messages, handing each document to {@code handler} in order. */
  public ReceiveResult run(ReceiveSettings settings, DocumentHandler handler) {
    Endpoint inbound = connection.requireInbound("receive");
    try {
      return pruneCache(settings, new ReceiveRun(inbound, settings, false).run(handler));
    } catch (MailbridgeException e) {
      inbound.recorder().error(settings.folder(), "receive", Recorder.kind(e));
      throw e;
    }
  }

  /**
   * Receives and returns every selected document, all accepted (so post-actions apply to all).
   * Meant for small batches: set {@code maxMessages}. Raw files of large EML messages are kept.
   */
  public List<MailDocument> receiveAll(ReceiveSettings settings) {
    List<MailDocument> out = new ArrayList<>();
    Endpoint inbound = connection.requireInbound("receive");
    try {
      pruneCache(settings, new ReceiveRun(inbound, settings, true).run(out::add));
    } catch (MailbridgeException e) {
      inbound.recorder().error(settings.folder(), "receive", Recorder.kind(e));
      throw e;
    }
    return out;
  }

  /** Applies the cache retention after a run; a failure is logged, the mail was received either way. */
  private static ReceiveResult pruneCache(ReceiveSettings settings, ReceiveResult result) {
    if (settings.cacheRetention().isEmpty() || settings.cacheDir().isEmpty()) {
      return result;
    }
    Path dir = settings.cacheDir().get();
    try {
      PruneResult p = DocumentCache.open(dir).prune(settings.cacheRetention().get());
      LOG.info("cache pruned dir={} deletedEntries={} deletedBytes={} keptEntries={} keptBytes={}", dir,
          p.deletedEntries(), p.deletedBytes(), p.keptEntries(), p.keptBytes());
      return result.withCachePruned(p);
    } catch (MailbridgeException e) {
      LOG.warn("cache not pruned dir={} error={}", dir, e.getMessage());
      return result;
    }
  }
}
