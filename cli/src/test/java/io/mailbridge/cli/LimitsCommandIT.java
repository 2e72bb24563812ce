package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size limits and quarantine through {@code mailbridge receive} and {@code mailbridge watch}. */
@RealServer
class LimitsCommandIT {
  @TempDir
  Path tmp;


  private Cli receive(MailStack stack, String... args) throws Exception {
    Path pw = Files.writeString(tmp.resolve("pw"), stack.alice().password() + "\n");
    List<String> all = new ArrayList<>(List.of("receive", "--imap-host", stack.host(), "--imap-port",
        Integer.toString(stack.imapsPort()), "--user", stack.alice().user(), "--password-file", pw.toString(),
        "--ca-file", stack.caFile()));
    all.addAll(List.of(args));
    return Cli.run(all.toArray(String[]::new));
  }


  @Test
  void receiveWithSizePolicyReferencePrintsTheAttachmentAsNotStored(MailStack stack) throws Exception {
    String folder = "cli-limits-ref";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).append(folder, List.of(TestMessages.plain("a@example.com", "alice@example.test", "small", 100),
        TestMessages.withAttachment("a@example.com", "alice@example.test", "big", "big.bin", new byte[300_000])));

    Cli r = receive(stack, "--folder", folder, "--max-message-size", "100KB", "--size-policy", "reference",
        "--cache-dir", tmp.resolve("cache").toString(), "--then", "read");

    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> docs = r.lines();
    assertThat(docs).hasSize(2);
    assertThat(docs.get(0).has("status")).isFalse();
    JsonNode big = docs.get(1);
    assertThat(big.path("status").asText()).isEqualTo("reference");
    assertThat(big.path("subject").asText()).isEqualTo("big");
    JsonNode att = big.path("attachments").get(0);
    assertThat(att.path("fileName").asText()).isEqualTo("big.bin");
    assertThat(att.path("stored").asBoolean(true)).isFalse();
    assertThat(att.path("notStoredReason").asText()).contains("above maxMessageBytes 102400");
    assertThat(att.has("path")).isFalse();
    // --then read ran for the complete document only: the reference stays unread on the server
    assertThat(stack.doveadm("-f", "flow", "fetch", "-u", stack.alice().user(), "uid", "mailbox", folder, "unseen"))
        .contains("uid=2").doesNotContain("uid=1");
  }

  @Test
  void receiveWithSizePolicyFailExitsWithBadInputNamingUidSizeAndLimit(MailStack stack) throws Exception {
    String folder = "cli-limits-fail";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).append(folder, List.of(
        TestMessages.withAttachment("a@example.com", "alice@example.test", "big", "big.bin", new byte[300_000])));
    Cli r = receive(stack, "--folder", folder, "--max-message-size", "100k", "--size-policy", "fail");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("uid 1 in " + folder + " is ", "above maxMessageBytes 102400");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void receiveQuarantinesAnUnparseableMessageAndPrintsADeadLetterLine(MailStack stack) throws Exception {
    String folder = "cli-limits-q";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).reset(folder + "-quarantine");
    byte[] broken = ("From: a@example.com\r\nTo: alice@example.test\r\nSubject: broken\r\nX-Pad: "
        + "x".repeat(1_100_000) + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
    StackMailbox.alice(stack).append(folder, List.of(TestMessages.plain("a@example.com", "alice@example.test", "ok", 100),
        broken));

    Cli r = receive(stack, "--folder", folder, "--quarantine-folder", folder + "-quarantine", "--no-body");

    assertThat(r.exit()).isEqualTo(ExitCodes.PARTIAL);
    List<JsonNode> lines = r.lines();
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).path("subject").asText()).isEqualTo("ok");
    JsonNode dead = lines.get(1);
    assertThat(dead.path("type").asText()).isEqualTo("dead-letter");
    assertThat(dead.path("status").asText()).isEqualTo("quarantined");
    assertThat(dead.path("kind").asText()).isEqualTo("unparseable");
    assertThat(dead.path("uid").asLong()).isEqualTo(2);
    assertThat(dead.path("reason").asText()).contains("receive.maxHeaderBytes");
    assertThat(dead.path("quarantine").asText()).isEqualTo("folder:" + folder + "-quarantine");
    Path eml = Path.of(dead.path("emlPath").asText());
    assertThat(Files.readAllBytes(eml)).isEqualTo(broken);
    Files.delete(eml);
    assertThat(stack.messageCount(stack.alice(), folder + "-quarantine")).isEqualTo(1);
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(1);
  }

  /**
   * A message whose handler kills the whole process (SIGKILL from --exec) each time: after
   * --max-attempts starts it is quarantined, and the rest is delivered.
   */
  @Test
  void watchQuarantinesAMessageThatCrashesTheProcessAfterMaxAttemptsRestarts(MailStack stack) throws Exception {
    String folder = "cli-limits-crash";
    StackMailbox.carol(stack).reset(folder);
    StackMailbox.carol(stack).reset(folder + "-quarantine");
    WatchProcess w = new WatchProcess(stack, tmp);
    w.append(folder, List.of(WatchProcess.message("good 1", "<g1@lst.test>"),
        WatchProcess.message("poison", "<p@lst.test>"), WatchProcess.message("good 2", "<g2@lst.test>")));
    Path delivered = tmp.resolve("delivered.jsonl");
    // The handler of the poison message kills the watcher and never delivers it (the shell outlives its parent).
    String exec = "IN=$(cat); case \"$IN\" in *'\"subject\":\"poison\"'*) kill -9 $PPID; sleep 5; exit 1;; esac; "
        + "echo \"$IN\" >> '" + delivered + "'";
    int crashes = 0;
    JsonNode dead = null;
    for (int run = 0; run < 5 && dead == null; run++) {
      Path out = tmp.resolve("run-" + run + ".jsonl");
      Process p = w.start(out, "--folder", folder, "--start", "all", "--no-body", "--quarantine-folder",
          folder + "-quarantine", "--max-attempts", "2", "--exec", exec);
      Await.until("exit or quarantine", Duration.ofSeconds(30), () -> !p.isAlive()
          || WatchProcess.lines(out).stream().anyMatch(l -> l.path("type").asText().equals("dead-letter")));
      if (!p.isAlive()) {
        assertThat(p.exitValue()).isEqualTo(137); // killed by the handler
        crashes++;
        continue;
      }
      dead = WatchProcess.lines(out).stream().filter(l -> l.path("type").asText().equals("dead-letter")).findFirst()
          .orElseThrow();
      Await.until("good 2", Duration.ofSeconds(30), () -> WatchProcess.lines(delivered).stream()
          .anyMatch(l -> l.path("subject").asText().equals("good 2")));
      p.destroy();
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(crashes).isEqualTo(2);
    assertThat(dead).isNotNull();
    assertThat(dead.path("kind").asText()).isEqualTo("rejected");
    assertThat(dead.path("attempts").asInt()).isEqualTo(2);
    assertThat(dead.path("reason").asText()).contains("never returned");
    assertThat(Files.readString(Path.of(dead.path("emlPath").asText()))).contains("Subject: poison");
    assertThat(stack.messageCount(stack.carol(), folder + "-quarantine")).isEqualTo(1);
    assertThat(WatchProcess.lines(delivered)).extracting(l -> l.path("subject").asText())
        .contains("good 1", "good 2").doesNotContain("poison");
  }
}
