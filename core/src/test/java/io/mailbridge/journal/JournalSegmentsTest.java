package io.mailbridge.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A large journal is split into segments (tables of the newest records): the retention drops whole
 * old segments, queries answer across them exactly as over one table, and a journal written before
 * segments (one {@code records} table) is read and extended.
 */
class JournalSegmentsTest {
  @TempDir Path dir;

  /** 5,000 records at most: segments of 100. */
  static final Journal.Retention SMALL = new Journal.Retention(Duration.ofDays(90), 5_000);
  /** One segment for everything these tests append. */
  static final Journal.Retention ONE = new Journal.Retention(Duration.ofDays(90), 1_000_000_000L);

  static JournalRecord rec(Instant t, int i) {
    // Every 7th message is moved later by UID: its move record has the document key, no Message-ID.
    return new JournalRecord(t, "receive", i % 3 == 0 ? "failed" : "received", Map.of("messageId", "<m" + i + "@x>",
        "subject", "Rechnung " + i, "fromAddress", "billing" + (i % 5) + "@example.com", "folder", "INBOX"),
        Optional.of("imap://a@h/INBOX;UIDVALIDITY=1/;UID=" + i), List.of(), Optional.empty(), Optional.empty());
  }

  static JournalRecord moved(Instant t, int i) {
    return new JournalRecord(t, "move", "moved", Map.of("fromFolder", "INBOX", "folder", "Archive", "uid", i),
        Optional.of("imap://a@h/INBOX;UIDVALIDITY=1/;UID=" + i), List.of(), Optional.empty(), Optional.empty());
  }

  /** {@code n} receives in transactions of 50, and after each transaction the moves of its 7th messages. */
  static List<List<JournalRecord>> batches(Instant start, int n) {
    List<List<JournalRecord>> out = new ArrayList<>();
    for (int i = 0; i < n; i += 50) {
      List<JournalRecord> b = new ArrayList<>();
      List<JournalRecord> moves = new ArrayList<>();
      for (int k = i; k < i + 50; k++) {
        b.add(rec(start.plusMillis(k), k));
        if (k % 7 == 0 && k >= 150) {
          moves.add(moved(start.plusMillis(k + 1), k - 150)); // moves of messages a few segments older
        }
      }
      out.add(b);
      if (!moves.isEmpty()) {
        out.add(moves);
      }
    }
    return out;
  }

  static List<String> segments(Path file) throws Exception {
    List<String> names = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'records*' ORDER BY name")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  static final List<JournalQuery> QUERIES = List.of(JournalQuery.all(),
      JournalQuery.builder().messageId("m4@x").build(), JournalQuery.builder().messageId("m7@x").build(),
      JournalQuery.builder().messageId("<m1400@x>").build(),
      JournalQuery.builder().messageId("m3001@x").build(),
      JournalQuery.builder().documentKey("imap://a@h/INBOX;UIDVALIDITY=1/;UID=700").build(),
      JournalQuery.builder().subject("rechnung 12").outcome("failed").build(),
      JournalQuery.builder().from("billing3@").folder("Archive").build(),
      JournalQuery.builder().folder("INBOX").operation("move").limit(130).build(),
      JournalQuery.builder().limit(1).build(), JournalQuery.builder().limit(250).build(),
      JournalQuery.builder().since(Instant.parse("2026-12-01T00:00:01.500Z"))
          .until(Instant.parse("2026-12-01T00:00:02.777Z")).build());

  @Test
  void queriesAcrossSegmentsAnswerAsOverOneTable() throws Exception {
    Instant start = Instant.parse("2026-12-01T00:00:00Z");
    Path split = dir.resolve("split.db");
    Path one = dir.resolve("one.db");
    try (Journal s = Journal.open(split, SMALL); Journal o = Journal.open(one, ONE)) {
      for (List<JournalRecord> b : batches(start, 3_200)) {
        s.append(b);
        o.append(b);
      }
      for (JournalQuery q : QUERIES) {
        List<JournalRecord> expected = o.query(q);
        assertThat(s.query(q)).as(q.toString()).isEqualTo(expected);
      }
      assertThat(s.query(JournalQuery.builder().messageId("m4@x").build())).extracting(JournalRecord::operation)
          .as("a receive and its move by UID found by the Message-ID, in different segments")
          .containsExactly("receive", "move");
    }
    assertThat(segments(one)).containsExactly("records");
    // ~3,650 records in segments of at least 100 ids (a transaction may run over).
    assertThat(segments(split)).hasSizeBetween(25, 40).first().isEqualTo("records");
  }

