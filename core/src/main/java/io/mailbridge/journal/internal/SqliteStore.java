package io.mailbridge.journal.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.ConfigException;
import io.mailbridge.base.PlainJson;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalQuery;
import io.mailbridge.journal.JournalRecord;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

/** The journal's SQLite file: its records in {@link Segments}, indexes for the usual look-ups, WAL mode. */
public final class SqliteStore {
  /** Writes the records' JSON; the mapper is only made for what the generator alone cannot write, and for reading. */
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final int SCHEMA = 2; // 2: segments (a journal of 1 is its first segment)

  private final Path file;
  private final Connection db;
  /** The insert of the transaction {@link #insertUncommitted} left open, or null when none is. */
  private PreparedStatement pending;

  private SqliteStore(Path file, Connection db) {
    this.file = file;
    this.db = db;
  }

  public static SqliteStore open(Path file) {
    try {
      if (file.getParent() != null) {
        Files.createDirectories(file.getParent());
      }
    } catch (IOException e) {
      throw new ConfigException("journal " + file + ": its directory cannot be created (" + e + ")", e);
    }
    Connection db = null;
    try {
      SQLiteConfig config = new SQLiteConfig();
      // WAL: readers never block the writer, and a crash loses at most the transaction in flight.
      // NORMAL is durable against a crash of the process; a power loss may drop the last commits,
      // never damage the file.
      config.setJournalMode(SQLiteConfig.JournalMode.WAL);
      config.setSynchronous(SQLiteConfig.SynchronousMode.NORMAL);
      config.setBusyTimeout(10_000); // other processes writing the same journal: wait, do not fail
      // A write transaction takes the write lock when it begins: it reads the segments before it
      // writes, and another process's commit in between would fail it instead of making it wait.
      config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
      db = config.createConnection("jdbc:sqlite:" + file);
      try (Statement s = db.createStatement()) {
        // The page cache holds the newest segment's indexes, where appends go.
        s.execute("PRAGMA cache_size = -16384");
        // Fold the log into the file (a checkpoint, with its syncs) once it holds 32 MB, not every
        // 4 MB: a command's appends (~10 MB for 10,000 records) then pay no checkpoint while they
        // run. Closing the file and checkpoint() fold it in between commands.
        s.execute("PRAGMA wal_autocheckpoint = 8192");
        if (Segments.list(db).isEmpty()) {
          Segments.create(s, Segments.FIRST);
        }
        s.execute("PRAGMA user_version = " + SCHEMA);
      }
      Function.create(db, "mb_contains", new Contains(), 2, Function.FLAG_DETERMINISTIC);
      return new SqliteStore(file, db);
    } catch (SQLException e) {
      closeQuietly(db);
      throw new ConfigException("journal " + file + " cannot be opened (" + e.getMessage() + "): is it an SQLite "
          + "file written by Mailbridge? Choose another file, or turn the journal off", e);
    }
  }

  public Path file() {
    return file;
  }

