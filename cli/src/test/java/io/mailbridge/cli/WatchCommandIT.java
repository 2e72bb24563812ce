package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mailbridge watch} in a child JVM against the real Dovecot (carol, folders {@code lst-cli-*}). */
@RealServer
class WatchCommandIT {
  @TempDir
  Path dir;

  @Test
  void printsJsonLinesMovesReportsStatusAndStopsOnSigterm(MailStack stack) throws Exception {
    stack.resetFolder(stack.carol(), "lst-cli");
    stack.resetFolder(stack.carol(), "lst-cli-done");
    WatchProcess w = new WatchProcess(stack, dir);
    w.append("lst-cli", List.of(WatchProcess.message("c1", "<c1@lst.test>"), WatchProcess.message("c2", "<c2@lst.test>")));
    Path out = dir.resolve("out.jsonl");
    Process p = w.start(out, "--folder", "lst-cli", "--start", "all", "--then", "move:lst-cli-done", "--no-body");
    try {
      Await.until("2 lines", Duration.ofSeconds(20), () -> WatchProcess.lines(out).size() == 2);
      w.append("lst-cli", List.of(WatchProcess.message("c3", "<c3@lst.test>")));
      Await.until("3 moved", Duration.ofSeconds(20), () -> stack.messageCount(stack.carol(), "lst-cli-done") == 3);
      Await.until("health written", Duration.ofSeconds(10), () -> Files.exists(dir.resolve("state.json.health.json")));
      Cli status = Cli.run("watch", "--status", "--state", w.state.toString());
      assertThat(status.exit()).isZero();
      JsonNode s = Json.mapper().readTree(status.out());
      assertThat(s.path("running").asBoolean()).isTrue();
      assertThat(s.path("folders").get(0).path("folder").asText()).isEqualTo("lst-cli");
      long lastUid = WatchProcess.lines(out).stream().mapToLong(l -> l.path("uid").asLong()).max().orElseThrow();
      assertThat(s.path("folders").get(0).path("lastUid").asLong()).isEqualTo(lastUid); // reset keeps UIDs growing
      assertThat(s.path("health").path("folders").get(0).has("idling")).isTrue();
    } finally {
      p.destroy(); // SIGTERM: the shutdown hook stops the listener gracefully
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    List<JsonNode> lines = WatchProcess.lines(out);
    assertThat(lines).extracting(l -> l.path("subject").asText()).containsExactly("c1", "c2", "c3");
    assertThat(lines.get(0).path("key").asText()).contains("lst-cli");
    assertThat(stack.messageCount(stack.carol(), "lst-cli")).isZero();
    Cli after = Cli.run("watch", "--status", "--state", w.state.toString());
    assertThat(Json.mapper().readTree(after.out()).path("running").asBoolean()).isFalse();
  }

  @Test
  void execFailureRedeliversTheMessage(MailStack stack) throws Exception {
    stack.resetFolder(stack.carol(), "lst-cli-exec");
    WatchProcess w = new WatchProcess(stack, dir);
    w.append("lst-cli-exec", List.of(WatchProcess.message("e1", "<e1@lst.test>"),
        WatchProcess.message("e2", "<e2@lst.test>")));
    Path log = dir.resolve("exec.jsonl");
    Path flag = dir.resolve("failed-once");
    // The first call fails (exit 3) without taking the message; every later call appends its line.
    String cmd = "if [ ! -f '" + flag + "' ]; then touch '" + flag + "'; exit 3; fi; cat >> '" + log + "'";
    Process p = w.start(dir.resolve("stdout"), "--folder", "lst-cli-exec", "--start", "all", "--exec", cmd,
        "--no-body");
    try {
      Await.until("2 handled", Duration.ofSeconds(20), () -> WatchProcess.lines(log).size() >= 2);
    } finally {
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    assertThat(WatchProcess.lines(log)).extracting(l -> l.path("subject").asText()).containsExactly("e1", "e2");
    assertThat(Files.readString(dir.resolve("stdout.err"))).contains("--exec exited with 3");
  }
}
