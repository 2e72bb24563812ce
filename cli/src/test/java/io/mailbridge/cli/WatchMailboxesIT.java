package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.ImapSessionSampler;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailbridge watch --mailboxes} in a child JVM against the real Dovecot: alice, bob and carol
 * at once, three folders each, 2 connections per mailbox and 4 per server, passwords from an
 * environment variable and from a file. Dovecot's session count is sampled while it runs.
 */
@RealServer
class WatchMailboxesIT {
  private static final String[] FOLDERS = {"fleet-cli-a", "fleet-cli-b", "fleet-cli-c"};

  @TempDir
  Path dir;

  @Test
  void threeMailboxesDeliverEachMessageOnceTaggedWithTheMailboxWithinTheServerBudget(MailStack stack)
      throws Exception {
    List<MailStack.User> users = List.of(stack.alice(), stack.bob(), stack.carol());
    for (MailStack.User u : users) {
      for (String f : FOLDERS) {
        new StackMailbox(stack, u).reset(f);
        append(stack, u, f, 1, 2);
      }
    }
    Files.writeString(dir.resolve("carol.pw"), stack.carol().password() + "\n");
    StringBuilder yaml = new StringBuilder("mailboxes:\n");
    for (MailStack.User u : users) {
      String name = name(u);
      yaml.append("  - name: ").append(name).append("\n    user: ").append(u.user())
          .append("\n    imap: { host: ").append(stack.host()).append(", port: ").append(stack.imapsPort())
          .append(" }\n    caFile: ").append(stack.caFile())
          .append("\n    folders: [").append(String.join(", ", FOLDERS)).append("]\n    maxConnections: 2\n")
          .append(name.equals("carol") ? "    passwordFile: " + dir.resolve("carol.pw") + "\n"
              : "    passwordEnv: " + name.toUpperCase() + "_PASSWORD\n");
    }
    Path file = dir.resolve("mailboxes.yaml");
    Files.writeString(file, yaml);
    Path out = dir.resolve("out.jsonl");
    Path state = dir.resolve("state.json");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx160m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "watch", "--mailboxes", file.toString(), "--server-connections", "4",
        "--state", state.toString(), "--start", "all", "--poll", "500ms", "--keepalive", "2s", "--no-body"));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(dir.resolve("err.txt").toFile());
    pb.environment().put("ALICE_PASSWORD", stack.alice().password());
    pb.environment().put("BOB_PASSWORD", stack.bob().password());
    Process p = pb.start();
    ImapSessionSampler who = ImapSessionSampler.start(stack);
    try {
      Await.until("18 lines", Duration.ofSeconds(60), () -> WatchProcess.lines(out).size() >= 18);
      for (MailStack.User u : users) {
        for (String f : FOLDERS) {
          append(stack, u, f, 3, 3);
        }
      }
      Await.until("27 lines", Duration.ofSeconds(60), () -> WatchProcess.lines(out).size() >= 27);
    } finally {
      who.stop();
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    System.out.println("watch --mailboxes: doveadm who samples=" + who.samples() + " maxSessions=" + who.maxTotal()
        + " maxPerUser=" + who.maxPerUser());
    assertThat(who.samples()).isGreaterThan(5);
    assertThat(who.maxTotal()).isBetween(1, 4);
    assertThat(who.maxPerUser().values()).allSatisfy(n -> assertThat(n).isBetween(1, 2));
    List<JsonNode> lines = WatchProcess.lines(out);
    assertThat(lines).hasSize(27);
    for (MailStack.User u : users) {
      List<String> expected = new ArrayList<>();
      for (String f : FOLDERS) {
        for (int i = 1; i <= 3; i++) {
          expected.add(subject(u, f, i));
        }
      }
      assertThat(lines.stream().filter(l -> l.path("mailbox").asText().equals(name(u)))
          .map(l -> l.path("subject").asText()).toList()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(Files.readString(dir.resolve("state-" + name(u) + ".json"))).contains(FOLDERS[2]);
    }
    String err = Files.readString(dir.resolve("err.txt"));
    assertThat(err).contains("watching alice").doesNotContain(stack.alice().password())
        .doesNotContain(stack.bob().password());
    Cli status = Cli.run("watch", "--status", "--mailboxes", file.toString(), "--state", state.toString());
    assertThat(Json.mapper().readTree(status.out()).path("folders")).hasSize(9);
  }

  private static String name(MailStack.User u) {
    return u.user().substring(0, u.user().indexOf('@'));
  }

  private static String subject(MailStack.User u, String folder, int i) {
    return name(u) + " " + folder + " " + i;
  }


  /** Saved with doveadm, not over IMAP: the test's own sessions must not count against the budget. */
  private static void append(MailStack stack, MailStack.User u, String folder, int from, int to) {
    for (int i = from; i <= to; i++) {
      stack.save(u, folder, WatchProcess.message(subject(u, folder, i), "<" + folder + "." + i + "."
          + System.nanoTime() + "@fleet.test>"));
    }
  }
}
