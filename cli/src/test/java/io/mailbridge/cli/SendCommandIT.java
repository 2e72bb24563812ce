package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code mailbridge send} against the real stack, as bob, to bob only. */
@RealServer
class SendCommandIT {
  @TempDir
  Path dir;

  record Run(int exit, List<JsonNode> lines, String err) {}

  private Run run(MailStack stack, String stdin, String... args) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), stack.bob().password());
    List<String> all = new ArrayList<>(List.of("send", "--smtp-host", stack.host(), "--smtp-port",
        String.valueOf(stack.submissionPort()), "--smtp-security", "starttls", "--user", stack.bob().user(),
        "--password-file", pw.toString(), "--ca-file", stack.caFile()));
    all.addAll(List.of(args));
    InputStream saved = System.in;
    System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    try {
      CommandLine cl = MailbridgeCommand.commandLine();
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      int exit = cl.execute(all.toArray(String[]::new));
      List<JsonNode> lines = new ArrayList<>();
      for (String l : out.toString().split("\n")) {
        if (!l.isBlank()) {
          lines.add(Json.mapper().readTree(l));
        }
      }
      return new Run(exit, lines, err.toString());
    } finally {
      System.setIn(saved);
    }
  }

  @Test
  void sendsOneMessageFromFlagsAndPrintsItsTrackedProperties(MailStack stack) throws Exception {
    Path text = Files.writeString(dir.resolve("body.txt"), "Grüße ✓");
    Path html = Files.writeString(dir.resolve("body.html"), "<p>Grüße ✓</p>");
    Path pdf = Files.write(dir.resolve("report.pdf"), new byte[] {'%', 'P', 'D', 'F'});
    Path csv = Files.writeString(dir.resolve("data.csv"), "a,b\n");
    String subject = "cli " + UUID.randomUUID();
    Run r = run(stack, "", "--to", "bob@example.test", "--cc", "bob+cc@example.test", "--bcc", "bob+bcc@example.test",
        "--subject", subject, "--text-file", text.toString(), "--html-file", html.toString(),
        "--attach", pdf.toString(), "--attach", csv + ";type=text/csv;name=export.csv", "--header", "X-Run: cli");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.lines()).hasSize(1);
    JsonNode line = r.lines().get(0);
    assertThat(line.get("status").asText()).isEqualTo("SENT");
    assertThat(line.get("fromAddress").asText()).isEqualTo("bob@example.test");
    assertThat(line.get("subject").asText()).isEqualTo(subject);
    assertThat(line.get("messageId").asText()).endsWith("@example.test>");
    assertThat(line.get("toAddress").toString())
        .isEqualTo("[\"bob@example.test\",\"bob+cc@example.test\",\"bob+bcc@example.test\"]");
    assertThat(line.get("fileName").toString()).isEqualTo("[\"report.pdf\",\"export.csv\"]");
    // No type given for the PDF: the seed's application/binary.
    assertThat(line.get("contentType").toString()).isEqualTo("[\"application/binary\",\"text/csv\"]");
    assertThat(line.get("attachmentsCount").asInt()).isEqualTo(2);
    assertThat(line.get("serverReply").asText()).startsWith("250");

    Run guessed = run(stack, "", "--to", "bob@example.test", "--subject", subject + " auto", "--text", "x",
        "--attach", pdf.toString(), "--attach", csv.toString(), "--content-type", "auto");
    assertThat(guessed.exit()).as(guessed.err()).isZero();
    assertThat(guessed.lines().get(0).get("contentType").toString()).isEqualTo("[\"application/pdf\",\"text/csv\"]");
    Run fixed = run(stack, "", "--to", "bob@example.test", "--subject", subject + " fixed", "--text", "x",
        "--attach", pdf.toString(), "--content-type", "application/x-invoice");
    assertThat(fixed.lines().get(0).get("contentType").toString()).isEqualTo("[\"application/x-invoice\"]");
  }

  @Test
  void batchModeSendsEachJsonLineAndExitsThreeOnPartialFailure(MailStack stack) throws Exception {
    String run = UUID.randomUUID().toString();
    String stdin = "{\"to\":[\"bob@example.test\"],\"subject\":\"batch 1 " + run + "\",\"text\":\"one\"}\n"
        + "\n"
        + "{\"to\":\"bob@example.test\",\"cc\":[\"nobody-" + run + "@example.test\"],\"subject\":\"batch 2 " + run
        + "\",\"html\":\"<b>two</b>\",\"headers\":{\"X-Batch\":\"2\"},\"priority\":\"low\"}\n";
    Run r = run(stack, stdin, "--batch");
    assertThat(r.exit()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(r.lines()).hasSize(2);
    assertThat(r.lines().get(0).get("status").asText()).isEqualTo("SENT");
    assertThat(r.lines().get(1).get("status").asText()).isEqualTo("PARTIAL");
    assertThat(r.lines().get(1).get("accepted").toString()).isEqualTo("[\"bob@example.test\"]");
    assertThat(r.lines().get(1).get("rejected").get(0).get("code").asInt()).isEqualTo(550);
    assertThat(r.err()).contains("nobody-" + run);
  }

  @Test
  void aResendWithTheSameMessageIdIsReportedAlreadySentAndExitsZero(MailStack stack) throws Exception {
    String id = "<cli-resend." + UUID.randomUUID() + "@example.test>";
    String[] args = {"--imap-host", stack.host(), "--imap-port", String.valueOf(stack.imapsPort()), "--to",
        "bob@example.test", "--subject", "resend " + id, "--text", "once", "--message-id", id, "--copy-to-sent",
        "--skip-if-already-sent"};
    Run first = run(stack, "", args);
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.lines().get(0).get("status").asText()).isEqualTo("SENT");
    assertThat(first.lines().get(0).get("messageId").asText()).isEqualTo(id);
    Run again = run(stack, "", args);
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.lines()).hasSize(1);
    assertThat(again.lines().get(0).get("status").asText()).isEqualTo("ALREADY_SENT");
    assertThat(again.lines().get(0).get("messageId").asText()).isEqualTo(id);
    assertThat(again.lines().get(0).get("attempts").asInt()).isZero();
    assertThat(again.lines().get(0).has("serverReply")).isFalse();
  }

  @Test
  void aMessageWhoseSentCopyIsStillUnconfirmedIsNotSentAgainAndExitsThree(MailStack stack) throws Exception {
    // The copy a run killed between the server's acceptance and the confirmation leaves behind.
    String folder = "cli-sent-" + UUID.randomUUID();
    String id = "<cli-unconfirmed." + UUID.randomUUID() + "@example.test>";
    StackMailbox bob = StackMailbox.bob(stack);
    bob.reset(folder);
    try {
      bob.append(folder, List.of(("Message-ID: " + id + "\r\nSubject: x\r\n\r\nx\r\n")
          .getBytes(StandardCharsets.US_ASCII)), "\\Seen $MailbridgeUnconfirmed");
      Run r = run(stack, "", "--imap-host", stack.host(), "--imap-port", String.valueOf(stack.imapsPort()), "--to",
          "bob@example.test", "--subject", "unconfirmed " + id, "--text", "once", "--message-id", id,
          "--copy-to-sent", "--skip-if-already-sent", "--sent-folder", folder);
      assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.PARTIAL);
      JsonNode line = r.lines().get(0);
      assertThat(line.get("status").asText()).isEqualTo("UNKNOWN");
      assertThat(line.get("attempts").asInt()).isZero();
      assertThat(line.path("error").path("message").asText()).contains(folder).contains("$MailbridgeUnconfirmed")
          .contains("delete that copy");
      assertThat(stack.messageCount(stack.bob(), folder)).isEqualTo(1);
    } finally {
      bob.remove(folder);
    }
  }

  @Test
  void headerInjectionInABatchSendsNothingAndExitsFour(MailStack stack) throws Exception {
    String stdin = "{\"to\":[\"bob@example.test\"],\"subject\":\"fine\",\"text\":\"one\"}\n"
        + "{\"to\":[\"bob@example.test\"],\"subject\":\"evil\\r\\nBcc: carol@example.test\",\"text\":\"two\"}\n";
    Run r = run(stack, stdin, "--batch");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.lines()).isEmpty();
    assertThat(r.err()).contains("message 2: subject contains a line break");
  }

  @Test
  void missingAttachmentIsBadInput(MailStack stack) throws Exception {
    Run r = run(stack, "", "--to", "bob@example.test", "--attach", dir.resolve("missing.pdf").toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("attachments[0] file").contains("does not exist");
  }

  @Test
  void aBatchOpensItsConnectionWhileStdinIsStillOpenAndSendsOverIt(MailStack stack) throws Exception {
    String run = UUID.randomUUID().toString();
    Path pw = Files.writeString(dir.resolve("pw"), stack.bob().password());
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.submissionPort())) {
      PipedSend send = PipedSend.start("--smtp-host", stack.host(), "--smtp-port", String.valueOf(proxy.port()),
          "--smtp-security", "starttls", "--user", stack.bob().user(), "--password-file", pw.toString(), "--ca-file",
          stack.caFile(), "--batch");
      send.write("{\"to\":\"bob@example.test\",\"subject\":\"early 1 " + run + "\",\"text\":\"one\"}\n");
      Await.until("STARTTLS with stdin still open", Duration.ofSeconds(30),
          () -> proxy.clientSent().contains("STARTTLS"));
      send.write("{\"to\":\"bob@example.test\",\"subject\":\"early 2 " + run + "\",\"text\":\"two\"}\n");
      assertThat(send.end(Duration.ofSeconds(60))).as(send.err().toString()).isZero();
      assertThat(send.out().toString().lines()).hasSize(2).allMatch(l -> l.contains("\"SENT\""));
      assertThat(proxy.connections()).as("the connection opened early carried the batch").isEqualTo(1);
    }
  }
}
