package io.mailbridge.journal.internal;

import io.mailbridge.journal.JournalQuery;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link JournalQuery} over every segment: newest segment first, each with the query's criteria
 * and what is left of its limit, so a query for the latest records reads only the newest segments.
 */
final class SegmentQuery {
  /** Reads one matching row (its columns in the order {@link #COLUMNS} names them). */
  interface Rows<T> {
    T read(ResultSet rs) throws SQLException;
  }

  static final String COLUMNS = "time, operation, outcome, document_key, cache_keys, cache_dir, reason, properties";

  private SegmentQuery() {}

  /** The matching rows, oldest first. */
  static <T> List<T> run(Connection db, JournalQuery q, Rows<T> rows) throws SQLException {
    List<String> segments = Segments.list(db);
    Collections.reverse(segments);
    // Records without the Message-ID (a move by UID) belong to the message through its document key,
    // which any segment may hold: the keys are gathered first.
    Set<String> keys = new LinkedHashSet<>();
    if (q.messageId().isPresent()) {
      for (String seg : segments) {
        try (PreparedStatement p = db.prepareStatement("SELECT DISTINCT document_key FROM " + seg
            + " WHERE message_id = ? AND document_key IS NOT NULL")) {
          p.setString(1, q.messageId().get());
          try (ResultSet rs = p.executeQuery()) {
            while (rs.next()) {
              keys.add(rs.getString(1));
            }
          }
        } catch (SQLException e) {
          skipDropped(e);
        }
      }
    }
    List<Object> args = new ArrayList<>();
    String where = where(q, keys, args);
    List<T> out = new ArrayList<>();
    for (String seg : segments) {
      int left = q.limit() > 0 ? q.limit() - out.size() : 0;
      if (q.limit() > 0 && left <= 0) {
        break;
      }
      String sql = "SELECT " + COLUMNS + " FROM " + seg + where + " ORDER BY id DESC" + (left > 0 ? " LIMIT " + left : "");
      try (PreparedStatement p = db.prepareStatement(sql)) {
        for (int i = 0; i < args.size(); i++) {
          p.setObject(i + 1, args.get(i));
        }
        try (ResultSet rs = p.executeQuery()) {
          while (rs.next()) {
            out.add(rows.read(rs));
          }
        }
      } catch (SQLException e) {
        skipDropped(e);
      }
    }
    Collections.reverse(out);
    return out;
  }

  /** A segment the retention of another process dropped since the list was read held only old records. */
  private static void skipDropped(SQLException e) throws SQLException {
    if (e.getMessage() == null || !e.getMessage().contains("no such table")) {
      throw e;
    }
  }

  private static String where(JournalQuery q, Set<String> keys, List<Object> args) {
    StringBuilder where = new StringBuilder(" WHERE 1=1");
    q.messageId().ifPresent(id -> {
      where.append(" AND (message_id = ?");
      args.add(id);
      if (!keys.isEmpty()) {
        where.append(" OR document_key IN (").append("?,".repeat(keys.size() - 1)).append("?)");
        args.addAll(keys);
      }
      where.append(')');
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
      args.add(SqliteStore.micros(t));
    });
    q.until().ifPresent(t -> {
      where.append(" AND time < ?");
      args.add(SqliteStore.micros(t));
    });
    return where.toString();
  }

  private static void contains(StringBuilder where, List<Object> args, String column, Optional<String> text) {
    text.ifPresent(t -> {
      where.append(" AND mb_contains(").append(column).append(", ?)");
      args.add(t.toLowerCase(Locale.ROOT));
    });
  }
}
