package io.mailbridge.cli;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.MailConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The IMAP connection of a receive or a move, started from the raw command line before the command
 * model is built: the TLS handshake and the login's round trips then overlap picocli's model, the
 * journal's start and the rest of the start instead of following them.
 *
 * <p>Only a plain command line is read ahead: the connection options as {@code --name value} or
 * {@code --name=value}, every other argument passed over. Anything that could make the command
 * line mean something else, or the connection behave differently (a short option or a cluster,
 * {@code --}, an argument file, {@code --verbose}/{@code --debug}, help, {@code --server-limit}, an
 * option given twice, a value that looks like an option) and any login but a password leave the
 * connection to the command as before. The command takes the connection only if the options
 * picocli parsed name exactly the same settings; otherwise it is closed and the command connects
 * itself. Errors reach the user as before: a failed connect or login is thrown where the command
 * would have connected, and what the command checks first (its own options, the cache) still
 * comes first.
 */
final class EarlyConnection {
  /** The commands whose IMAP connection can be opened ahead. */
  private static final Set<String> COMMANDS = Set.of("receive", "move");

  /** Connection options with a value, and the settings key each sets ({@code config}, {@code profile}: their own). */
  static final Map<String, String> VALUED = Map.ofEntries(Map.entry("--profile", "profile"),
      Map.entry("--config", "config"), Map.entry("--imap-host", "imap.host"), Map.entry("--imap-port", "imap.port"),
      Map.entry("--imap-security", "imap.security"), Map.entry("--imap-auth", "imap.auth"),
      Map.entry("--smtp-host", "smtp.host"), Map.entry("--smtp-port", "smtp.port"),
      Map.entry("--smtp-security", "smtp.security"), Map.entry("--user", "user"),
      Map.entry("--smtp-user", "smtp.user"), Map.entry("--password-file", "passwordFile"),
      Map.entry("--proxy", "proxy"), Map.entry("--proxy-password-file", "proxyPasswordFile"),
      Map.entry("--ca-file", "caFile"), Map.entry("--connect-timeout", "connectTimeout"),
      Map.entry("--read-timeout", "readTimeout"));

  /** Options whose values picocli turns into a {@link Path} or an Integer (the flags hold their string form). */
  private static final Set<String> PATHS = Set.of("--config", "--password-file", "--proxy-password-file", "--ca-file");

  private static final Set<String> INTEGERS = Set.of("--imap-port", "--smtp-port");

  /** The settings that name a file a password is read from. */
  private static final List<String> PASSWORD_FILES = List.of("imap.passwordFile", "passwordFile",
      "imap.proxyPasswordFile", "proxyPasswordFile");

  /** Options after which nothing is read ahead. */
  static final Set<String> REFUSED = Set.of("--verbose", "--debug", "--help", "--version", "--server-limit");

  /** What was connected to ahead: the settings it came from and the connection (its IMAP endpoint being opened). */
  private record Started(Key key, CompletableFuture<MailConnection> mail) {}

  /** The flags, {@code --config} and {@code --profile} a connection was resolved from. */
  record Key(Map<String, String> flags, Path config, String profile) {}

  private static volatile Started started;

  /** Whether this process opened a connection ahead (taken or not): closed at the end if nothing took it. */
  private static volatile boolean opened;

  private EarlyConnection() {}

  /**
   * Starts the IMAP connection of {@code args} if it is a receive or a move whose connection options
   * can be read ahead and resolve to a login with a password; otherwise does nothing. The settings
   * are resolved on the connecting thread too (profile file, password file): the caller goes on at
   * once. Never throws.
   */
  static void start(String[] args) {
    if (args.length == 0 || !COMMANDS.contains(args[0])) {
      return;
    }
    Key key = key(args);
    if (key == null) {
      return;
    }
    CompletableFuture<MailConnection> mail = new CompletableFuture<>();
    started = new Started(key, mail);
    opened = true;
    Thread t = new Thread(() -> {
      try {
        mail.complete(resolve(key));
      } finally {
        mail.complete(null); // after an Error too: the command then connects itself, never waits forever
      }
    }, "mailbridge-imap-settings");
    t.setDaemon(true);
    t.start();
  }

