package io.mailbridge.cli;

import io.mailbridge.connection.MailConnection;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveResult;
import io.mailbridge.move.MoveSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge move}: move (or copy) selected messages to another folder. */
@Command(name = "move", mixinStandardHelpOptions = true,
    description = {"Move (or --copy) messages from one folder to another, selected by --uids, --message-id or "
        + "filter flags. One JSON line per message: status moved|copied|missing|failed, newUid when the server "
        + "reports it, in UID order batch by batch as the server confirms each batch (--batch-size), then the "
        + "messages not acted on (missing, refused). Exit 3 when some message was missing or failed.",
        "Uses UID MOVE when the server has it, else UID COPY + UID STORE \\Deleted + UID EXPUNGE (only the moved "
        + "messages are expunged)."})
public final class MoveCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Mixin
  SelectionOptions select;

  @Option(names = "--from", paramLabel = "FOLDER", required = true, description = "Source folder, e.g. INBOX.")
  String from;

  @Option(names = "--to", paramLabel = "FOLDER", required = true,
      description = "Target folder; hierarchy with the server's delimiter (see `mailbridge folders`), e.g. Archive/2026.")
  String to;

  @Option(names = "--create-target", description = "Create the target folder when it does not exist (default: fail).")
  boolean createTarget;

  @Option(names = "--copy", description = "Copy instead of move: the source keeps the messages.")
  boolean copy;

  // Several commands, not one: a batch's lines and journal records are written while the server
  // moves the next, so little is left to write once it answered the last.
  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "2000",
      description = "UIDs per command, 1-10000 (default: ${DEFAULT-VALUE}); each batch's lines follow once the server "
          + "confirmed it.")
  int batchSize;

  @Option(names = "--expunge-all", description = "On a server without MOVE and UIDPLUS: run a plain EXPUNGE, which "
      + "also removes other messages flagged \\Deleted in the source (default: leave them flagged and warn).")
  boolean expungeAll;

  @Mixin
  JournalOptions journal;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    MoveSettings settings = MoveSettings.builder().from(from).to(to).selection(select.selection())
        .createTarget(createTarget).expectedUidValidity(select.uidValidity().orElse(null)).batchSize(batchSize)
        .expungeWithoutUidplus(expungeAll).build();
    MailConnection mail = connection.connection(true, false);
    Move move = Move.of(mail);
    int exit;
    MoveResult r;
    try (JournalSink sink = journal.open(spec.commandLine().getErr(), connection);
        ConfirmedLines lines = new ConfirmedLines(spec, copy ? "copy" : "move", mail, sink)) {
      r = copy ? move.copy(settings, lines::accept) : move.move(settings, lines::accept);
      lines.close(); // every line out before the warnings and the summary
      exit = Outcomes.summary(spec, r);
    }
    // Copied-but-not-expunged (server without UIDPLUS) is not the move that was asked for.
    if (!copy && exit == ExitCodes.OK && !r.with(MessageOutcome.Status.COPIED).isEmpty()) {
      return ExitCodes.PARTIAL;
    }
    return exit;
  }
}
