package io.mailbridge.cli;

import io.mailbridge.connection.MailConnection;
import io.mailbridge.move.Flags;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge flag}: mark read/unread, flag/unflag, set or clear keywords. */
@Command(name = "flag", mixinStandardHelpOptions = true,
    description = "Change flags of selected messages: --seen/--unseen, --flag/--unflag \\Flagged or a keyword "
        + "such as $Processed. One JSON line per message (status updated|missing|failed).")
public final class FlagCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Mixin
  SelectionOptions select;

  @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "INBOX", description = "Folder (default: ${DEFAULT-VALUE}).")
  String folder;

  @Option(names = "--seen", description = "Mark read (add \\Seen).")
  boolean seen;

  @Option(names = "--unseen", description = "Mark unread (remove \\Seen).")
  boolean unseen;

  @Option(names = "--flag", paramLabel = "FLAG", description = "Add a flag: \\Flagged, \\Answered, ... or a keyword (repeatable).")
  List<String> add = new ArrayList<>();

  @Option(names = "--unflag", paramLabel = "FLAG", description = "Remove a flag or keyword (repeatable).")
  List<String> remove = new ArrayList<>();

  @Mixin
  JournalOptions journal;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    Set<String> plus = new LinkedHashSet<>(add);
    Set<String> minus = new LinkedHashSet<>(remove);
    if (seen) {
      plus.add("\\Seen");
    }
    if (unseen) {
      minus.add("\\Seen");
    }
    MailConnection mail = connection.connection(true, false);
    try (JournalSink sink = journal.open(spec.commandLine().getErr(), connection)) {
      return Outcomes.print(spec, Flags.of(mail).change(folder, select.selection(), plus, minus, select.uidValidity()),
          "flag", mail, sink);
    }
  }
}
