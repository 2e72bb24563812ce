package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealServer
class ReceiveCommandIT {
  @TempDir Path tmp;

  private List<JsonNode> run(MailStack stack, StringWriter err, String... args) throws Exception {
    Path pw = Files.writeString(tmp.resolve("pw"), stack.alice().password() + "\n");
    List<String> all = new ArrayList<>(List.of("receive", "--imap-host", stack.host(), "--imap-port",
        Integer.toString(stack.imapsPort()), "--user", stack.alice().user(), "--password-file", pw.toString(),
        "--ca-file", stack.caFile()));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    var cl = MailbridgeCommand.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(all.toArray(String[]::new));
    assertThat(exit).as(err.toString()).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : out.toString().split("\n")) {
      if (!line.isBlank()) {
        lines.add(Json.mapper().readTree(line));
      }
    }
    return lines;
  }

  @Test
  void printsOneJsonLinePerMatchingMessageWithAttachmentPathsThenMoves(MailStack stack) throws Exception {
    String folder = "rcv-cli";
    String archive = "rcv-cli-archive";
    stack.resetFolder(stack.alice(), folder);
    stack.resetFolder(stack.alice(), archive);
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(folder, List.of(
          TestMessages.withAttachment("invoices@shop.example", "alice@example.test", "Invoice 7", "inv.pdf", new byte[] {1, 2, 3}),
          TestMessages.plain("friend@x.example", "alice@example.test", "Hello", 100),
          TestMessages.plain("invoices@shop.example", "alice@example.test", "Invoice 8", 100)), "");
    }
    StringWriter err = new StringWriter();
    List<JsonNode> docs = run(stack, err, "--folder", folder, "--unread", "--from", "invoices@", "--subject",
        "Invoice", "--since", "2020-01-01", "--max", "100", "--cache-dir", tmp.resolve("att").toString(), "--then",
        "move:" + archive);
    assertThat(docs).extracting(d -> d.get("subject").asText()).containsExactly("Invoice 7", "Invoice 8");
    JsonNode first = docs.get(0);
    assertThat(first.get("fromAddress").asText()).isEqualTo("invoices@shop.example");
    assertThat(first.get("attachmentsCount").asInt()).isEqualTo(1);
    assertThat(first.get("fileName").get(0).asText()).isEqualTo("inv.pdf");
    JsonNode att = first.get("attachments").get(0);
    assertThat(Files.readAllBytes(Path.of(att.get("path").asText()))).containsExactly(1, 2, 3);
    assertThat(att.get("cacheKey").asText()).isNotBlank();
    assertThat(first.get("key").asText()).startsWith("imap://");
    assertThat(err.toString()).doesNotContain("receiving"); // no progress output when not on a terminal
    assertThat(stack.messageCount(stack.alice(), archive)).isEqualTo(2);
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(1);
  }

  @Test
  void savesRawMessagesWithFormatEml(MailStack stack) throws Exception {
    String folder = "rcv-cli-eml";
    stack.resetFolder(stack.alice(), folder);
    byte[] raw = TestMessages.plain("a@example.com", "alice@example.test", "raw", 300);
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(folder, List.of(raw), "");
    }
    List<JsonNode> docs = run(stack, new StringWriter(), "--folder", folder, "--format", "eml", "--out",
        tmp.resolve("eml").toString());
    assertThat(Files.readAllBytes(Path.of(docs.get(0).get("emlPath").asText()))).isEqualTo(raw);
  }
}
