package io.mailbridge.cli;

import io.mailbridge.connection.MailConnection;
import io.mailbridge.move.Delete;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.MoveResult;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge delete}: to Trash, or permanently with --expunge. */
@Command(name = "delete", mixinStandardHelpOptions = true,
    description = "Delete selected messages: move them to the server's \\Trash folder, or remove them permanently "
        + "with --expunge (UID EXPUNGE: nothing else is expunged). One JSON line per message.")
public final class DeleteCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Mixin
  SelectionOptions select;

  @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "INBOX", description = "Folder (default: ${DEFAULT-VALUE}).")
  String folder;

  @Option(names = "--expunge", description = "Delete permanently instead of moving to Trash.")
  boolean expunge;

  @Option(names = "--expunge-all", description = "On a server without UIDPLUS: allow a plain EXPUNGE, which also "
      + "removes other messages flagged \\Deleted (default: only flag them and warn).")
  boolean expungeAll;

  @Mixin
  JournalOptions journal;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    MailConnection mail = connection.connection(true, false);
    try (JournalSink sink = journal.open(spec.commandLine().getErr(), connection)) {
      MoveResult r = Delete.of(mail).delete(folder, select.selection(), expunge, select.uidValidity(), expungeAll);
      int exit = Outcomes.print(spec, r, "delete", mail, sink);
      // As for move: flagged but not expunged (server without UIDPLUS), or copied to Trash but not
      // removed from the folder, is not the delete that was asked for.
      boolean incomplete = !r.with(MessageOutcome.Status.UPDATED).isEmpty() || !r.with(MessageOutcome.Status.COPIED)
          .isEmpty();
      return exit == ExitCodes.OK && incomplete ? ExitCodes.PARTIAL : exit;
    }
  }
}
