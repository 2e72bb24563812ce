package io.mailbridge.journal.internal;

import io.mailbridge.journal.Journal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's records, split into segments: tables of the same columns and indexes, {@code records}
 * first (the only table of a journal written before segments, read and extended as it is), then
 * {@code records_00000001} and so on. Ids grow across segments, so a newer segment holds only larger
 * ids. Appends go into the newest segment until it spans its capacity, then into a new one.
 *
 * <p>Why: a Message-ID or document key index takes each new row at a scattered place. Over a million
 * rows those places lie in tens of megabytes of index pages, so every transaction rewrites thousands
 * of them; a segment's indexes stay small enough that an append touches few pages, most of them
 * already in the page cache. And the retention removes the oldest records by dropping whole
 * segments, which frees their pages at once instead of taking rows out of every index one by one.
 */
final class Segments {
  static final String FIRST = "records";
  /** How many segments a journal at its most records spans; the capacity of one is its share. */
  static final int PER_JOURNAL = 50;
  /** The least capacity: a small journal stays one table. */
  static final long MIN_CAPACITY = 100;

  private Segments() {}

  /** Rows of a segment once it spans this many ids, for a journal of {@code maxRecords}. */
  static long capacity(long maxRecords) {
    return Math.max(MIN_CAPACITY, maxRecords / PER_JOURNAL);
  }

  static void create(Statement s, String name) throws SQLException {
    s.execute("CREATE TABLE IF NOT EXISTS " + name + " ("
        + "id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, operation TEXT NOT NULL, "
        + "outcome TEXT NOT NULL, message_id TEXT, subject TEXT, from_address TEXT, recipients TEXT, folder TEXT, "
        + "from_folder TEXT, document_key TEXT, cache_keys TEXT NOT NULL, cache_dir TEXT, reason TEXT, properties TEXT NOT NULL)");
    s.execute("CREATE INDEX IF NOT EXISTS " + name + "_message_id ON " + name + "(message_id)");
    s.execute("CREATE INDEX IF NOT EXISTS " + name + "_document_key ON " + name + "(document_key)");
    // Times grow with the ids (nearly): this index takes rows at its end, which costs little.
    s.execute("CREATE INDEX IF NOT EXISTS " + name + "_time ON " + name + "(time)");
  }

