package io.mailbridge.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import io.mailbridge.document.TrackedProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;

  static final String KEY = "imap://alice@127.0.0.1:993/INBOX;UIDVALIDITY=7/;UID=42";

  static TrackedProperties invoice42() {
    return TrackedProperties.builder().subject("Rechnung 42 für Ärzte").fromAddress("billing@example.com")
        .toAddress(List.of("alice@example.com")).cc(List.of("Carol <carol@example.com>"))
        .messageId("<invoice-42@billing.example.com>").folder("INBOX").fromFolder("INBOX").uid(42).uidValidity(7)
        .attachmentsCount(1).fileName(List.of("invoice-42.pdf")).contentType(List.of("application/pdf"))
        .receivedDate(OffsetDateTime.parse("2026-11-30T09:14:00Z")).build();
  }

  static JournalRecord at(String time, String op, String outcome, Map<String, Object> props, String key) {
    return new JournalRecord(Instant.parse(time), op, outcome, props, Optional.ofNullable(key), List.of(),
        Optional.empty(), Optional.empty());
  }

  @Test
  void whatHappenedToInvoice42ReceivedThenMovedByUidFoundByItsMessageId() {
    try (Journal j = Journal.open(dir.resolve("state/journal.db"))) {
      j.append(new JournalRecord(Instant.parse("2026-11-30T09:14:01Z"), "receive", "received", invoice42().toMap(),
          Optional.of(KEY), List.of("0123456789abcdef-7-42/2"), Optional.of("/srv/cache"), Optional.empty()));
      // The move was by UID: its line has no Message-ID, only the source folder and UID.
      j.append(at("2026-11-30T09:14:02Z", "move", "moved", Map.of("fromFolder", "INBOX", "folder", "Archive", "uid", 42),
          KEY));
      j.append(at("2026-11-30T09:15:00Z", "receive", "received", Map.of("messageId", "<other@x>", "subject", "Other"),
          "imap://alice@127.0.0.1:993/INBOX;UIDVALIDITY=7/;UID=43"));

      List<JournalRecord> story = j.query(JournalQuery.builder().messageId("invoice-42@billing.example.com").build());
      assertThat(story).extracting(JournalRecord::operation).containsExactly("receive", "move");
      assertThat(story.get(0).cacheKeys()).containsExactly("0123456789abcdef-7-42/2");
      assertThat(story.get(0).cacheDir()).contains("/srv/cache");
      assertThat(story.get(0).properties()).containsEntry("subject", "Rechnung 42 für Ärzte")
          .containsEntry("fileName", List.of("invoice-42.pdf")).containsEntry("receivedDate", "2026-11-30T09:14Z");
      assertThat(story.get(1).properties()).containsEntry("folder", "Archive").containsEntry("fromFolder", "INBOX");
      assertThat(story.get(1).time()).isEqualTo(Instant.parse("2026-11-30T09:14:02Z"));
    }
  }

  @Test
  void textCriteriaMatchPartsIgnoringCaseInAnyScriptAndCriteriaCombine() {
    try (Journal j = Journal.open(dir.resolve("j.db"))) {
      j.append(new JournalRecord(Instant.parse("2026-11-30T09:14:01Z"), "receive", "received", invoice42().toMap(),
          Optional.of(KEY), List.of(), Optional.empty(), Optional.empty()));
      j.append(at("2026-12-01T10:00:00Z", "send", "failed", Map.of("subject", "Mahnung", "toAddress",
          List.of("bob@example.com")), null));
      assertThat(j.query(JournalQuery.builder().subject("ÄRZTE").build())).hasSize(1);
      assertThat(j.query(JournalQuery.builder().from("BILLING@").build())).hasSize(1);
      assertThat(j.query(JournalQuery.builder().to("carol@").build())).hasSize(1); // Cc counts as a recipient
      assertThat(j.query(JournalQuery.builder().to("bob").build())).extracting(JournalRecord::operation)
          .containsExactly("send");
      assertThat(j.query(JournalQuery.builder().folder("INBOX").operation("RECEIVE").build())).hasSize(1);
      assertThat(j.query(JournalQuery.builder().outcome("failed").build())).hasSize(1);
      assertThat(j.query(JournalQuery.builder().since(Instant.parse("2026-12-01T00:00:00Z")).build()))
          .extracting(JournalRecord::operation).containsExactly("send");
      assertThat(j.query(JournalQuery.builder().until(Instant.parse("2026-12-01T10:00:00Z")).build()))
          .extracting(JournalRecord::operation).containsExactly("receive");
      assertThat(j.query(JournalQuery.builder().subject("rechnung").outcome("failed").build())).isEmpty();
      assertThat(j.query(JournalQuery.builder().limit(1).build())).extracting(JournalRecord::operation)
          .containsExactly("send"); // the newest
    }
  }

  @Test
  void retentionRemovesOldRecordsAndKeepsTheNewestWithinTheCountWhenClosed() {
    Path file = dir.resolve("j.db");
    Instant now = Instant.now();
    try (Journal j = Journal.open(file, new Journal.Retention(Duration.ofDays(30), 3))) {
      j.append(at(now.minus(Duration.ofDays(31)).toString(), "receive", "received", Map.of("subject", "old"), null));
      for (int i = 0; i < 5; i++) {
        j.append(at(now.minusSeconds(10 - i).toString(), "send", "sent", Map.of("subject", "new " + i), null));
      }
      assertThat(j.query(JournalQuery.all())).hasSize(6);
    }
    try (Journal j = Journal.open(file)) {
      assertThat(j.query(JournalQuery.all())).extracting(r -> r.properties().get("subject"))
          .containsExactly("new 2", "new 3", "new 4");
    }
  }

  @Test
  void pruneWithRoomRemovesTheOldestOnlyAsFarAsNeededToAppendThatManyWithinTheMost() {
    Path file = dir.resolve("j.db");
    Instant now = Instant.now();
    try (Journal j = Journal.open(file, new Journal.Retention(Duration.ofDays(30), 5))) {
      for (int i = 0; i < 4; i++) {
        j.append(at(now.minusSeconds(10 - i).toString(), "send", "sent", Map.of("subject", "s" + i), null));
      }
      assertThat(j.prune(1)).as("4 records leave room for 1").isZero();
      assertThat(j.prune(3)).isEqualTo(2);
      assertThat(j.query(JournalQuery.all())).extracting(r -> r.properties().get("subject")).containsExactly("s2", "s3");
      j.append(at(now.minusSeconds(1).toString(), "send", "sent", Map.of("subject", "s4"), null));
      j.append(at(now.toString(), "send", "sent", Map.of("subject", "s5"), null));
      assertThat(j.prune(0, 3)).as("4 records, room for 1: none removed, however many extra").isZero();
      assertThat(j.prune(2, 1)).as("room for 2 missing one: that one and one extra").isEqualTo(2);
      assertThat(j.query(JournalQuery.all())).extracting(r -> r.properties().get("subject")).containsExactly("s4", "s5");
      assertThatThrownBy(() -> j.prune(5)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("add up to at most maxRecords - 1 (4)");
      assertThatThrownBy(() -> j.prune(2, 3)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> j.prune(-1)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void theFileIsInWalModeAndNeverHoldsABody() throws Exception {
    Path file = dir.resolve("j.db");
    try (Journal j = Journal.open(file)) {
      j.append(JournalRecord.of("receive", "received", invoice42(), KEY, List.of(), null));
    }
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA journal_mode")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualToIgnoringCase("wal");
    }
  }

  @Test
  void aFileThatIsNotAJournalIsAConfigErrorNamingIt() throws Exception {
    Path file = dir.resolve("not-a-journal.db");
    Files.writeString(file, "this is text, not SQLite ".repeat(200));
    assertThatThrownBy(() -> Journal.open(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining(file.toString()).hasMessageContaining("turn the journal off");
  }

  @Test
  void twoProcessesAppendingAtOnceLoseNothing() throws Exception {
    Path file = dir.resolve("shared.db");
    Process a = JournalWriterMain.start(file, "a", 300, 1);
    Process b = JournalWriterMain.start(file, "b", 300, 1);
    assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(a.exitValue()).as(Files.readString(Path.of(file + ".a.err"))).isZero();
    assertThat(b.exitValue()).as(Files.readString(Path.of(file + ".b.err"))).isZero();
    try (Journal j = Journal.open(file)) {
      assertThat(j.query(JournalQuery.builder().subject("a-").build())).hasSize(300);
      assertThat(j.query(JournalQuery.builder().subject("b-").build())).hasSize(300);
    }
  }

  @Test
  void recordsAppendedUncommittedAreSeenByOthersOnlyOnceCommittedAndAllTogether() {
    Path file = dir.resolve("open.db");
    try (Journal writer = Journal.open(file); Journal reader = Journal.open(file)) {
      writer.appendUncommitted(List.of(at("2026-11-30T09:14:01Z", "receive", "received", Map.of("subject", "a"), null)));
      writer.appendUncommitted(List.of(at("2026-11-30T09:14:02Z", "receive", "received", Map.of("subject", "b"), null),
          at("2026-11-30T09:14:03Z", "receive", "received", Map.of("subject", "c"), null)));
      assertThat(reader.query(JournalQuery.all())).as("nothing before the commit").isEmpty();
      writer.commit();
      assertThat(reader.query(JournalQuery.all())).extracting(r -> r.properties().get("subject"))
          .containsExactly("a", "b", "c");
      writer.commit(); // nothing open: nothing happens
      writer.appendUncommitted(List.of(at("2026-11-30T09:15:00Z", "receive", "received", Map.of("subject", "d"), null)));
    }
    try (Journal j = Journal.open(file)) {
      assertThat(j.query(JournalQuery.all())).as("close commits what is open").hasSize(4);
    }
  }

  @Test
  void aProcessKilledWithATransactionOpenLeavesTheCommittedRecordsInAReadableFile() throws Exception {
    Path file = dir.resolve("killed-open.db");
    Process p = JournalWriterMain.start(file, "k", 1_000_000, 10, Journal.Retention.defaults().maxRecords(),
        "uncommitted");
    killOnceItHasWritten(p, file);
    try (Journal j = Journal.open(file)) {
      List<Object> subjects = new ArrayList<>();
      j.query(JournalQuery.all()).forEach(r -> subjects.add(r.properties().get("subject")));
      assertThat(subjects).isNotEmpty();
      // Every commit held 10 records inserted one by one: the open transaction's are all gone.
      assertThat(subjects.size() % 10).as("records come in transactions of 10").isZero();
      List<Object> expected = new ArrayList<>();
      for (int i = 0; i < subjects.size(); i++) {
        expected.add("k-" + i);
      }
      assertThat(subjects).isEqualTo(expected);
    }
  }

  @Test
  void aProcessKilledWhileAppendingLeavesWholeTransactionsInAReadableFile() throws Exception {
    Path file = dir.resolve("killed.db");
    Process p = JournalWriterMain.start(file, "k", 1_000_000, 10);
    // Let it commit some transactions, then kill it without warning (SIGKILL: no shutdown hook runs).
    killOnceItHasWritten(p, file);
    try (Journal j = Journal.open(file)) {
      List<JournalRecord> all = j.query(JournalQuery.all());
      assertThat(all).isNotEmpty();
      assertThat(all.size() % 10).as("records come in transactions of 10").isZero();
      List<Object> subjects = new ArrayList<>();
      all.forEach(r -> subjects.add(r.properties().get("subject")));
      assertThat(subjects).doesNotHaveDuplicates();
    }
  }

  /**
   * Kills the writer without warning (SIGKILL: no shutdown hook runs) once its write-ahead log holds
   * some transactions, and checks the file is intact.
   */
  private static void killOnceItHasWritten(Process p, Path file) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    Path wal = file.resolveSibling(file.getFileName() + "-wal");
    while (!Files.exists(wal) || Files.size(wal) < 64 * 1024) {
      assertThat(System.nanoTime()).as("writer started").isLessThan(deadline);
      assertThat(p.isAlive()).as("writer alive").isTrue();
      Thread.sleep(20);
    }
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    try (var c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
  }
}
