package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.journal.Journal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal's retention: flag, else environment, else the profile's journal.maxAge / journal.maxRecords, else 90 days and 1,000,000. */
class JournalOptionsTest {
  @TempDir Path dir;

  private Settings settings(Map<String, String> env, String yaml) throws Exception {
    Path file = Files.writeString(dir.resolve("mailbridge.yaml"), yaml);
    return Settings.resolve(Map.of(), env, Optional.of(file), Optional.empty());
  }

  @Test
  void flagThenEnvironmentThenProfileThenDefault() throws Exception {
    String yaml = "profiles:\n  default:\n    journal: { maxAge: 7d, maxRecords: 500 }\n";
    assertThat(JournalOptions.retention(null, null, settings(Map.of(), "profiles:\n  default: {}\n")))
        .isEqualTo(Journal.Retention.defaults());
    assertThat(JournalOptions.retention(null, null, settings(Map.of(), yaml)))
        .isEqualTo(new Journal.Retention(Duration.ofDays(7), 500));
    Map<String, String> env = Map.of("MAILBRIDGE_JOURNAL_MAX_AGE", "12h", "MAILBRIDGE_JOURNAL_MAX_RECORDS", "20");
    assertThat(JournalOptions.retention(null, null, settings(env, yaml)))
        .isEqualTo(new Journal.Retention(Duration.ofHours(12), 20));
    assertThat(JournalOptions.retention("30d", "1_000", settings(env, yaml)))
        .isEqualTo(new Journal.Retention(Duration.ofDays(30), 1000));
    assertThat(JournalOptions.retention("30d", "9", null)).isEqualTo(new Journal.Retention(Duration.ofDays(30), 9));
  }

  @Test
  void badValuesNameWhereTheyCameFrom() throws Exception {
    assertThatThrownBy(() -> JournalOptions.retention("0d", null, null)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("--journal-max-age '0d' must be positive");
    assertThatThrownBy(() -> JournalOptions.retention(null, "lots", null)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("--journal-max-records 'lots' is not a number");
    assertThatThrownBy(() -> JournalOptions.retention(null, "0", null)).isInstanceOf(BadInputException.class)
        .hasMessageContaining("must be at least 1");
    Settings env = settings(Map.of("MAILBRIDGE_JOURNAL_MAX_AGE", "soon"), "profiles:\n  default: {}\n");
    assertThatThrownBy(() -> JournalOptions.retention(null, null, env)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("journal.maxAge (environment MAILBRIDGE_JOURNAL_MAX_AGE) 'soon' is not a duration");
    assertThatThrownBy(() -> settings(Map.of(), "profiles:\n  default:\n    journal: { maxAgee: 7d }\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("did you mean 'journal.maxAge'");
  }

  @Test
  void theSinkAppliesTheRetentionWhenTheCommandEndsOldestFirst() {
    Path file = dir.resolve("j.db");
    java.io.StringWriter err = new java.io.StringWriter();
    try (JournalSink sink = JournalSink.start(Optional.of(file), new Journal.Retention(Duration.ofDays(1), 2),
        new java.io.PrintWriter(err))) {
      for (int i = 1; i <= 5; i++) {
        sink.add(io.mailbridge.journal.JournalRecord.of("send", "sent",
            io.mailbridge.document.TrackedProperties.builder().subject("s" + i).build(), null, java.util.List.of(), null));
      }
    }
    assertThat(err.toString()).isEmpty();
    try (Journal j = Journal.open(file)) {
      assertThat(j.query(io.mailbridge.journal.JournalQuery.builder().build()))
          .extracting(r -> r.property("subject").orElseThrow()).containsExactly("s4", "s5");
    }
  }
}