  /**
   * Appends {@code records} to the newest segment of a journal of {@code maxRecords}, in the
   * transaction left open until {@link #commit()} (begun here when none is). On an error the open
   * transaction is rolled back, with every record it held.
   */
  public void insertUncommitted(Collection<JournalRecord> records, long maxRecords) {
    StringWriter text = new StringWriter();
    try (JsonGenerator json = generator(text)) {
      if (pending == null) {
        db.setAutoCommit(false);
        String segment = Segments.current(db, Segments.capacity(maxRecords));
        pending = db.prepareStatement("INSERT INTO " + segment + " (time, operation, outcome, message_id, subject, "
            + "from_address, recipients, folder, from_folder, document_key, cache_keys, cache_dir, reason, properties) "
            + "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
      }
      PreparedStatement p = pending;
      for (JournalRecord r : records) {
        Map<String, Object> props = r.properties();
        String messageId = text(props, "messageId");
        p.setLong(1, micros(r.time()));
        p.setString(2, r.operation());
        p.setString(3, r.outcome());
        p.setString(4, messageId == null ? null : bare(messageId));
        p.setString(5, text(props, "subject"));
        p.setString(6, text(props, "fromAddress"));
        p.setString(7, recipients(props));
        p.setString(8, text(props, "folder"));
        p.setString(9, text(props, "fromFolder"));
        p.setString(10, r.documentKey().orElse(null));
        // Most records have no stored attachment: their keys are the empty list's JSON.
        p.setString(11, r.cacheKeys().isEmpty() ? "[]" : json(json, text, r.cacheKeys()));
        p.setString(12, r.cacheDir().orElse(null));
        p.setString(13, r.reason().orElse(null));
        p.setString(14, json(json, text, props));
        p.addBatch();
      }
      p.executeBatch();
    } catch (SQLException | IOException e) {
      endTransaction(false);
      throw new ConfigException("journal " + file + ": cannot append (" + e.getMessage() + ")", e);
    }
  }

  /** Commits the transaction {@link #insertUncommitted} left open, if any. */
  public void commit() {
    if (pending != null) {
      try {
        db.commit();
        endTransaction(true);
      } catch (SQLException e) {
        endTransaction(false);
        throw new ConfigException("journal " + file + ": cannot append (" + e.getMessage() + ")", e);
      }
    }
  }

  private void endTransaction(boolean committed) {
    if (!committed) {
      rollbackQuietly();
    }
    try {
      if (pending != null) {
        pending.close();
      }
    } catch (SQLException ignored) {
      // the statement goes with the transaction
    }
    pending = null;
    autoCommit();
  }

  /**
   * {@code value} as the mapper writes it, through one generator for a whole batch: the mapper's
   * own {@code writeValueAsString} sets up a generator and a serializer provider for every value,
   * which costs more than writing a record's few properties.
   */
  static JsonGenerator generator(StringWriter text) throws IOException {
    JsonGenerator json = JSON_FACTORY.createGenerator(text);
    json.setRootValueSeparator(null); // each value is a string of its own
    return json;
  }

  /** {@code value} as JSON text, through a {@link #generator} writing into {@code text}. */
  static String json(JsonGenerator json, StringWriter text, Object value) throws IOException {
    text.getBuffer().setLength(0);
    // Anything not plain (other numbers, dates) exactly as the mapper writes it.
    PlainJson.write(json, value, true, (g, v) -> Mapper.JSON.writeValue(g, v));
    json.flush();
    return text.toString();
  }

  public List<JournalRecord> query(JournalQuery q) {
    try {
      return SegmentQuery.run(db, q, rs -> {
        try {
          return record(rs);
        } catch (IOException e) {
          throw new SQLException("a record's JSON cannot be read: " + e.getMessage(), e);
        }
      });
    } catch (SQLException e) {
      throw new ConfigException("journal " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Removes the records older than the retention's age and, when more than its count less
   * {@code room} are left, the oldest until its count less {@code room + extra} are.
   */
  public long prune(Journal.Retention retention, long room, long extra) {
    try {
      db.setAutoCommit(false);
      long removed = Segments.prune(db, retention, room, extra, micros(Instant.now().minus(retention.maxAge())));
      db.commit();
      return removed;
    } catch (SQLException e) {
      rollbackQuietly();
      throw new ConfigException("journal " + file + ": cannot remove old records (" + e.getMessage() + ")", e);
    } finally {
      autoCommit();
    }
  }

  public void close() {
    if (pending != null) {
      endTransaction(false); // the journal commits before it closes: this is after an error
    }
    closeQuietly(db);
  }

  /** Folds what the write-ahead log holds into the file, as far as no reader needs it (never waits). */
  public void checkpoint() {
    try (Statement s = db.createStatement()) {
      s.execute("PRAGMA wal_checkpoint(PASSIVE)");
    } catch (SQLException e) {
      throw new ConfigException("journal " + file + ": cannot checkpoint (" + e.getMessage() + ")", e);
    }
  }

  private static JournalRecord record(ResultSet rs) throws SQLException, IOException {
    long t = rs.getLong(1);
    @SuppressWarnings("unchecked")
    List<String> cacheKeys = Mapper.JSON.readValue(rs.getString(5), List.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> props = Mapper.JSON.readValue(rs.getString(8), LinkedHashMap.class);
    return new JournalRecord(Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000L), Math.floorMod(t, 1_000_000L) * 1000L),
        rs.getString(2), rs.getString(3), props, Optional.ofNullable(rs.getString(4)), cacheKeys,
        Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)));
  }

  /** A property's column text: {@link JournalRecord#propertyText}. */
  static String text(Map<String, Object> props, String name) {
    return JournalRecord.propertyText(props, name);
  }

  /** To, Cc and Bcc in one column, joined by ", ". */
  static String recipients(Map<String, Object> props) {
    String to = text(props, "toAddress");
    String cc = text(props, "cc");
    String bcc = text(props, "bcc");
    if (cc == null && bcc == null) {
      return to == null || to.isEmpty() ? null : to;
    }
    StringBuilder b = new StringBuilder();
    for (String s : new String[] {to, cc, bcc}) {
      if (s != null) {
        b.append(b.length() == 0 ? "" : ", ").append(s);
      }
    }
    return b.length() == 0 ? null : b.toString();
  }

  private static String bare(String id) {
    String s = id.strip();
    return s.length() >= 2 && s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1).strip() : s;
  }

  static long micros(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
  }

  private void rollbackQuietly() {
    try {
      db.rollback();
    } catch (SQLException ignored) {
      // the append's own error is reported
    }
  }

  private void autoCommit() {
    try {
      db.setAutoCommit(true);
    } catch (SQLException ignored) {
      // the next statement reports a broken connection
    }
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // nothing left to save
      }
    }
  }

  /** {@code mb_contains(value, needle)}: whether value contains the (lower-case) needle, ignoring case in any script. */
  private static final class Contains extends Function {
    @Override
    protected void xFunc() throws SQLException {
      String hay = value_text(0);
      String needle = value_text(1);
      result(hay != null && needle != null && hay.toLowerCase(Locale.ROOT).contains(needle) ? 1 : 0);
    }
  }

  /**
   * Made at its first use: building a mapper (its date format with the JDK's calendar data for every
   * locale) is a noticeable part of a short command, which only appends records of plain values.
   */
  private static final class Mapper {
    static final ObjectMapper JSON = new ObjectMapper();
  }
}
