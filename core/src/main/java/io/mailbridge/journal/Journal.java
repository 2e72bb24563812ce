package io.mailbridge.journal;

import io.mailbridge.ConfigException;
import io.mailbridge.journal.internal.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * The journal: one {@link JournalRecord} per message for every operation, kept in an embedded
 * SQLite file so that what happened to a message can be looked up afterwards ("what happened to
 * invoice 42": received from INBOX, attachments in the cache under these keys, moved to Archive).
 * Records hold tracked properties and keys, never bodies or credentials.
 *
 * <p>The file is written in SQLite's WAL mode: a crash (of the process or of the machine) loses at
 * most the records of the transaction in flight and never damages the file; several processes may
 * write the same journal at once. It is bounded by a {@link Retention}: records older than its age,
 * and the oldest beyond its count, are removed when a journal that was written to is closed. A journal
 * at its most is split into segments (about 50), so that appends touch small indexes and the
 * retention drops whole old segments; a journal written before segments is read and extended as it is.
 * The library writes no journal unless given one; the {@code mailbridge} command line keeps one by
 * default. Needs {@code org.xerial:sqlite-jdbc} on the class path (an optional dependency of the library).
 *
 * <pre>{@code
 * try (Journal journal = Journal.open(Path.of("journal.db"))) {
 *   Receive.of(connection).run(settings, doc -> { process(doc); journal.append(JournalRecord.received("receive", doc)); });
 *   journal.query(JournalQuery.builder().messageId("<invoice-42@billing.example.com>").build());
 * }
 * }</pre>
 */
public final class Journal implements AutoCloseable {
  /**
   * How much the journal keeps.
   *
   * @param maxAge records older than this are removed (default 90 days)
   * @param maxRecords at most this many records are kept, the newest (default 1,000,000)
   */
  public record Retention(Duration maxAge, long maxRecords) {
    public Retention {
      Objects.requireNonNull(maxAge, "journal.retention.maxAge");
      if (maxAge.isNegative() || maxAge.isZero()) {
        throw new ConfigException("journal retention maxAge " + maxAge + " must be positive, e.g. 90 days");
      }
      if (maxRecords < 1) {
        throw new ConfigException("journal retention maxRecords " + maxRecords + " must be at least 1");
      }
    }

    /** 90 days, 1,000,000 records. */
    public static Retention defaults() {
      return new Retention(Duration.ofDays(90), 1_000_000);
    }
  }

  private final SqliteStore store;
  private final Retention retention;
  private boolean written;

  private Journal(SqliteStore store, Retention retention) {
    this.store = store;
    this.retention = retention;
  }

  /** Opens (creating when needed, with its directories) the journal in {@code file}, with the default retention. */
  public static Journal open(Path file) {
    return open(file, Retention.defaults());
  }

  /** Opens (creating when needed) the journal in {@code file}. */
  public static Journal open(Path file, Retention retention) {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(retention, "retention");
    return new Journal(SqliteStore.open(file.toAbsolutePath().normalize()), retention);
  }

  /** The journal's file. */
  public Path file() {
    return store.file();
  }

  /** Appends one record. */
  public synchronized void append(JournalRecord record) {
    append(List.of(record));
  }

  /** Appends records in one transaction: all or none (with those {@link #appendUncommitted} added before). */
  public synchronized void append(Collection<JournalRecord> records) {
    appendUncommitted(records);
    commit();
  }

  /**
   * Appends records to a transaction left open until {@link #commit()} (begun by the first such
   * call): all of them go in at the commit, or none. A writer that gets its records a few at a
   * time inserts them as they come and commits now and then; when it commits, only the records
   * since its last insert are left to write. An open transaction holds the journal's write lock:
   * other processes writing the same file wait for the commit. Records not committed when the
   * process ends are lost; {@link #close()} commits them.
   */
  public synchronized void appendUncommitted(Collection<JournalRecord> records) {
    if (!records.isEmpty()) {
      store.insertUncommitted(records, retention.maxRecords());
      written = true;
    }
  }

  /** Commits what {@link #appendUncommitted} added; nothing when it added nothing since the last commit. */
  public synchronized void commit() {
    store.commit();
  }

  /** The records matching {@code query}, oldest first. */
  public synchronized List<JournalRecord> query(JournalQuery query) {
    store.commit();
    return store.query(query);
  }

  /** Removes what the retention does not keep; returns how many records were removed. */
  public synchronized long prune() {
    store.commit();
    long removed = store.prune(retention, 0, 0);
    written = false;
    return removed;
  }

  /**
   * Removes what the retention does not keep and, when the journal is that close to its
   * {@link Retention#maxRecords()}, the oldest records again until {@code room} more can be appended
   * without exceeding it; returns how many records were removed. A writer that calls this before it
   * appends takes the removal off the end of its work: its {@link #close()} then has nothing to
   * remove unless it appended more than {@code room} records.
   *
   * @param room how many records to make room for, at most {@code maxRecords - 1}
   */
  public synchronized long prune(long room) {
    return prune(room, 0);
  }

  /**
   * As {@link #prune(long)}, and when records are removed to make {@code room}, as many again as
   * {@code extra}. Removing the oldest records in larger, rarer steps costs less per record: their
   * index entries lie scattered over the file, and a step rewrites each index page it touches once.
   *
   * @param room how many records to make room for
   * @param extra how many more to remove once any are removed for the room; {@code room + extra} at
   *     most {@code maxRecords - 1}
   */
  public synchronized long prune(long room, long extra) {
    if (room < 0 || extra < 0 || room + extra >= retention.maxRecords()) {
      throw new IllegalArgumentException("room " + room + " and extra " + extra + " must be at least 0 and add up "
          + "to at most maxRecords - 1 (" + (retention.maxRecords() - 1) + ")");
    }
    store.commit();
    long removed = store.prune(retention, room, extra);
    written = false;
    return removed;
  }

  /**
   * Folds the SQLite write-ahead log into the file, as far as no reader needs it. Closing does the
   * same; a writer that calls this before it appends takes the log a previous process left off the
   * end of its own work.
   */
  public synchronized void checkpoint() {
    store.commit();
    store.checkpoint();
  }

  /** Applies the retention when records were appended since the last {@code prune}, and closes the file. */
  @Override
  public synchronized void close() {
    try {
      store.commit();
      if (written) {
        store.prune(retention, 0, 0);
      }
    } finally {
      store.close();
    }
  }

  @Override
  public String toString() {
    return "Journal[" + store.file() + "]";
  }

  /** {@code <a@b>} and {@code a@b} are the same Message-ID. */
  static String bareMessageId(String id) {
    String s = id.strip();
    if (s.length() >= 2 && s.startsWith("<") && s.endsWith(">")) {
      s = s.substring(1, s.length() - 1).strip();
    }
    return s;
  }
}