  @Test
  void theRetentionDropsWholeOldSegmentsAndKeepsTheNewestRecords() throws Exception {
    Instant now = Instant.now();
    Path file = dir.resolve("j.db");
    try (Journal j = Journal.open(file, SMALL)) {
      for (int i = 0; i < 4_950; i += 50) {
        List<JournalRecord> b = new ArrayList<>();
        for (int k = i; k < i + 50; k++) {
          b.add(rec(now.minusSeconds(10_000 - k), k));
        }
        j.append(b);
      }
      List<String> before = segments(file);
      assertThat(before).hasSize(50);
      // Room for 100 (1% of the most wanted free) and 200 more: between 4,700 and 4,900 records stay,
      // and a segment ends in that range, so whole segments go and no row is taken out of one.
      assertThat(j.prune(100, 200)).isEqualTo(200);
      List<String> after = segments(file);
      assertThat(after).isEqualTo(before.subList(2, before.size()));
      List<JournalRecord> all = j.query(JournalQuery.all());
      assertThat(all).hasSize(4_750);
      assertThat(all.get(0).properties()).containsEntry("subject", "Rechnung 200");
      assertThat(j.query(JournalQuery.builder().messageId("m199@x").build())).isEmpty();
      assertThat(j.query(JournalQuery.builder().messageId("m4949@x").build())).hasSize(1);
      assertThat(j.prune(100, 200)).as("enough room left").isZero();
    }
  }

  @Test
  void theAgeDropsSegmentsWhollyOlderAndTrimsTheOneAcrossTheCut() throws Exception {
    Instant now = Instant.now();
    Path file = dir.resolve("j.db");
    try (Journal j = Journal.open(file, new Journal.Retention(Duration.ofDays(365), 5_000))) {
      for (int i = 0; i < 1_000; i += 50) { // 10 segments, a day apart each 100 records
        List<JournalRecord> b = new ArrayList<>();
        for (int k = i; k < i + 50; k++) {
          b.add(rec(now.minus(Duration.ofDays(100 - k / 10)), k));
        }
        j.append(b);
      }
    }
    assertThat(segments(file)).hasSize(10);
    // 90 days: records of day -100 to -91 go (k < 100), all of the first segment...
    try (Journal j = Journal.open(file, new Journal.Retention(Duration.ofDays(90).plusHours(1), 5_000))) {
      assertThat(j.prune()).isEqualTo(100);
      assertThat(segments(file)).hasSize(9).doesNotContain("records");
      // ...and with 85 days half of the next one, row by row.
      try (Journal k = Journal.open(file, new Journal.Retention(Duration.ofDays(85).plusHours(1), 5_000))) {
        assertThat(k.prune()).isEqualTo(50);
      }
      assertThat(j.query(JournalQuery.all())).hasSize(850).first()
          .satisfies(r -> assertThat(r.properties()).containsEntry("subject", "Rechnung 150"));
    }
  }

  @Test
  void aJournalWrittenBeforeSegmentsIsReadExtendedAndPrunedWithTheSameAnswers() throws Exception {
    Instant start = Instant.parse("2026-12-01T00:00:00Z");
    Path old = dir.resolve("old.db");
    Path one = dir.resolve("one.db");
    List<List<JournalRecord>> batches = batches(start, 3_200);
    int half = batches.size() / 2;
    // The first half as the previous version wrote it: one table, its indexes, its schema version.
    try (Journal o = Journal.open(one, ONE)) {
      for (List<JournalRecord> b : batches.subList(0, half)) {
        o.append(b);
      }
    }
    writeOldSchema(old, one);
    assertThat(segments(old)).containsExactly("records");
    try (Journal s = Journal.open(old, SMALL); Journal o = Journal.open(one, ONE)) {
      assertThat(s.query(JournalQuery.all())).isEqualTo(o.query(JournalQuery.all()));
      for (List<JournalRecord> b : batches.subList(half, batches.size())) {
        s.append(b);
        o.append(b);
      }
      assertThat(segments(old)).as("the old table is the first segment, the appends go into new ones")
          .hasSizeGreaterThan(10).first().isEqualTo("records");
      for (JournalQuery q : QUERIES) {
        assertThat(s.query(q)).as(q.toString()).isEqualTo(o.query(q));
      }
      // The most now 3,000: the oldest records leave the old table row by row (it holds ~1,800).
      long total = o.query(JournalQuery.all()).size();
      try (Journal s2 = Journal.open(old, new Journal.Retention(Duration.ofDays(3650), 3_000))) {
        assertThat(s2.prune()).isEqualTo(total - 3_000);
      }
      List<JournalRecord> all = o.query(JournalQuery.all());
      assertThat(s.query(JournalQuery.all())).isEqualTo(all.subList(all.size() - 3_000, all.size()));
    }
  }

