package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.journal.Journal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --journal FILE|off}: where the command records what it did to each message. */
public final class JournalOptions {
  @Option(names = "--journal", paramLabel = "FILE|off",
      description = "Journal of what this command did to each message (SQLite; query it with `mailbridge report`). "
          + "Default: $MAILBRIDGE_JOURNAL, else $XDG_STATE_HOME/mailbridge/journal.db "
          + "(~/.local/state/mailbridge/journal.db); off: keep none.")
  String journal;

  @Option(names = "--journal-max-age", paramLabel = "DURATION",
      description = "Remove journal records older than this when the command ends, e.g. 30d (default: "
          + "$MAILBRIDGE_JOURNAL_MAX_AGE, else journal.maxAge in the profile, else 90d).")
  String maxAge;

  @Option(names = "--journal-max-records", paramLabel = "N",
      description = "Keep at most the newest N journal records, removing the oldest first, in steps down to 95%% of N "
          + "(default: "
          + "$MAILBRIDGE_JOURNAL_MAX_RECORDS, else journal.maxRecords in the profile, else 1000000).")
  String maxRecords;

  /** The journal file, or empty when it is off. */
  Optional<Path> file() {
    return resolve(journal, System.getenv());
  }

  /** Flag, then {@code MAILBRIDGE_JOURNAL}, then the user's state directory; {@code off} turns it off. */
  static Optional<Path> resolve(String flag, Map<String, String> env) {
    String v = flag != null ? flag : env.get("MAILBRIDGE_JOURNAL");
    if (v != null && !v.isBlank()) {
      return v.strip().equalsIgnoreCase("off") ? Optional.empty() : Optional.of(Settings.expand(v.strip()));
    }
    return Optional.of(defaultFile(env));
  }

  /** XDG Base Directory: state that outlives a run but is not configuration. */
  static Path defaultFile(Map<String, String> env) {
    String xdg = env.get("XDG_STATE_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".local", "state");
    return base.resolve("mailbridge").resolve("journal.db");
  }

  /** Starts the journal writer (a no-op one when off), with the retention of flags, environment or profile. */
  JournalSink open(java.io.PrintWriter stderr, ConnectionOptions connection) {
    Optional<Path> file = file();
    if (file.isEmpty()) {
      return JournalSink.off();
    }
    Settings settings = maxAge != null && maxRecords != null ? null : connection.settings(System.getenv());
    return JournalSink.start(file, retention(maxAge, maxRecords, settings), stderr);
  }

  /** Flag, else the settings' {@code journal.maxAge} / {@code journal.maxRecords}, else the defaults. */
  static Journal.Retention retention(String ageFlag, String recordsFlag, Settings settings) {
    Journal.Retention d = Journal.Retention.defaults();
    String age = ageFlag != null ? ageFlag : settings == null ? null : settings.get("journal.maxAge").orElse(null);
    String records = recordsFlag != null ? recordsFlag
        : settings == null ? null : settings.get("journal.maxRecords").orElse(null);
    String ageName = ageFlag != null ? "--journal-max-age" : "journal.maxAge (" + origin(settings, "journal.maxAge") + ")";
    String recordsName = recordsFlag != null ? "--journal-max-records"
        : "journal.maxRecords (" + origin(settings, "journal.maxRecords") + ")";
    Duration maxAge = age == null ? d.maxAge() : Settings.parseDuration(ageName, age);
    if (maxAge.isZero() || maxAge.isNegative()) {
      throw new BadInputException(ageName + " '" + age + "' must be positive, e.g. 90d");
    }
    long max = d.maxRecords();
    if (records != null) {
      try {
        max = Long.parseLong(records.strip().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new BadInputException(recordsName + " '" + records + "' is not a number of records, e.g. 100000");
      }
      if (max < 1) {
        throw new BadInputException(recordsName + " '" + records + "' must be at least 1");
      }
    }
    return new Journal.Retention(maxAge, max);
  }

  private static String origin(Settings settings, String key) {
    return settings == null ? "default" : settings.origin(key);
  }
}
