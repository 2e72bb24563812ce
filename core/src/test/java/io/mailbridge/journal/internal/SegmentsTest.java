package io.mailbridge.journal.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every command asks of every segment reads a few pages, never the segment's rows. */
class SegmentsTest {
  @TempDir Path dir;

  @Test
  void aSegmentsSpanIsReadFromTheEndsOfItsIdOrderNotByAScan() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("j.db"));
        Statement s = c.createStatement()) {
      Segments.create(s, Segments.name(1));
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + Segments.spanQuery(Segments.name(1)))) {
        while (rs.next()) {
          plan.append(rs.getString("detail")).append('\n');
        }
      }
      assertThat(plan.toString()).contains("SEARCH").doesNotContain("SCAN " + Segments.name(1));
    }
  }

  @Test
  void theEndsOfEverySegmentAreReadFromTheirIndexesInOneStatement() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("j.db"));
        Statement s = c.createStatement()) {
      java.util.List<String> names = new java.util.ArrayList<>();
      for (int n = 1; n <= 3; n++) {
        names.add(Segments.name(n));
        Segments.create(s, Segments.name(n));
      }
      s.execute("INSERT INTO " + names.get(0) + " (id, time, operation, outcome, cache_keys, properties) VALUES "
          + "(1, 50, 'r', 'o', '[]', '{}'), (2, 40, 'r', 'o', '[]', '{}'), (3, 60, 'r', 'o', '[]', '{}')");
      s.execute("INSERT INTO " + names.get(2) + " (id, time, operation, outcome, cache_keys, properties) VALUES "
          + "(7, 70, 'r', 'o', '[]', '{}')");
      java.util.List<long[]> ends = Segments.ends(c, names);
      assertThat(ends).hasSize(3);
      assertThat(ends.get(0)).containsExactly(1, 3, 40, 60);
      assertThat(ends.get(1)).as("empty").isNull();
      assertThat(ends.get(2)).containsExactly(7, 7, 70, 70);
      StringBuilder plan = new StringBuilder();
      try (ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + Segments.endsQuery(names))) {
        while (rs.next()) {
          plan.append(rs.getString("detail")).append('\n');
        }
      }
      for (String name : names) {
        assertThat(plan.toString()).contains("SEARCH " + name).doesNotContain("SCAN " + name);
      }
    }
  }
}
