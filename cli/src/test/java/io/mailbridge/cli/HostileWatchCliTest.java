package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailbridge watch} against hostile IMAP servers in a child JVM with {@code -Xmx64m}: its
 * health file reports what happens within twice its timeout (keepalive + read timeout), it keeps
 * reconnecting after a protocol error instead of hanging or dying, it never says DELIVERING while
 * nothing moves, and SIGTERM ends it cleanly with valid JSON on stdout and clean stderr lines.
 */
class HostileWatchCliTest {
  private static final Duration KEEPALIVE = Duration.ofSeconds(1);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
  /** What a watcher waits at most for an answer: keepalive + read timeout. */
  private static final Duration TIMEOUT = KEEPALIVE.plus(READ_TIMEOUT);
  /** The health file is rewritten this often. */
  private static final Duration HEALTH_EVERY = WatchCommand.HEALTH_EVERY;
  @TempDir
  Path dir;

  private Process watch(HostileServer s, String... extra) throws IOException {
    Files.writeString(dir.resolve("pw"), "hostile-pw\n");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classPath(), Main.class.getName(),
        "watch", "--imap-host", s.host(), "--imap-port", Integer.toString(s.port()), "--imap-security", "none",
        "--allow-plaintext", "--user", "bob", "--password-file", "pw", "--read-timeout", READ_TIMEOUT.toSeconds() + "s",
        "--keepalive", KEEPALIVE.toSeconds() + "s", "--folder", "INBOX", "--start", "all", "--state", "state.json",
        "--grace", "2s", "--no-idle", "--poll", "1s"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
        .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MAILBRIDGE_") || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().put("HOME", Files.createDirectories(dir.resolve("home")).toString());
    return pb.start();
  }

  private static String classPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(e -> !e.endsWith("test-classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  /** The first folder of the health file once it satisfies {@code cond}, waiting at most {@code within}. */
  private JsonNode awaitHealth(Duration within, Predicate<JsonNode> cond) throws Exception {
    Path f = dir.resolve("state.json.health.json");
    long end = System.nanoTime() + within.toNanos();
    JsonNode last = null;
    while (System.nanoTime() < end) {
      if (Files.exists(f)) {
        try {
          last = Json.mapper().readTree(Files.readAllBytes(f)).path("folders").path(0);
          if (cond.test(last)) {
            return last;
          }
        } catch (IOException torn) {
          // replaced while read: read again
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("health did not get there within " + within + "; last: " + last + "; stderr: "
        + Files.readString(dir.resolve("stderr")));
  }

  /**
   * Waits for the child's first connection: the JVM's start on a loaded machine is not part of the
   * time the scenario is bounded by.
   */
  private static void connected(HostileServer s, Process p) throws InterruptedException {
    long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (s.connections() < 1 && p.isAlive() && System.nanoTime() < end) {
      Thread.sleep(50);
    }
    assertThat(s.connections()).as("watch connected").isPositive();
  }

  /** SIGTERM, then: exits 0 within the grace period, stdout valid JSON, stderr clean one-liners. */
  private void stopsCleanly(Process p) throws Exception {
    p.destroy();
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("watch ended after SIGTERM").isTrue();
    assertThat(p.exitValue()).isIn(0, 143);
    for (String l : Files.readAllLines(dir.resolve("stdout"), StandardCharsets.UTF_8)) {
      Json.mapper().readTree(l);
    }
    String err = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
    assertThat(err).doesNotContain("\tat ", "Exception in thread", "OutOfMemoryError", "StackOverflowError");
    assertThat(err.chars().filter(c -> (c < 0x20 && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f)).count())
        .as("control characters on stderr").isZero();
    assertThat(err.lines()).allSatisfy(l -> assertThat(l).hasSizeLessThanOrEqualTo(2100));
  }

  @Test
  void protocolErrorIsReportedInHealthAndWatchKeepsReconnecting() throws Exception {
    HostileServer.Script script = ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> line.toUpperCase().contains("BODY")
        ? Reply.text("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 180 BODY[] {300000000}\r\n") : null).build();
    try (HostileServer s = HostileServer.start(script)) {
      Process p = watch(s);
      try {
        connected(s, p);
        JsonNode h = awaitHealth(TIMEOUT.multipliedBy(2).plus(HEALTH_EVERY), f ->
            f.path("lastError").asText().contains("protocol error"));
        assertThat(h.path("lastError").asText()).contains("300000000", s.host() + ":" + s.port());
        h = awaitHealth(TIMEOUT.multipliedBy(2).plus(Duration.ofSeconds(5)), f -> f.path("reconnects").asLong() >= 1);
        assertThat(p.isAlive()).as("watch keeps going").isTrue();
        assertThat(s.connections()).isGreaterThanOrEqualTo(2);
      } finally {
        stopsCleanly(p);
      }
      assertThat(Files.readString(dir.resolve("stdout"))).isEmpty();
    }
  }

  @Test
  void handlerThatNeverReturnsIsReportedStalledNotDelivering() throws Exception {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).build())) {
      Process p = watch(s, "--exec", "sleep 30", "--stall-timeout", "2s");
      try {
        connected(s, p);
        JsonNode h = awaitHealth(TIMEOUT.multipliedBy(2).plus(Duration.ofSeconds(2)).plus(HEALTH_EVERY),
            f -> f.path("status").asText().equals("STALLED"));
        assertThat(h.path("delivered").asLong()).isZero();
      } finally {
        stopsCleanly(p);
      }
    }
  }

  @Test
  void watchEndsWithTheExitCodeOfTheErrorThatEndedIt() throws Exception {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).build())) {
      Path pw = Files.writeString(dir.resolve("pw"), "hostile-pw\n");
      Path emptyCa = Files.writeString(dir.resolve("empty.pem"), "");
      long t0 = System.nanoTime();
      Cli r = Cli.run("watch", "--imap-host", s.host(), "--imap-port", Integer.toString(s.port()), "--user", "bob",
          "--password-file", pw.toString(), "--ca-file", emptyCa.toString(), "--read-timeout",
          READ_TIMEOUT.toSeconds() + "s", "--keepalive", KEEPALIVE.toSeconds() + "s", "--state",
          dir.resolve("state.json").toString());
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("watch ended by itself").isLessThan(Duration.ofSeconds(60));
      assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("watch stopped", "holds no certificate");
    }
  }
}
