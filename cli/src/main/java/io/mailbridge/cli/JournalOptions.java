package io.mailbridge.cli;

import java.nio.file.Path;
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

  /** Starts the journal writer (a no-op one when off). */
  JournalSink open(java.io.PrintWriter stderr) {
    return JournalSink.start(file(), stderr);
  }
}