  /** Copies the records of {@code from} into {@code to} with the schema of the version before segments. */
  static void writeOldSchema(Path to, Path from) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + to); Statement s = c.createStatement()) {
      s.execute("PRAGMA journal_mode = WAL");
      s.execute("CREATE TABLE records ("
          + "id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, operation TEXT NOT NULL, "
          + "outcome TEXT NOT NULL, message_id TEXT, subject TEXT, from_address TEXT, recipients TEXT, folder TEXT, "
          + "from_folder TEXT, document_key TEXT, cache_keys TEXT NOT NULL, cache_dir TEXT, reason TEXT, properties TEXT NOT NULL)");
      s.execute("CREATE INDEX records_message_id ON records(message_id)");
      s.execute("CREATE INDEX records_document_key ON records(document_key)");
      s.execute("CREATE INDEX records_time ON records(time)");
      s.execute("PRAGMA user_version = 1");
      s.execute("ATTACH DATABASE '" + from + "' AS src");
      s.execute("INSERT INTO records SELECT * FROM src.records ORDER BY id");
      s.execute("DETACH DATABASE src");
    }
  }

  @Test
  void twoProcessesAppendingAtOnceAcrossNewSegmentsLoseNothing() throws Exception {
    Path file = dir.resolve("shared.db");
    Process a = JournalWriterMain.start(file, "a", 600, 3, 5_000);
    Process b = JournalWriterMain.start(file, "b", 600, 3, 5_000);
    assertThat(a.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(b.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(a.exitValue()).as(Files.readString(Path.of(file + ".a.err"))).isZero();
    assertThat(b.exitValue()).as(Files.readString(Path.of(file + ".b.err"))).isZero();
    assertThat(segments(file)).hasSizeGreaterThanOrEqualTo(10);
    try (Journal j = Journal.open(file)) {
      assertThat(j.query(JournalQuery.builder().subject("a-").build())).hasSize(600);
      assertThat(j.query(JournalQuery.builder().subject("b-").build())).hasSize(600);
    }
    assertThat(ids(file)).as("ids grow across segments, none twice").doesNotHaveDuplicates().isSorted();
  }

  @Test
  void aProcessKilledWhileAppendingAcrossSegmentsLeavesWholeTransactionsInAReadableFile() throws Exception {
    Path file = dir.resolve("killed.db");
    Process p = JournalWriterMain.start(file, "k", 1_000_000, 10, 5_000);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.exists(file) || segments(file).size() < 5) {
      assertThat(System.nanoTime()).as("writer made segments").isLessThan(deadline);
      assertThat(p.isAlive()).as("writer alive").isTrue();
      Thread.sleep(20);
    }
    p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
        ResultSet rs = c.createStatement().executeQuery("PRAGMA integrity_check")) {
      rs.next();
      assertThat(rs.getString(1)).isEqualTo("ok");
    }
    try (Journal j = Journal.open(file, SMALL)) {
      List<JournalRecord> all = j.query(JournalQuery.all());
      assertThat(all.size() % 10).as("records come in transactions of 10").isZero();
      assertThat(all).extracting(r -> r.properties().get("subject")).doesNotHaveDuplicates();
      j.append(rec(Instant.now(), 1)); // and the file takes more
      assertThat(j.query(JournalQuery.all())).hasSize(all.size() + 1);
    }
  }

  static List<Long> ids(Path file) throws Exception {
    List<Long> ids = new ArrayList<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      for (String seg : segments(file)) {
        try (PreparedStatement p = c.prepareStatement("SELECT id FROM " + seg + " ORDER BY id");
            ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
      }
    }
    return ids;
  }
}
