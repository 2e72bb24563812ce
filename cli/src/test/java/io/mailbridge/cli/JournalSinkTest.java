package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalQuery;
import io.mailbridge.journal.JournalRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's journal writer: what it costs the command (transactions, removals) and that it keeps every record. */
class JournalSinkTest {
  @TempDir Path dir;

  private static JournalRecord sent(String subject) {
    return JournalRecord.of("send", "sent", TrackedProperties.builder().subject(subject).build(), null, List.of(), null);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as(what).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private static List<String> subjects(Path file) {
    try (Journal j = Journal.open(file)) {
      return j.query(JournalQuery.all()).stream().map(r -> r.property("subject").orElseThrow()).toList();
    }
  }

  @Test
  void recordsArrivingAFewMillisecondsApartShareATransaction() throws Exception {
    Path file = dir.resolve("j.db");
    StringWriter err = new StringWriter();
    JournalSink sink = JournalSink.start(Optional.of(file), Journal.Retention.defaults(), new PrintWriter(err));
    try (sink) {
      sink.add(sent("first"));
      await("the first record written", () -> sink.transactions() == 1);
      for (int i = 0; i < 40; i++) {
        sink.add(sent("r" + i));
        Thread.sleep(2); // each alone would be its own transaction: the writer is idle when it comes
      }
    }
    assertThat(err.toString()).isEmpty();
    // 40 records over ~80 ms: one transaction, a few on a machine that stalls the test thread.
    assertThat(sink.transactions() - 1).isBetween(1, 8);
    assertThat(subjects(file)).hasSize(41).startsWith("first", "r0").endsWith("r39");
  }

  @Test
  void theOldestGoBeforeTheCommandRecordsAndTheJournalNeverHoldsMoreThanItsMost() throws Exception {
    Path file = dir.resolve("j.db");
    // The most 200: under 2 free (1%), the oldest go down to 190 (95%).
    Journal.Retention retention = new Journal.Retention(Duration.ofDays(1), 200);
    try (Journal j = Journal.open(file, retention)) {
      for (int i = 0; i < 198; i++) {
        j.append(sent("old " + i));
      }
    }
    StringWriter err = new StringWriter();
    JournalSink roomy = JournalSink.start(Optional.of(file), retention, new PrintWriter(err));
    try (roomy) {
      roomy.add(sent("new 0"));
    }
    assertThat(subjects(file)).as("2 of 200 free: nothing removed").hasSize(199).startsWith("old 0")
        .endsWith("old 197", "new 0");
    JournalSink sink = JournalSink.start(Optional.of(file), retention, new PrintWriter(err));
    try (sink) {
      sink.add(sent("new 1"));
      await("the first record written", () -> sink.transactions() == 1);
      // Removed while the command worked, before its first record: 190 left, then the new one.
      assertThat(subjects(file)).hasSize(191).startsWith("old 9").endsWith("old 197", "new 0", "new 1");
      for (int i = 2; i <= 12; i++) {
        sink.add(sent("new " + i)); // two beyond the 200: removed when the command ends
      }
    }
    assertThat(err.toString()).isEmpty();
    assertThat(subjects(file)).hasSize(200).startsWith("old 11").containsSequence("old 197", "new 0", "new 1", "new 2")
        .endsWith("new 12");
  }

  @Test
  void everyRecordIsInTheJournalWhenCloseReturnsEvenIfTheProcessEndsRightThen() throws Exception {
    for (int round = 0; round < 3; round++) {
      Path file = dir.resolve("exit-" + round + ".db");
      String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
          JournalSinkExitMain.class.getName(), file.toString(), "5000").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
          var rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("ok");
      }
      List<String> subjects = subjects(file);
      assertThat(subjects).hasSize(5000).startsWith("s0").endsWith("s4999");
    }
  }

  @Test
  void aCommandKilledWhileItRecordsLosesOnlyItsLastRecordsAndNeverDamagesTheJournal() throws Exception {
    Path file = dir.resolve("killed.db");
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
        JournalSinkKillMain.class.getName(), file.toString()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    int seen;
    try {
      await("records committed", () -> p.isAlive() && count(file) >= 1000);
      seen = count(file);
    } finally {
      p.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: in the midst of an open transaction
    }
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + file);
        var rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
    List<String> subjects = subjects(file);
    assertThat(subjects.size()).as("what was committed before the kill stays").isGreaterThanOrEqualTo(seen);
    // Records are committed in the order they came: a kill loses the newest, never one in between.
    for (int i = 0; i < subjects.size(); i++) {
      assertThat(subjects.get(i)).isEqualTo("s" + i);
    }
  }

  @Test
  void theCommandsEndLeavesTheLogForTheNextCommandToFoldIn() throws Exception {
    Path file = dir.resolve("j.db");
    Path wal = Path.of(file + "-wal");
    StringWriter err = new StringWriter();
    JournalSink first = JournalSink.start(Optional.of(file), Journal.Retention.defaults(), new PrintWriter(err));
    try (first) {
      for (int i = 0; i < 500; i++) {
        first.add(sent("a" + i));
      }
    }
    first.awaitWriter();
    // Closing the file would fold the log into it (SQLite's checkpoint, with its syncs) while the
    // process ends; the writer leaves that to the next command.
    assertThat(wal).exists();
    assertThat(java.nio.file.Files.size(wal)).isPositive();
    JournalSink next = JournalSink.start(Optional.of(file), Journal.Retention.defaults(), new PrintWriter(err));
    try (next) {
      next.add(sent("b0"));
    }
    assertThat(err.toString()).isEmpty();
    assertThat(subjects(file)).hasSize(501).startsWith("a0").endsWith("a499", "b0");
  }

  private static int count(Path file) {
    if (!java.nio.file.Files.exists(file)) {
      return 0;
    }
    try (Journal j = Journal.open(file)) {
      return j.query(JournalQuery.all()).size();
    } catch (RuntimeException e) {
      return 0; // not made yet
    }
  }
}
