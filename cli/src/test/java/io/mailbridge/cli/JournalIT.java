package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "What happened to invoice 42": receive with attachments into the cache and --then move, a move by
 * UID, then `mailbridge report` and `cache export` by the Message-ID, against the real Dovecot as
 * carol (folders {@code jr-*}).
 */
@RealServer
class JournalIT {
  @TempDir Path tmp;

  private static final String ID = "<invoice-42@billing.example.test>";

  private static byte[] invoice() {
    return ("From: Billing <billing@example.test>\r\nTo: carol@example.test\r\nSubject: Invoice 42\r\n"
        + "Message-ID: " + ID + "\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + "--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"invoice-42.pdf\"\r\n\r\n"
        + "%PDF-42\r\n--b--\r\n").getBytes(StandardCharsets.UTF_8);
  }

  private List<String> login(MailStack stack) throws Exception {
    Path pw = Files.writeString(tmp.resolve("pw"), stack.carol().password() + "\n");
    return List.of("--imap-host", stack.host(), "--imap-port", String.valueOf(stack.imapsPort()), "--user",
        stack.carol().user(), "--password-file", pw.toString(), "--ca-file", stack.caFile());
  }

  private static Cli run(List<String> login, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(login);
    return Cli.run(all.toArray(String[]::new));
  }

