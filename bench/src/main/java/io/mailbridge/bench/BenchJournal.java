package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.ROOT;
import static io.mailbridge.bench.Measure.log;

import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The journal the CLI workloads write to, owned by the bench: never the user's. It starts in a stated
 * state, at its steady state: filled once to the default most records (1,000,000 receive records of
 * ~10k-message runs over the last 60 days, as a user of daily receives has after some weeks), in the
 * layout this build writes. Each launcher variant gets its own copy of that file, kept across its
 * rounds as a user's journal is.
 */
final class BenchJournal {
  /** Records in the full journal: the default most. */
  static final long RECORDS = Journal.Retention.defaults().maxRecords();
  /** Beside the suite's scratch directory, which workloads clear: the full journal is made once. */
  private static final Path DIR = ROOT.resolve("bench/target/journal");
  private static final Path FULL = DIR.resolve("journal-full.db");
  private static final Path DONE = DIR.resolve("journal-full.done");

  private static boolean scratchCleared;

  private BenchJournal() {}

  /**
   * The journal of the CLI workloads that do not measure it (big message, send): empty when the
   * suite starts, then growing with their runs.
   */
  static synchronized Path scratch() throws Exception {
    Path scratch = DIR.resolve("journal-scratch.db");
    if (!scratchCleared) {
      Files.createDirectories(DIR);
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(Path.of(scratch + suffix));
      }
      scratchCleared = true;
    }
    return scratch;
  }

  /**
   * A copy of the full journal for {@code name}, fresh; the environment that makes the launcher
   * write to it ({@code MAILBRIDGE_JOURNAL}).
   */
  static Map<String, String> copyFor(String name) throws Exception {
    full();
    Path copy = DIR.resolve("journal-" + name + ".db");
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(copy + suffix));
    }
    Files.copy(FULL, copy, StandardCopyOption.REPLACE_EXISTING);
    return Map.of("MAILBRIDGE_JOURNAL", copy.toString());
  }

  /** Makes the full journal once (it stays in the bench's work directory for later runs). */
  static synchronized Path full() throws Exception {
    if (Files.exists(DONE) && Files.exists(FULL)) {
      return FULL;
    }
    Files.createDirectories(DIR);
    for (String suffix : List.of("", "-wal", "-shm")) {
      Files.deleteIfExists(Path.of(FULL + suffix));
    }
    long t0 = System.nanoTime();
    fill(FULL, Journal.Retention.defaults(), RECORDS);
    Files.writeString(DONE, RECORDS + " records\n");
    log(String.format("  bench journal: %,d records, %,d MB, made in %.1f s", RECORDS, Files.size(FULL) >> 20,
        (System.nanoTime() - t0) / 1e9));
    return FULL;
  }

  /** Appends {@code records} receive records, oldest first, to {@code file} with {@code retention}. */
  static void fill(Path file, Journal.Retention retention, long records) {
    Instant start = Instant.now().minus(Duration.ofDays(60));
    long step = Duration.ofDays(60).toMillis() / records;
    try (Journal j = Journal.open(file, retention)) {
      List<JournalRecord> batch = new ArrayList<>();
      for (long i = 0; i < records; i++) {
        batch.add(record(start.plusMillis(i * step), i));
        if (batch.size() == 10_000) {
          j.append(batch);
          batch.clear();
        }
      }
      j.append(batch);
    }
  }

  /** A receive record as the CLI writes one for a bulk message of the bench's seeding. */
  static JournalRecord record(Instant t, long i) {
    long uid = i % 10_000 + 1;
    long validity = 1_700_000_000L + i / 10_000;
    TrackedProperties p = TrackedProperties.builder().subject("Bulk message " + i + " of the benchmark")
        .fromAddress("bench@example.com").toAddress(List.of("alice@example.com"))
        // Message-IDs of many senders: in no order, so they go to scattered places of the index.
        .messageId("<" + Long.toHexString(i * 0x9E3779B97F4A7C15L) + "." + i + "@bench.example.com>").folder("bulk")
        .uid(uid).uidValidity(validity).size(4_300).attachmentsCount(0)
        .receivedDate(OffsetDateTime.ofInstant(t, ZoneOffset.UTC)).build();
    String key = JournalRecord.documentKey("alice@example.com", "127.0.0.1", 993, "bulk", validity, uid);
    return new JournalRecord(t, "receive", "received", p.toMap(), Optional.of(key), List.of(), Optional.empty(),
        Optional.empty());
  }

  /**
   * {@code FILE [MAX_RECORDS [RECORDS]]}: fills a journal; {@code append FILE RECORDS}: appends as a
   * CLI receive does (the retention's step first, then transactions of 2,000). For measuring the
   * journal alone.
   */
  public static void main(String[] args) {
    if (args[0].equals("append")) {
      long n = Long.parseLong(args[2]);
      long base = System.nanoTime();
      List<JournalRecord> all = new ArrayList<>();
      for (long i = 0; i < n; i++) {
        all.add(record(Instant.now(), base + i));
      }
      var cpu = java.lang.management.ManagementFactory.getThreadMXBean();
      long t0 = System.nanoTime();
      long c0 = cpu.getCurrentThreadCpuTime();
      Journal.Retention r = Journal.Retention.defaults();
      long t1;
      long t2;
      long removed;
      try (Journal j = Journal.open(Path.of(args[1]), r)) {
        removed = j.prune(r.maxRecords() / 100, r.maxRecords() / 25);
        t1 = System.nanoTime();
        for (int i = 0; i < all.size(); i += 2_000) {
          j.append(all.subList(i, Math.min(all.size(), i + 2_000)));
        }
        t2 = System.nanoTime();
      }
      long t3 = System.nanoTime();
      System.out.printf("open+prune %.2f s (removed %d), append %.2f s, close %.2f s; thread CPU %.2f s%n",
          (t1 - t0) / 1e9, removed, (t2 - t1) / 1e9, (t3 - t2) / 1e9, (cpu.getCurrentThreadCpuTime() - c0) / 1e9);
      return;
    }
    long max = args.length > 1 ? Long.parseLong(args[1]) : RECORDS;
    long n = args.length > 2 ? Long.parseLong(args[2]) : RECORDS;
    long t0 = System.nanoTime();
    fill(Path.of(args[0]), new Journal.Retention(Duration.ofDays(90), max), n);
    System.out.printf("%,d records in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
  }
}
