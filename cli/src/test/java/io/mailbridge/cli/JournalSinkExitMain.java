package io.mailbridge.cli;

import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A command's end in a process of its own: {@code FILE COUNT} records through a {@link JournalSink},
 * and the process halts the moment {@link JournalSink#close()} returns (no shutdown hook, no clean
 * close of the file), as a process does that exits while SQLite still folds its log into the file.
 */
public final class JournalSinkExitMain {
  public static void main(String[] args) {
    int n = Integer.parseInt(args[1]);
    JournalSink sink = JournalSink.start(Optional.of(Path.of(args[0])), Journal.Retention.defaults(),
        new PrintWriter(System.err, true));
    for (int i = 0; i < n; i++) {
      sink.add(JournalRecord.of("send", "sent", TrackedProperties.builder().subject("s" + i).build(), null, List.of(),
          null));
    }
    sink.close();
    Runtime.getRuntime().halt(0);
  }
}
