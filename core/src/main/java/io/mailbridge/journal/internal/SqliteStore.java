package io.mailbridge.journal.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.ConfigException;
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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;

/** The journal's SQLite file: one table, indexes for the usual look-ups, WAL mode. */
public final class SqliteStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int SCHEMA = 1;

  private final Path file;
  private final Connection db;

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
      db = config.createConnection("jdbc:sqlite:" + file);
      try (Statement s = db.createStatement()) {
        s.execute("CREATE TABLE IF NOT EXISTS records ("
            + "id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL, operation TEXT NOT NULL, "
            + "outcome TEXT NOT NULL, message_id TEXT, subject TEXT, from_address TEXT, recipients TEXT, folder TEXT, "
            + "from_folder TEXT, document_key TEXT, cache_keys TEXT NOT NULL, cache_dir TEXT, reason TEXT, properties TEXT NOT NULL)");
        s.execute("CREATE INDEX IF NOT EXISTS records_message_id ON records(message_id)");
        s.execute("CREATE INDEX IF NOT EXISTS records_document_key ON records(document_key)");
        s.execute("CREATE INDEX IF NOT EXISTS records_time ON records(time)");
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

  public void insert(Collection<JournalRecord> records) {
    String sql = "INSERT INTO records (time, operation, outcome, message_id, subject, from_address, recipients, "
        + "folder, from_folder, document_key, cache_keys, cache_dir, reason, properties) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
    StringWriter text = new StringWriter();
    try (JsonGenerator json = generator(text)) {
      db.setAutoCommit(false);
      try (PreparedStatement p = db.prepareStatement(sql)) {
        for (JournalRecord r : records) {
          p.setLong(1, micros(r.time()));
          p.setString(2, r.operation());
          p.setString(3, r.outcome());
          p.setString(4, r.property("messageId").map(SqliteStore::bare).orElse(null));
          p.setString(5, r.property("subject").orElse(null));
          p.setString(6, r.property("fromAddress").orElse(null));
          p.setString(7, recipients(r));
          p.setString(8, r.property("folder").orElse(null));
          p.setString(9, r.property("fromFolder").orElse(null));
          p.setString(10, r.documentKey().orElse(null));
          p.setString(11, json(json, text, r.cacheKeys()));
          p.setString(12, r.cacheDir().orElse(null));
          p.setString(13, r.reason().orElse(null));
          p.setString(14, json(json, text, r.properties()));
          p.addBatch();
        }
        p.executeBatch();
      }
      db.commit();
    } catch (SQLException | IOException e) {
      rollbackQuietly();
      throw new ConfigException("journal " + file + ": cannot append (" + e.getMessage() + ")", e);
    } finally {
      autoCommit();
    }
  }

  /**
   * {@code value} as the mapper writes it, through one generator for a whole batch: the mapper's
   * own {@code writeValueAsString} sets up a generator and a serializer provider for every value,
   * which costs more than writing a record's few properties.
   */
  static JsonGenerator generator(StringWriter text) throws IOException {
    JsonGenerator json = JSON.getFactory().createGenerator(text);
    json.setRootValueSeparator(null); // each value is a string of its own
    return json;
  }

  /** {@code value} as JSON text, through a {@link #generator} writing into {@code text}. */
  static String json(JsonGenerator json, StringWriter text, Object value) throws IOException {
    text.getBuffer().setLength(0);
    write(json, value);
    json.flush();
    return text.toString();
  }

  private static void write(JsonGenerator json, Object value) throws IOException {
    if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Integer i) {
      json.writeNumber(i);
    } else if (value instanceof Long l) {
      json.writeNumber(l);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object o : list) {
        write(json, o);
      }
      json.writeEndArray();
    } else if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(String.class::isInstance)) {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        json.writeFieldName((String) e.getKey());
        write(json, e.getValue());
      }
      json.writeEndObject();
    } else {
      JSON.writeValue(json, value); // anything else (null, other numbers, dates) exactly as the mapper writes it
    }
  }

  public List<JournalRecord> query(JournalQuery q) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    List<Object> args = new ArrayList<>();
    q.messageId().ifPresent(id -> {
      // Records without the Message-ID (a move by UID) belong to the message through its document key.
      where.append(" AND (message_id = ? OR document_key IN (SELECT document_key FROM records WHERE message_id = ? "
          + "AND document_key IS NOT NULL))");
      args.add(id);
      args.add(id);
    });
    q.documentKey().ifPresent(k -> {
      where.append(" AND document_key = ?");
      args.add(k);
    });
    contains(where, args, "subject", q.subject());
    contains(where, args, "from_address", q.from());
    contains(where, args, "recipients", q.to());
    q.folder().ifPresent(f -> {
      where.append(" AND (folder = ? OR from_folder = ?)");
      args.add(f);
      args.add(f);
    });
    q.operation().ifPresent(o -> {
      where.append(" AND operation = ?");
      args.add(o.toLowerCase(Locale.ROOT));
    });
    q.outcome().ifPresent(o -> {
      where.append(" AND outcome = ?");
      args.add(o.toLowerCase(Locale.ROOT));
    });
    q.since().ifPresent(t -> {
      where.append(" AND time >= ?");
      args.add(micros(t));
    });
    q.until().ifPresent(t -> {
      where.append(" AND time < ?");
      args.add(micros(t));
    });
    String sql = "SELECT time, operation, outcome, document_key, cache_keys, cache_dir, reason, properties FROM records"
        + where + " ORDER BY id DESC" + (q.limit() > 0 ? " LIMIT " + q.limit() : "");
    List<JournalRecord> out = new ArrayList<>();
    try (PreparedStatement p = db.prepareStatement(sql)) {
      for (int i = 0; i < args.size(); i++) {
        p.setObject(i + 1, args.get(i));
      }
      try (ResultSet rs = p.executeQuery()) {
        while (rs.next()) {
          out.add(record(rs));
        }
      }
    } catch (SQLException | IOException e) {
      throw new ConfigException("journal " + file + ": cannot read (" + e.getMessage() + ")", e);
    }
    Collections.reverse(out);
    return out;
  }

  /**
   * Removes the records older than the retention's age and, when more than its count less
   * {@code room} are left, the oldest until its count less {@code room + extra} are.
   */
  public long prune(Journal.Retention retention, long room, long extra) {
    try (PreparedStatement age = db.prepareStatement("DELETE FROM records WHERE time < ?")) {
      age.setLong(1, micros(Instant.now().minus(retention.maxAge())));
      long removed = age.executeUpdate();
      long span;
      try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("SELECT max(id) - min(id) + 1 FROM records")) {
        span = rs.next() ? rs.getLong(1) : 0;
      }
      if (span > retention.maxRecords() - room) { // ids only grow: the span bounds the count from above
        // Keeps the ids above max(id) - keep: at most that many records, exactly as many unless the age
        // removed some out of order. Finding the cut by its rank instead (ORDER BY id DESC OFFSET n)
        // steps through every record kept, reading the whole file of a full journal.
        try (PreparedStatement count = db.prepareStatement("DELETE FROM records WHERE id <= "
            + "(SELECT max(id) FROM records) - ?")) {
          count.setLong(1, retention.maxRecords() - room - extra);
          removed += count.executeUpdate();
        }
      }
      return removed;
    } catch (SQLException e) {
      throw new ConfigException("journal " + file + ": cannot remove old records (" + e.getMessage() + ")", e);
    }
  }

  public void close() {
    closeQuietly(db);
  }

  private static JournalRecord record(ResultSet rs) throws SQLException, IOException {
    long t = rs.getLong(1);
    @SuppressWarnings("unchecked")
    List<String> cacheKeys = JSON.readValue(rs.getString(5), List.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> props = JSON.readValue(rs.getString(8), LinkedHashMap.class);
    return new JournalRecord(Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000L), Math.floorMod(t, 1_000_000L) * 1000L),
        rs.getString(2), rs.getString(3), props, Optional.ofNullable(rs.getString(4)), cacheKeys,
        Optional.ofNullable(rs.getString(6)), Optional.ofNullable(rs.getString(7)));
  }

  private static void contains(StringBuilder where, List<Object> args, String column, Optional<String> text) {
    text.ifPresent(t -> {
      where.append(" AND mb_contains(").append(column).append(", ?)");
      args.add(t.toLowerCase(Locale.ROOT));
    });
  }

  private static String recipients(JournalRecord r) {
    StringBuilder b = new StringBuilder();
    for (String k : List.of("toAddress", "cc", "bcc")) {
      r.property(k).ifPresent(v -> b.append(b.length() == 0 ? "" : ", ").append(v));
    }
    return b.length() == 0 ? null : b.toString();
  }

  private static String bare(String id) {
    String s = id.strip();
    return s.length() >= 2 && s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1).strip() : s;
  }

  private static long micros(Instant t) {
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
}
