package io.mailbridge.receive;

import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.document.MailDocument;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.receive.internal.ReceiveRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

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
      return new ReceiveRun(inbound, settings, false).run(handler);
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
      new ReceiveRun(inbound, settings, true).run(out::add);
    } catch (MailbridgeException e) {
      inbound.recorder().error(settings.folder(), "receive", Recorder.kind(e));
      throw e;
    }
    return out;
  }
}