  /** The connection these options name, its IMAP server being connected to; null when not opened ahead. */
  private static MailConnection resolve(Key key) {
    try {
      Settings settings = Settings.resolve(key.flags(), System.getenv(), Optional.ofNullable(key.config()),
          Optional.ofNullable(key.profile()));
      // A password from a pipe (`--password-file <(pass show mail)`, /dev/stdin) can be read once:
      // the command reads it, when it connects.
      for (String file : PASSWORD_FILES) {
        Optional<String> f = settings.get(file);
        if (f.isPresent() && !Files.isRegularFile(Settings.expand(f.get()))) {
          return null;
        }
      }
      MailConnection mail = settings.connection(true, false);
      Endpoint imap = mail.inbound().orElse(null);
      if (imap == null || !(imap.auth() instanceof Auth.Basic)) {
        return null;
      }
      ImapClient.openAhead(imap);
      return mail;
    } catch (RuntimeException e) { // NOPMD: the command resolves the same settings and reports this itself
      return null;
    }
  }

  /**
   * The connection started ahead, when it was resolved from exactly these options; else null (and a
   * connection started for other options is closed). One use.
   */
  static MailConnection take(Map<String, String> flags, Path config, String profile) {
    Started s = started;
    started = null;
    if (s == null) {
      return null;
    }
    MailConnection mail = s.mail().join();
    if (mail != null && s.key().equals(new Key(flags, config, profile))) {
      return mail;
    }
    ImapClient.discardAhead();
    return null;
  }

  /** Closes a connection started ahead that the command did not use (it ended before connecting). */
  static void discard() {
    Started s = started;
    started = null;
    if (opened) {
      opened = false;
      if (s != null) {
        s.mail().join(); // its settings thread may still be about to open it
      }
      ImapClient.discardAhead();
    }
  }

  /** The connection started ahead and not taken or discarded yet (waiting for its settings), else null. */
  static MailConnection started() {
    Started s = started;
    return s == null ? null : s.mail().join();
  }

  /** The connection options of a command line read ahead, or null when it is not read ahead. */
  static Key key(String[] args) {
    Map<String, String> flags = new LinkedHashMap<>();
    Path config = null;
    String profile = null;
    Set<String> seen = new java.util.HashSet<>();
    for (int i = 1; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--") || a.startsWith("@") || (a.startsWith("-") && !a.startsWith("--"))) {
        return null;
      }
      if (!a.startsWith("--")) {
        continue; // a value of an option not read here
      }
      int eq = a.indexOf('=');
      String name = eq < 0 ? a : a.substring(0, eq);
      if (REFUSED.contains(name)) {
        return null;
      }
      if (name.equals("--allow-plaintext")) {
        if (eq >= 0 || !seen.add(name)) {
          return null;
        }
        flags.put("allowPlaintext", "true");
        continue;
      }
      String settingsKey = VALUED.get(name);
      if (settingsKey == null) {
        continue;
      }
      String value;
      if (eq >= 0) {
        value = a.substring(eq + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        return null;
      }
      if (!seen.add(name) || value.startsWith("-") || value.startsWith("@")) {
        return null;
      }
      try {
        if (PATHS.contains(name)) {
          value = Path.of(value).toString();
        } else if (INTEGERS.contains(name)) {
          value = Integer.valueOf(value).toString();
        }
      } catch (RuntimeException e) { // NOPMD: picocli reports it
        return null;
      }
      switch (settingsKey) {
        case "config" -> config = Path.of(value);
        case "profile" -> profile = value;
        default -> flags.put(settingsKey, value);
      }
    }
    return new Key(flags, config, profile);
  }
}
