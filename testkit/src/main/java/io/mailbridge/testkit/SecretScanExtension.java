package io.mailbridge.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when a known secret appeared in anything it logged or printed. Installed once
 * per JVM, it tees {@code System.out} and {@code System.err} (where slf4j-simple and Logback's console
 * appender write, protocol DEBUG traces included) and checks every line against the registered
 * secrets: the real stack's passwords, tokens tests {@link #register(String, String) register}, and
 * the base64 SASL payloads (PLAIN, LOGIN, XOAUTH2, OAUTHBEARER) derived from them.
 *
 * <p>Registered for every test class by JUnit's extension auto-detection ({@code
 * META-INF/services/org.junit.jupiter.api.extension.Extension} here, and {@code
 * junit.jupiter.extensions.autodetection.enabled=true} in each module's {@code junit-platform.properties}).
 * Protocol DEBUG lines ({@code io.mailbridge.protocol}) are scanned and counted but not echoed, so the
 * trace of a bulk receive does not flood the build log.
 */
public final class SecretScanExtension implements BeforeAllCallback, AfterAllCallback {
  /** Where a leak was seen, with the secret already masked. */
  public record Leak(String secretName, String maskedLine) {}

  private static final Map<String, String> SECRETS = new LinkedHashMap<>();
  private static final List<Leak> LEAKS = new CopyOnWriteArrayList<>();
  private static volatile boolean installed;
  private static volatile long protocolLines;
  private static volatile long scannedLines;
  private static String[][] snapshot = new String[0][];

  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SecretScanExtension.class);

  /**
   * Registers a secret (e.g. an access token a test obtained) and its SASL encodings for {@code user}.
   * Values shorter than 6 characters are ignored: they would match ordinary text.
   */
  public static void register(String user, String secret) {
    if (secret == null || secret.length() < 6) {
      return;
    }
    String u = user == null ? "" : user;
    synchronized (SECRETS) {
      add(secret, "secret of " + u);
      add(b64(secret), "base64 secret of " + u);
      add(b64("\0" + u + "\0" + secret), "SASL PLAIN of " + u);
      add(b64(u + "\0" + u + "\0" + secret), "SASL PLAIN (authzid) of " + u);
      add(b64("user=" + u + "\u0001auth=Bearer " + secret + "\u0001\u0001"), "SASL XOAUTH2 of " + u);
      add(b64("n,a=" + u + ",\u0001auth=Bearer " + secret + "\u0001\u0001"), "SASL OAUTHBEARER of " + u);
      add(b64("n,,\u0001auth=Bearer " + secret + "\u0001\u0001"), "SASL OAUTHBEARER (no authzid) of " + u);
      snapshot = SECRETS.entrySet().stream().map(e -> new String[] {e.getKey(), e.getValue()})
          .toArray(String[][]::new);
    }
  }

  /** Registers a secret without a user (tokens). */
  public static void register(String secret) {
    register("", secret);
  }

  private static void add(String value, String name) {
    SECRETS.putIfAbsent(value, name);
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  /** Scans text that did not go through System.out/err (e.g. a CLI run's captured writers). */
  public static void scan(String text) {
    text.lines().forEach(SecretScanExtension::scanLine);
  }

  /** Leaks seen so far and not yet reported by a test class. */
  public static List<Leak> leaks() {
    return List.copyOf(LEAKS);
  }

  /** Lines scanned and protocol DEBUG lines among them, since the JVM started. */
  public static long[] counts() {
    return new long[] {scannedLines, protocolLines};
  }

  // A JSON Web Token (header.payload.signature), as OAuth servers issue for access tokens: caught
  // even when no test registered it. Its base64 form inside a SASL payload is covered by register().
  private static final java.util.regex.Pattern JWT =
      java.util.regex.Pattern.compile("eyJ[A-Za-z0-9_-]{8,}\\.eyJ[A-Za-z0-9_-]{8,}\\.[A-Za-z0-9_-]{8,}");

  static void scanLine(String line) {
    scannedLines++;
    if (line.contains("eyJ") && JWT.matcher(line).find()) {
      String masked = JWT.matcher(line.strip()).replaceAll("<JWT>");
      LEAKS.add(new Leak("a JWT (OAuth access token)", masked.length() > 300 ? masked.substring(0, 300) + "..." : masked));
    }
    for (String[] s : snapshot) {
      if (line.contains(s[0])) {
        String masked = line.strip().replace(s[0], "<" + s[1] + ">");
        LEAKS.add(new Leak(s[1], masked.length() > 300 ? masked.substring(0, 300) + "..." : masked));
      }
    }
  }

  /** Installs the capture (once per JVM) and registers the real stack's passwords. */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    try {
      MailStack.find().ifPresent(stack -> stack.users().forEach(u -> register(u.user(), u.password())));
    } catch (RuntimeException unreadable) {
      // no stack: nothing to register
    }
    PrintStream err = System.err;
    System.setOut(new PrintStream(new Tee(System.out), true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(new Tee(System.err), true, StandardCharsets.UTF_8));
    // Evidence in the build log that the scan saw the protocol trace (0 trace lines = debug was off).
    Runtime.getRuntime().addShutdownHook(new Thread(() -> err.printf(
        "SecretScanExtension: %d lines scanned, %d of them protocol trace, %d secrets watched%n",
        scannedLines, protocolLines, snapshot.length)));
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    install();
    context.getStore(NS).put("mark", LEAKS.size());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    System.out.flush();
    System.err.flush();
    Integer mark = context.getStore(NS).get("mark", Integer.class);
    List<Leak> found = new ArrayList<>();
    synchronized (LEAKS) {
      int from = mark == null ? 0 : Math.min(mark, LEAKS.size());
      found.addAll(LEAKS.subList(from, LEAKS.size()));
      LEAKS.removeAll(found);
    }
    if (!found.isEmpty()) {
      StringBuilder msg = new StringBuilder(found.size() + " secret(s) appeared in log output of "
          + context.getDisplayName() + ":");
      found.stream().limit(10).forEach(l -> msg.append("\n  ").append(l.secretName()).append(": ").append(l.maskedLine()));
      throw new AssertionError(msg.toString());
    }
  }

  /** Splits what is written into lines, scans each, and echoes all but protocol DEBUG lines. */
  private static final class Tee extends OutputStream {
    private final PrintStream original;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    Tee(PrintStream original) {
      this.original = original;
    }

    @Override
    public synchronized void write(int b) {
      line.write(b);
      if (b == '\n') {
        endLine();
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      int start = off;
      for (int i = off; i < off + len; i++) {
        if (b[i] == '\n') {
          line.write(b, start, i + 1 - start);
          endLine();
          start = i + 1;
        }
      }
      line.write(b, start, off + len - start);
      if (line.size() > 1 << 20) {
        endLine(); // a huge line without newline: scan it in pieces
      }
    }

    private void endLine() {
      String text = line.toString(StandardCharsets.UTF_8);
      scanLine(text);
      if (text.contains(" io.mailbridge.protocol ")) {
        protocolLines++;
      } else {
        original.print(text);
      }
      line.reset();
    }

    @Override
    public synchronized void flush() {
      original.flush();
    }
  }
}
