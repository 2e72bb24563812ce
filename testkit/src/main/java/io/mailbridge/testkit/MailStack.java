package io.mailbridge.testkit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The running real Dovecot + Postfix stack started by {@code scripts/mailstack start}, as described
 * by its {@code stack.json}. Found at {@code $MAILSTACK_FILE}, else {@code $MAILSTACK_DIR/stack.json},
 * else {@code /tmp/mailbridge-mailstack/stack.json}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record MailStack(
    String host,
    String wrongHost,
    String domain,
    int imapPort,
    int imapsPort,
    int submissionPort,
    int smtpsPort,
    int smtpPort,
    Integer throttledSubmissionPort,
    String caFile,
    String stateDir,
    String doveadm,
    List<User> users,
    Integer oauth2IntrospectionPort) {

  /** A test mailbox user. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record User(String user, String password) {
    @Override
    public String toString() {
      return "User[" + user + "]";
    }
  }

  /** Where stack.json is expected. */
  public static Path infoFile() {
    String file = System.getenv("MAILSTACK_FILE");
    if (file != null && !file.isBlank()) {
      return Path.of(file);
    }
    String dir = System.getenv("MAILSTACK_DIR");
    return Path.of(dir != null && !dir.isBlank() ? dir : "/tmp/mailbridge-mailstack", "stack.json");
  }

  /** The running stack, or empty when stack.json is absent. */
  public static Optional<MailStack> find() {
    Path info = infoFile();
    if (!Files.isRegularFile(info)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new ObjectMapper().readValue(info.toFile(), MailStack.class));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + info + ": " + e.getMessage(), e);
    }
  }

  /**
   * The port on 127.0.0.1 where Dovecot expects the OAuth 2.0 server whose {@code /default/introspect}
   * validates XOAUTH2/OAUTHBEARER tokens (tests start mock-oauth2-server there), or empty when the
   * stack runs without OAuth.
   */
  public java.util.OptionalInt oauth2Port() {
    return oauth2IntrospectionPort == null ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(oauth2IntrospectionPort);
  }

  /**
   * Submission (STARTTLS + AUTH) rate-limited by Postfix's anvil: more than a few messages or
   * connections per client within 5 s are refused with {@code 450 4.7.1} / {@code 421 4.7.0}.
   */
  public java.util.OptionalInt throttledSubmission() {
    return throttledSubmissionPort == null ? java.util.OptionalInt.empty()
        : java.util.OptionalInt.of(throttledSubmissionPort);
  }

  public Path ca() {
    return Path.of(caFile);
  }

  /** A TLS context that trusts the stack's own CA and nothing else, for clients that are not the code under test. */
  public javax.net.ssl.SSLContext trustingContext() {
    try {
      return ImapSeeder.trusting(ca());
    } catch (IOException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the stack's CA " + caFile + ": " + e.getMessage(), e);
    }
  }

  public User alice() {
    return users.get(0);
  }

  public User bob() {
    return users.get(1);
  }

  public User carol() {
    return users.get(2);
  }

  /** Runs {@code doveadm <args>} against the stack and returns its standard output. */
  public String doveadm(String... args) {
    List<String> cmd = new ArrayList<>(List.of(doveadm.split(" ")));
    cmd.addAll(List.of(args));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("doveadm " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run doveadm: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /**
   * The IMAP sessions logged in right now, per user, as Dovecot counts them ({@code doveadm who}:
   * one line per user, "username # proto (pids) (ips)" with # the number of connections).
   */
  public java.util.Map<String, Integer> imapSessions() {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    for (String line : doveadm("who").split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 3 && f[0].contains("@") && f[2].equals("imap")) {
        out.merge(f[0], Integer.parseInt(f[1]), Integer::sum);
      }
    }
    return out;
  }

  /**
   * IMAP logins so far, per user, from Dovecot's own log ({@code imap-login: ... Login: user=<u>}).
   * Take it before and after a run: the difference is the sessions the run opened, however short.
   */
  public java.util.Map<String, Integer> imapLogins() {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    java.util.regex.Pattern login = java.util.regex.Pattern.compile("imap-login: .*Login: user=<([^>]+)>");
    dovecotLog(lines -> {
      lines.map(login::matcher).filter(java.util.regex.Matcher::find).forEach(m -> out.merge(m.group(1), 1,
          Integer::sum));
      return null;
    });
    return out;
  }

  /**
   * How many IMAP sessions so far Dovecot could not give IDLE push to, from its own log: past the
   * kernel's inotify instances per user ({@code fs.inotify.max_user_instances}, 128 by default;
   * every session runs as the one mail user), Dovecot warns "Inotify instance limit ... exceeded,
   * disabling" and that session sees new mail only at its next check (30 s by default). Take it
   * before and after a run: a run with more IDLE sessions than that limit measures the fallback.
   */
  public int idlePushDisabled() {
    return dovecotLog(lines -> (int) lines.filter(l -> l.contains("Inotify instance limit")).count());
  }

  /** {@code read} applied to the lines of Dovecot's log. */
  private <T> T dovecotLog(java.util.function.Function<java.util.stream.Stream<String>, T> read) {
    try (java.util.stream.Stream<String> lines = Files.lines(Path.of(stateDir, "logs", "dovecot.log"),
        StandardCharsets.UTF_8)) {
      return read.apply(lines);
    } catch (IOException | java.io.UncheckedIOException e) {
      throw new IllegalStateException("cannot read the Dovecot log: " + e.getMessage(), e);
    }
  }

  /**
   * Saves one message into a user's folder with {@code doveadm save}, without an IMAP session (so
   * it does not show in {@link #imapSessions()}).
   */
  public void save(User user, String folder, byte[] message) {
    List<String> cmd = new ArrayList<>(List.of(doveadm.split(" ")));
    cmd.addAll(List.of("save", "-u", user.user(), "-m", folder));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      try (java.io.OutputStream in = p.getOutputStream()) {
        in.write(message);
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("doveadm save into " + folder + " failed: " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run doveadm: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Number of messages in a user's folder, as Dovecot counts them. */
  public int messageCount(User user, String folder) {
    String out = doveadm("-f", "flow", "mailbox", "status", "-u", user.user(), "messages", folder).strip();
    return Integer.parseInt(out.substring(out.indexOf('=') + 1).strip());
  }

  /** Empties a folder (creating it if needed), so a test starts from a known state. */
  public void resetFolder(User user, String folder) {
    if (!"INBOX".equalsIgnoreCase(folder)) {
      try {
        doveadm("mailbox", "create", "-u", user.user(), folder);
      } catch (IllegalStateException alreadyThere) {
        // exists
      }
    }
    doveadm("expunge", "-u", user.user(), "mailbox", folder, "all");
  }
}
