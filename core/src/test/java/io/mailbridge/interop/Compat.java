package io.mailbridge.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records each (server, feature) outcome of the suite and writes the compatibility table to
 * {@code target/interop/compatibility.md} after the class ran; {@code scripts/compat-table} copies
 * it into the README. A feature is a test method; the server is the first invocation argument.
 */
final class Compat implements TestWatcher, AfterAllCallback {
  /** An assumption's message with this before a test's name: that test proves the feature on the server. */
  static final String ELSEWHERE = "proven elsewhere: ";
  private static final Map<String, Map<String, String>> RESULTS = new ConcurrentHashMap<>();
  private static final Map<String, String> VERSIONS = new ConcurrentHashMap<>();

  static void version(Server s) {
    VERSIONS.put(s.name(), s.version());
  }

  private static void record(ExtensionContext c, String result) {
    String server = c.getDisplayName().replaceAll("^\\[\\d+\\] ", "");
    String feature = c.getRequiredTestMethod().getAnnotation(Feature.class) != null
        ? c.getRequiredTestMethod().getAnnotation(Feature.class).value() : c.getRequiredTestMethod().getName();
    RESULTS.computeIfAbsent(feature, k -> new ConcurrentHashMap<>()).put(server, result);
  }

  @Override
  public void testSuccessful(ExtensionContext c) {
    record(c, "yes");
  }

  @Override
  public void testFailed(ExtensionContext c, Throwable cause) {
    record(c, "**FAILS**");
  }

  @Override
  public void testDisabled(ExtensionContext c, Optional<String> reason) {
    // not run: no entry
  }

  @Override
  public void testAborted(ExtensionContext c, Throwable cause) {
    String m = String.valueOf(cause.getMessage());
    int elsewhere = m.indexOf(ELSEWHERE);
    if (elsewhere >= 0) {
      record(c, "yes (" + m.substring(elsewhere + ELSEWHERE.length()) + ")");
    } else {
      record(c, m.startsWith("known gap: ") ? "no: " + m.substring("known gap: ".length()) : "n/a");
    }
  }

  @Override
  public void afterAll(ExtensionContext c) throws IOException {
    if (RESULTS.isEmpty()) {
      return;
    }
    TreeSet<String> servers = new TreeSet<>();
    RESULTS.values().forEach(m -> servers.addAll(m.keySet()));
    StringBuilder md = new StringBuilder("| Feature |");
    servers.forEach(s -> md.append(' ').append(s).append(" |"));
    md.append("\n|---|");
    servers.forEach(s -> md.append("---|"));
    md.append('\n');
    new TreeMap<>(RESULTS).forEach((feature, byServer) -> {
      md.append("| ").append(feature).append(" |");
      servers.forEach(s -> md.append(' ').append(byServer.getOrDefault(s, "")).append(" |"));
      md.append('\n');
    });
    md.append("\nServers: ");
    servers.forEach(s -> md.append("`").append(s).append("` ").append(VERSIONS.getOrDefault(s, "?")).append("; "));
    md.setLength(md.length() - 2);
    md.append(".\n");
    Path out = Path.of("target", "interop", "compatibility.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, md.toString(), StandardCharsets.UTF_8);
  }
}