  /** The segments, oldest first. */
  static List<String> list(Connection db) throws SQLException {
    List<String> names = new ArrayList<>();
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table' AND (name = '" + FIRST
            + "' OR name GLOB '" + FIRST + "_[0-9]*') ORDER BY name")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }

  /**
   * The segment to append to, in a write transaction: the newest, or a new one when the newest
   * already spans {@code capacity} ids. A new segment continues the ids of the newest.
   */
  static String current(Connection db, long capacity) throws SQLException {
    List<String> names = list(db);
    String newest = names.get(names.size() - 1);
    long[] span = span(db, newest);
    if (span == null || span[1] - span[0] + 1 < capacity) {
      return newest;
    }
    String next = name(newest.equals(FIRST) ? 1 : Long.parseLong(newest.substring(FIRST.length() + 1)) + 1);
    try (Statement s = db.createStatement()) {
      create(s, next);
    }
    try (PreparedStatement p = db.prepareStatement("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)")) {
      p.setString(1, next);
      p.setLong(2, Math.max(span[1], sequence(db, newest)));
      p.executeUpdate();
    }
    return next;
  }

  static String name(long n) {
    return String.format("%s_%08d", FIRST, n);
  }

  /** {min id, max id} of a segment, or null when it is empty. */
  static long[] span(Connection db, String segment) throws SQLException {
    try (Statement s = db.createStatement();
        ResultSet rs = s.executeQuery(spanQuery(segment))) {
      rs.next();
      long max = rs.getLong(2);
      return rs.wasNull() ? null : new long[] {rs.getLong(1), max};
    }
  }

  /**
   * Each end alone: SQLite reads one end of the id order for a lone min() or max(), but scans the
   * whole table for both in one SELECT (every segment, at every command's start and end).
   */
  static String spanQuery(String segment) {
    return "SELECT (SELECT min(id) FROM " + segment + "), (SELECT max(id) FROM " + segment + ")";
  }

  private static long sequence(Connection db, String segment) throws SQLException {
    try (PreparedStatement p = db.prepareStatement("SELECT seq FROM sqlite_sequence WHERE name = ?")) {
      p.setString(1, segment);
      try (ResultSet rs = p.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0;
      }
    }
  }

  /**
   * Removes the records older than the retention's age and, when more than its count less
   * {@code room} are left, the oldest until at least its count less {@code room + extra} are: whole
   * segments where a segment's end lies in that range, else the oldest rows of one. Runs in the
   * caller's write transaction. The newest segment is emptied, never dropped: it carries the ids on.
   */
  static long prune(Connection db, Journal.Retention retention, long room, long extra, long ageCut)
      throws SQLException {
    List<String> names = list(db);
    List<long[]> ends = ends(db, names);
    long removed = 0;
    List<long[]> spans = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String seg = names.get(i);
      boolean newest = i == names.size() - 1;
      long[] e = ends.get(i);
      if (!newest && (e == null || e[3] < ageCut)) { // an empty segment (not the newest) goes too
        removed += drop(db, seg);
        spans.add(null);
        continue;
      }
      if (e != null && e[2] < ageCut) {
        try (PreparedStatement age = db.prepareStatement("DELETE FROM " + seg + " WHERE time < ?")) {
          age.setLong(1, ageCut);
          removed += age.executeUpdate();
        }
        spans.add(span(db, seg));
      } else {
        spans.add(e == null ? null : new long[] {e[0], e[1]});
      }
    }
    long min = Long.MAX_VALUE;
    long max = Long.MIN_VALUE;
    for (long[] s : spans) {
      if (s != null) {
        min = Math.min(min, s[0]);
        max = Math.max(max, s[1]);
      }
    }
    if (max == Long.MIN_VALUE || max - min + 1 <= retention.maxRecords() - room) {
      return removed; // ids only grow: the span bounds the count from above
    }
    // Keep the ids above the cut: at most that many records, exactly as many unless the age removed
    // some out of order. Any cut from `least` to `most` keeps between the most less room and extra
    // and the most less room; the end of a whole segment in that range is the cheapest.
    long least = max - (retention.maxRecords() - room);
    long most = max - (retention.maxRecords() - room - extra);
    long cut = most;
    for (long[] s : spans) {
      if (s != null && s[1] >= least && s[1] <= most) {
        cut = s[1];
      }
    }
    for (int i = 0; i < names.size(); i++) {
      long[] s = spans.get(i);
      if (s == null || s[0] > cut) {
        continue;
      }
      if (s[1] <= cut && i < names.size() - 1) {
        removed += drop(db, names.get(i));
      } else {
        try (PreparedStatement count = db.prepareStatement("DELETE FROM " + names.get(i) + " WHERE id <= ?")) {
          count.setLong(1, cut);
          removed += count.executeUpdate();
        }
      }
    }
    return removed;
  }

  /**
   * {min id, max id, min time, max time} of each segment, null for an empty one: one statement for
   * many segments, each end read from its index as {@link #spanQuery} does, instead of a few
   * statements per segment at every command's start and end.
   */
  static List<long[]> ends(Connection db, List<String> segments) throws SQLException {
    List<long[]> out = new ArrayList<>();
    for (int from = 0; from < segments.size(); from += ENDS_PER_STATEMENT) {
      List<String> part = segments.subList(from, Math.min(segments.size(), from + ENDS_PER_STATEMENT));
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(endsQuery(part))) {
        long[][] rows = new long[part.size()][];
        while (rs.next()) {
          long maxId = rs.getLong(3);
          if (!rs.wasNull()) {
            rows[rs.getInt(1)] = new long[] {rs.getLong(2), maxId, rs.getLong(4), rs.getLong(5)};
          }
        }
        out.addAll(java.util.Arrays.asList(rows));
      }
    }
    return out;
  }

  /** Segments per statement of {@link #ends}: well under SQLite's limit of terms in a compound SELECT. */
  private static final int ENDS_PER_STATEMENT = 100;

  static String endsQuery(List<String> segments) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < segments.size(); i++) {
      String seg = segments.get(i);
      sql.append(i == 0 ? "" : " UNION ALL ").append("SELECT ").append(i).append(", (SELECT min(id) FROM ").append(seg)
          .append("), (SELECT max(id) FROM ").append(seg).append("), (SELECT min(time) FROM ").append(seg)
          .append("), (SELECT max(time) FROM ").append(seg).append(")");
    }
    return sql.toString();
  }

  private static long drop(Connection db, String seg) throws SQLException {
    long rows;
    try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT count(*) FROM " + seg)) {
      rs.next();
      rows = rs.getLong(1);
    }
    try (Statement s = db.createStatement()) {
      s.execute("DROP TABLE " + seg);
    }
    return rows;
  }
}
