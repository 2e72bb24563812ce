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
}
