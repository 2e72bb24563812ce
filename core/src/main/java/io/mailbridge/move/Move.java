package io.mailbridge.move;

import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.move.internal.MessageOps;
import io.mailbridge.move.internal.Strategy;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves or copies selected messages between folders of the inbound (IMAP) server, in batches of
 * UID sets ({@code 1:500,502,510:700}).
 *
 * <p>Moving uses {@code UID MOVE} (RFC 6851) when the server offers it, else {@code UID COPY} +
 * {@code UID STORE +FLAGS (\Deleted)} + {@code UID EXPUNGE} (RFC 4315), so that only the moved
 * messages are expunged; on a server with neither, messages are copied and flagged \Deleted, and
 * expunged only with {@link MoveSettings#expungeWithoutUidplus()}. New UIDs in the target are
 * reported when the server gives them (COPYUID). Missing UIDs, a missing target, and a changed
 * UIDVALIDITY are reported per message in the {@link MoveResult}; they do not throw.
 *
 * <pre>{@code
 * MoveResult r = Move.of(connection).move(MoveSettings.builder()
 *     .from("INBOX").to("Archive/2026").selection(Selection.uidSet("12,15:40")).createTarget(true).build());
 * r.outcomes().forEach(o -> System.out.println(o.uid() + " -> " + o.status() + " " + o.newUid()));
 * }</pre>
 */
public final class Move {
  private static final Logger LOG = LoggerFactory.getLogger(Move.class);
  private final MailConnection connection;

  private Move(MailConnection connection) {
    this.connection = connection;
  }

  public static Move of(MailConnection connection) {
    return new Move(connection);
  }

  /** Moves the selected messages; the source keeps nothing that moved, and loses nothing else. */
  public MoveResult move(MoveSettings settings) {
    return run(settings, MessageOps.Kind.MOVE, done -> { });
  }

  /**
   * Moves the selected messages like {@link #move(MoveSettings)}, and hands {@code confirmed} the
   * outcomes as the server confirms them, on the calling thread: a batch's once the server answered
   * its command (without MOVE and UIDPLUS, all at the end, when they are settled), then whatever
   * was left (messages not found, batches refused). Every outcome is handed exactly once; the
   * returned result holds them all, with the warnings. A listener that writes elsewhere (a file, a
   * journal) keeps what was done even if the connection breaks before the last batch.
   */
  public MoveResult move(MoveSettings settings, Consumer<MoveResult> confirmed) {
    return run(settings, MessageOps.Kind.MOVE, Objects.requireNonNull(confirmed, "confirmed"));
  }

  /** Copies the selected messages; the source is untouched. */
  public MoveResult copy(MoveSettings settings) {
    return run(settings, MessageOps.Kind.COPY, done -> { });
  }

  /** Copies like {@link #copy(MoveSettings)}, handing the outcomes as {@link #move(MoveSettings, Consumer)} does. */
  public MoveResult copy(MoveSettings settings, Consumer<MoveResult> confirmed) {
    return run(settings, MessageOps.Kind.COPY, Objects.requireNonNull(confirmed, "confirmed"));
  }

  private MoveResult run(MoveSettings settings, MessageOps.Kind kind, Consumer<MoveResult> confirmed) {
    Endpoint endpoint = connection.requireInbound(kind == MessageOps.Kind.MOVE ? "move" : "copy");
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      return run(imap, settings, kind, Optional.empty(), confirmed);
    } catch (MailbridgeException e) {
      endpoint.recorder().error(settings.from(), operation(kind), Recorder.kind(e));
      throw e;
    }
  }

  // Package-private so tests can force a strategy and read the protocol trace of their own connection.
  static MoveResult run(ImapClient imap, MoveSettings s, MessageOps.Kind kind, Optional<Strategy> forced) {
    return run(imap, s, kind, forced, done -> { });
  }

  static MoveResult run(ImapClient imap, MoveSettings s, MessageOps.Kind kind, Optional<Strategy> forced,
      Consumer<MoveResult> confirmed) {
    MoveResult r = MessageOps.transfer(imap, new MessageOps.Request(kind, s.from(), s.to(), s.selection(),
        s.createTarget(), s.expectedUidValidity(), s.batchSize(), s.expungeWithoutUidplus(), forced), confirmed);
    LOG.info("{} mailbox={} folder={} target={} method={} done={} of={}", kind == MessageOps.Kind.MOVE ? "moved"
        : "copied", imap.endpoint().auth().user(), s.from(), s.to(), r.method(), r.succeeded(), r.outcomes().size());
    return r;
  }

  private static String operation(MessageOps.Kind kind) {
    return kind == MessageOps.Kind.MOVE ? "move" : "copy";
  }
}
