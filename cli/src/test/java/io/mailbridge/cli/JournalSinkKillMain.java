package io.mailbridge.cli;

import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A command that records without end through a {@link JournalSink} ({@code FILE}): subjects
 * {@code s0}, {@code s1}, ..., a few every millisecond, until it is killed.
 */
public final class JournalSinkKillMain {
  public static void main(String[] args) throws InterruptedException {
    JournalSink sink = JournalSink.start(Optional.of(Path.of(args[0])), Journal.Retention.defaults(),
        new PrintWriter(System.err, true));
    for (long i = 0; ; i++) {
      sink.add(JournalRecord.of("receive", "received", TrackedProperties.builder().subject("s" + i).build(), null,
          List.of(), null));
      if (i % 5 == 0) {
        Thread.sleep(1);
      }
    }
  }
}