  @Test
  void receiveThenMoveIsFoundByMessageIdAndItsAttachmentsExportedByIt(MailStack stack) throws Exception {
    String inbox = "jr-in";
    String done = "jr-done";
    stack.resetFolder(stack.carol(), inbox);
    try {
      stack.doveadm("mailbox", "delete", "-u", stack.carol().user(), "-s", done);
    } catch (IllegalStateException absent) {
      // not there
    }
    try (ImapSeeder s = StackMailbox.carol(stack).seeder()) {
      s.append(inbox, List.of(invoice()), "");
    }
    List<String> login = login(stack);
    Path journal = tmp.resolve("state/journal.db");
    Path cache = tmp.resolve("cache");

    // The target is missing: the advice names the command line's ways out, nothing is received.
    Cli missing = run(login, "receive", "--folder", inbox, "--cache-dir", cache.toString(), "--then", "move:" + done,
        "--journal", journal.toString());
    assertThat(missing.exit()).as(missing.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(missing.err()).contains("folder '" + done + "' does not exist",
        "`mailbridge folders create " + done + "`", "--create-target").doesNotContain("moveTo(");
    assertThat(missing.out()).isBlank();

    Cli received = run(login, "receive", "--folder", inbox, "--cache-dir", cache.toString(), "--then", "move:" + done,
        "--create-target", "--journal", journal.toString());
    assertThat(received.exit()).as(received.err()).isZero();
    JsonNode line = CliTest.lines(received.out()).get(0);
    assertThat(stack.messageCount(stack.carol(), done)).isEqualTo(1);

    Cli back = run(login, "move", "--from", done, "--to", inbox, "--uids", "1", "--journal", journal.toString());
    assertThat(back.exit()).as(back.err()).isZero();
    JsonNode moved = CliTest.lines(back.out()).get(0);
    assertThat(moved.path("fromFolder").asText()).isEqualTo(done);
    assertThat(moved.path("folder").asText()).isEqualTo(inbox);
    assertThat(moved.path("status").asText()).isEqualTo("moved");

    Cli report = Cli.run("report", "--journal", journal.toString(), "--message-id", ID);
    assertThat(report.exit()).as(report.err()).isZero();
    List<JsonNode> story = CliTest.lines(report.out());
    assertThat(story).extracting(n -> n.path("operation").asText() + ":" + n.path("outcome").asText())
        .containsExactly("receive:received", "move:moved");
    JsonNode r0 = story.get(0);
    assertThat(r0.path("subject").asText()).isEqualTo("Invoice 42");
    assertThat(r0.path("folder").asText()).isEqualTo(inbox);
    assertThat(r0.path("key").asText()).isEqualTo(line.path("key").asText());
    assertThat(r0.path("cacheKeys").get(0).asText()).isEqualTo(line.path("attachments").get(0).path("cacheKey").asText());
    assertThat(r0.path("cacheDir").asText()).isEqualTo(cache.toAbsolutePath().normalize().toString());
    assertThat(r0.path("fileName").get(0).asText()).isEqualTo("invoice-42.pdf");
    assertThat(r0.has("text")).as("no body in the journal").isFalse();
    assertThat(story.get(1).path("fromFolder").asText()).isEqualTo(inbox);
    assertThat(story.get(1).path("folder").asText()).isEqualTo(done);
    // The move by UID names the message by its key in jr-done, not by its Message-ID.
    assertThat(CliTest.lines(Cli.run("report", "--journal", journal.toString(), "--folder", done, "--operation",
        "move").out())).hasSize(2);

    Cli table = Cli.run("report", "--journal", journal.toString(), "--message-id", ID, "--format", "table");
    assertThat(table.out()).contains("received from " + inbox, "1 attachment(s) in the cache at " + cache.toAbsolutePath(),
        "moved " + inbox + " -> " + done);

    Cli export = Cli.run("cache", "export", "--cache-dir", cache.toString(), "--message-id", ID, "--to",
        tmp.resolve("out").toString());
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(Files.readString(tmp.resolve("out/invoice-42.pdf"))).isEqualTo("%PDF-42");
  }

  @Test
  void withoutTheFlagTheJournalGoesToTheUsersStateDirectoryAndOffWritesNone(MailStack stack) throws Exception {
    Path jar = Path.of("target", "mailbridge.jar");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jar), "needs the packaged CLI (mvn verify)");
    stack.resetFolder(stack.carol(), "jr-default");
    try (ImapSeeder s = StackMailbox.carol(stack).seeder()) {
      s.append("jr-default", List.of(invoice()), "");
    }
    Path state = tmp.resolve("xdg-state");
    for (String journal : new String[] {null, "off"}) {
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", jar.toString(), "receive", "--folder", "jr-default", "--no-body"));
      cmd.addAll(login(stack));
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
      pb.environment().put("XDG_STATE_HOME", state.toAbsolutePath().toString());
      if (journal == null) {
        pb.environment().remove("MAILBRIDGE_JOURNAL");
      } else {
        pb.environment().put("MAILBRIDGE_JOURNAL", journal);
      }
      Process p = pb.start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(out).isZero();
      Path file = state.resolve("mailbridge/journal.db");
      if (journal == null) {
        assertThat(file).exists();
        assertThat(CliTest.lines(Cli.run("report", "--journal", file.toString()).out())).hasSize(1);
        Files.move(file, tmp.resolve("kept.db"));
        Files.deleteIfExists(state.resolve("mailbridge/journal.db-wal"));
        Files.deleteIfExists(state.resolve("mailbridge/journal.db-shm"));
      } else {
        assertThat(file).doesNotExist();
      }
    }
  }

  @Test
  void watchJournalsItsThenActionOncePerMessageAfterTheServerDidIt(MailStack stack) throws Exception {
    stack.resetFolder(stack.carol(), "jr-watch");
    stack.resetFolder(stack.carol(), "jr-watch-done");
    WatchProcess w = new WatchProcess(stack, tmp);
    w.append("jr-watch", List.of(WatchProcess.message("w1", "<w1@jr.test>"), WatchProcess.message("w2", "<w2@jr.test>")));
    Path journal = tmp.resolve("watch.db");
    Path out = tmp.resolve("watch.jsonl");
    Process p = w.start(out, "--folder", "jr-watch", "--start", "all", "--then", "move:jr-watch-done", "--no-body",
        "--journal", journal.toString());
    try {
      Await.until("2 moved", Duration.ofSeconds(20), () -> stack.messageCount(stack.carol(), "jr-watch-done") == 2);
      w.append("jr-watch", List.of(WatchProcess.message("w3", "<w3@jr.test>")));
      Await.until("3 moved", Duration.ofSeconds(20), () -> stack.messageCount(stack.carol(), "jr-watch-done") == 3);
    } finally {
      p.destroy(); // SIGTERM: the shutdown hook writes what the journal holds
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    for (String id : List.of("<w1@jr.test>", "<w2@jr.test>", "<w3@jr.test>")) {
      List<JsonNode> story = CliTest.lines(Cli.run("report", "--journal", journal.toString(), "--message-id", id).out());
      assertThat(story).as(id).extracting(n -> n.path("operation").asText() + ":" + n.path("outcome").asText())
          .containsExactly("watch:received", "move:moved");
      JsonNode moved = story.get(1);
      assertThat(moved.path("fromFolder").asText()).isEqualTo("jr-watch");
      assertThat(moved.path("folder").asText()).isEqualTo("jr-watch-done");
      assertThat(moved.path("key").asText()).isEqualTo(story.get(0).path("key").asText());
      assertThat(moved.path("reason").asText()).isEqualTo("--then move:jr-watch-done");
    }
  }
}
