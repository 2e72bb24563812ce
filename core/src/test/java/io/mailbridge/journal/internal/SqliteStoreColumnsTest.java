package io.mailbridge.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.journal.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The columns the journal derives from a record's properties (Message-ID, subject, sender,
 * recipients, folders: what {@code report} searches) read exactly as {@link JournalRecord#property}
 * gives each property, for any mix of texts, lists (empty ones, empty texts in them) and numbers; the
 * reference is that method and the recipients joined from it as the journal always joined them.
 */
class SqliteStoreColumnsTest {
  private static final List<String> NAMES = List.of("messageId", "subject", "fromAddress", "toAddress", "cc", "bcc",
      "folder", "fromFolder");

  @Property(tries = 500)
  void aPropertysColumnIsWhatTheRecordSaysOfIt(@ForAll("properties") Map<String, Object> props) {
    JournalRecord r = record(props);
    for (String name : NAMES) {
      assertThat(SqliteStore.text(r.properties(), name)).as(name).isEqualTo(referenceText(props, name));
      assertThat(r.property(name)).as(name).isEqualTo(java.util.Optional.ofNullable(referenceText(props, name)));
    }
    assertThat(SqliteStore.recipients(r.properties())).isEqualTo(referenceRecipients(r));
  }

  @Property(tries = 20)
  void theStoredRowHoldsTheReferenceColumns(@ForAll("storable") Map<String, Object> props) throws Exception {
    Path dir = Files.createTempDirectory("journal-columns");
    Path file = dir.resolve("j.db");
    JournalRecord r = record(props);
    JournalRecord withKeys = new JournalRecord(r.time(), "receive", "received", props, Optional.of("k"),
        List.of("key-1", "key\"2"), Optional.of("/srv/cache"), Optional.of("why"));
    SqliteStore store = SqliteStore.open(file);
    try {
      store.insertUncommitted(List.of(r, withKeys), 1_000_000);
      store.commit();
    } finally {
      store.close();
    }
    ObjectMapper mapper = new ObjectMapper();
    try (Connection db = DriverManager.getConnection("jdbc:sqlite:" + file);
        Statement s = db.createStatement();
        ResultSet rs = s.executeQuery("SELECT message_id, subject, from_address, recipients, folder, from_folder, "
            + "cache_keys, properties FROM records ORDER BY id")) {
      for (JournalRecord expected : List.of(r, withKeys)) {
        assertThat(rs.next()).isTrue();
        String id = expected.property("messageId").orElse(null);
        assertThat(rs.getString(1)).isEqualTo(id == null ? null : bare(id));
        assertThat(rs.getString(2)).isEqualTo(expected.property("subject").orElse(null));
        assertThat(rs.getString(3)).isEqualTo(expected.property("fromAddress").orElse(null));
        assertThat(rs.getString(4)).isEqualTo(referenceRecipients(expected));
        assertThat(rs.getString(5)).isEqualTo(expected.property("folder").orElse(null));
        assertThat(rs.getString(6)).isEqualTo(expected.property("fromFolder").orElse(null));
        assertThat(rs.getString(7)).isEqualTo(mapper.writeValueAsString(expected.cacheKeys()));
        assertThat(rs.getString(8)).isEqualTo(mapper.writeValueAsString(expected.properties()));
      }
    } finally {
      for (String suffix : List.of("", "-wal", "-shm")) {
        Files.deleteIfExists(Path.of(file + suffix));
      }
      Files.deleteIfExists(dir);
    }
  }

  private static JournalRecord record(Map<String, Object> props) {
    return new JournalRecord(Instant.parse("2026-12-01T10:00:00Z"), "receive", "received", props, Optional.empty(),
        List.of(), Optional.empty(), Optional.empty());
  }

  /** How a record gave a property as text before the rule lost its stream: lists joined by ", ", an empty one none. */
  private static String referenceText(Map<String, Object> props, String name) {
    Object v = props.get(name);
    if (v == null) {
      return null;
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? null : String.join(", ", l.stream().map(String::valueOf).toList());
    }
    return String.valueOf(v);
  }

  /** How the journal joined To, Cc and Bcc into the recipients column. */
  private static String referenceRecipients(JournalRecord r) {
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

  @Provide
  Arbitrary<Map<String, Object>> properties() {
    return properties(Arbitraries.strings().all().ofMaxLength(12));
  }

  /** Texts SQLite stores as they are: a lone surrogate has no UTF-8 form (the driver writes '?'). */
  @Provide
  Arbitrary<Map<String, Object>> storable() {
    return properties(Arbitraries.strings().all().ofMaxLength(12).filter(t -> t.chars().noneMatch(c -> Character.isSurrogate((char) c))));
  }

  private static Arbitrary<Map<String, Object>> properties(Arbitrary<String> any) {
    Arbitrary<String> text = Arbitraries.oneOf(any, Arbitraries.of("", " ", "<a@b>", " <x@y> ", "Ärzte <a@b.example>"));
    List<Arbitrary<?>> values = Arrays.asList(text, text.list().ofMaxSize(3), Arbitraries.longs(),
        Arbitraries.integers(), Arbitraries.of(true, false));
    @SuppressWarnings("unchecked")
    Arbitrary<Object> value = (Arbitrary<Object>) (Arbitrary<?>) Arbitraries.oneOf((List) values);
    List<String> keys = new ArrayList<>(NAMES);
    keys.add("uid");
    return Arbitraries.maps(Arbitraries.of(keys), value).ofMaxSize(9).map(LinkedHashMap::new);
  }
}
