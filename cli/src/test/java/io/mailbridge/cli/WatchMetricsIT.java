package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailbridge watch --metrics-port} in a child JVM against the real Dovecot (carol, folder {@code met-cli}). */
@RealServer
class WatchMetricsIT {
  private static final Pattern URL = Pattern.compile("metrics on (http://127\\.0\\.0\\.1:\\d+)/metrics");
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  @Test
  void prometheusEndpointShowsCountsAndALagThatDropsToZeroOnceCommitted(MailStack stack) throws Exception {
    stack.resetFolder(stack.carol(), "met-cli");
    WatchProcess w = new WatchProcess(stack, dir);
    List<byte[]> seeded = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      seeded.add(WatchProcess.message("m" + i, "<m" + i + "." + System.nanoTime() + "@met.test>"));
    }
    w.append("met-cli", seeded);
    Path go = dir.resolve("go");
    Path log = dir.resolve("handled.jsonl");
    // The handler waits for the go file: the three messages stay uncommitted until the test says so.
    String cmd = "while [ ! -f '" + go + "' ]; do sleep 0.05; done; cat >> '" + log + "'";
    Path out = dir.resolve("stdout");
    Process p = w.start(out, "--folder", "met-cli", "--start", "all", "--batch", "1", "--exec", cmd, "--no-body",
        "--metrics-port", "0");
    try {
      Path err = dir.resolve("stdout.err");
      Await.until("metrics URL on stderr", Duration.ofSeconds(20), () -> url(err) != null);
      String base = url(err);
      String mailbox = "mailbox=\"" + stack.carol().user() + "@" + stack.host() + ":" + stack.imapsPort() + "\"";
      String lag = "mailbridge_listen_lag{folder=\"met-cli\"," + mailbox + "}";
      Await.until("lag 3 while the handler waits", Duration.ofSeconds(20), () -> value(scrape(base), lag).orElse(-1) == 3);
      assertThat(WatchProcess.lines(log)).isEmpty();
      HttpResponse<String> health = get(base + "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      JsonNode h = Json.mapper().readTree(health.body());
      assertThat(h.path("status").asText()).isEqualTo("UP");
      assertThat(h.path("folders").get(0).path("folder").asText()).isEqualTo("met-cli");
      assertThat(h.path("folders").get(0).path("status").asText()).isEqualTo("DELIVERING");

      Files.writeString(go, "");
      Await.until("3 handled", Duration.ofSeconds(20), () -> WatchProcess.lines(log).size() == 3);
      Await.until("lag 0", Duration.ofSeconds(20), () -> value(scrape(base), lag).orElse(-1) == 0);
      String text = scrape(base);
      String tags = "{folder=\"met-cli\"," + mailbox + ",operation=\"listen\"}";
      assertThat(value(text, "mailbridge_messages_received_total" + tags)).hasValue(3);
      assertThat(value(text, "mailbridge_bytes_received_bytes_total" + tags))
          .hasValue(seeded.stream().mapToLong(b -> b.length).sum());
      assertThat(value(text, "mailbridge_listen_handover_seconds_count{folder=\"met-cli\"," + mailbox + "}"))
          .hasValue(3);
      assertThat(value(text, "mailbridge_listen_poll_seconds_count{folder=\"met-cli\"," + mailbox + "}").orElse(0))
          .isGreaterThanOrEqualTo(1);
      assertThat(get(base + "/nothing").statusCode()).isEqualTo(404);
    } finally {
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aPortInUseOrOutOfRangeIsABadInputNamingThePort(MailStack stack) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      WatchProcess w = new WatchProcess(stack, dir);
      List<String> args = new ArrayList<>(w.base("--folder", "INBOX", "--metrics-port",
          Integer.toString(taken.getLocalPort())));
      Cli r = Cli.run(args.toArray(String[]::new));
      assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err()).contains("--metrics-port " + taken.getLocalPort() + " on 127.0.0.1 cannot be bound")
          .contains("choose a free port");
      Cli outOfRange = Cli.run(w.base("--folder", "INBOX", "--metrics-port", "70000").toArray(String[]::new));
      assertThat(outOfRange.exit()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(outOfRange.err()).contains("--metrics-port 70000 is out of range 0-65535");
    }
  }

  private static String url(Path err) {
    try {
      Matcher m = URL.matcher(Files.exists(err) ? Files.readString(err) : "");
      return m.find() ? m.group(1) : null;
    } catch (IOException e) {
      return null;
    }
  }

  private HttpResponse<String> get(String url) {
    try {
      return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private String scrape(String base) {
    HttpResponse<String> r = get(base + "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    return r.body();
  }

  /** The value of the sample whose name and labels are exactly {@code series}. */
  private static OptionalDouble value(String text, String series) {
    for (String line : text.split("\n")) {
      if (line.startsWith(series + " ")) {
        return OptionalDouble.of(Double.parseDouble(line.substring(series.length() + 1).strip()));
      }
    }
    return OptionalDouble.empty();
  }
}
