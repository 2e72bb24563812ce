package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.ScriptedSmtpServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code send --batch} sends its messages as BDAT transactions where the server offers CHUNKING and
 * PIPELINING; {@code --no-chunking} and {@code --no-pipelining} keep to DATA.
 */
class SendChunkingCliTest {
  @TempDir
  Path dir;

  @Test
  void aBatchGoesAsBdatWhereTheServerOffersChunking() throws Exception {
    try (ScriptedSmtpServer s = server()) {
      send(s);
      assertThat(s.count("BDAT")).isEqualTo(3);
      assertThat(s.count("DATA")).isZero();
      assertThat(s.subjects()).containsExactly("m0", "m1", "m2");
      assertThat(s.connections()).isOne();
    }
  }

  @Test
  void noChunkingSendsData() throws Exception {
    try (ScriptedSmtpServer s = server()) {
      send(s, "--no-chunking");
      assertThat(s.count("BDAT")).isZero();
      assertThat(s.count("DATA")).isEqualTo(3);
      assertThat(s.subjects()).containsExactly("m0", "m1", "m2");
    }
  }

  @Test
  void noPipeliningSendsData() throws Exception {
    try (ScriptedSmtpServer s = server()) {
      send(s, "--no-pipelining");
      assertThat(s.count("BDAT")).isZero();
      assertThat(s.count("DATA")).isEqualTo(3);
    }
  }

  private static ScriptedSmtpServer server() throws Exception {
    return new ScriptedSmtpServer(0, (c, e, n) -> "").offering("PIPELINING", "CHUNKING", "AUTH PLAIN").keepMessages();
  }

  private void send(ScriptedSmtpServer s, String... more) throws Exception {
    Files.writeString(dir.resolve("pw"), "pw\n");
    StringBuilder batch = new StringBuilder();
    for (int i = 0; i < 3; i++) {
      batch.append("{\"to\":\"alice@scripted.test\",\"subject\":\"m").append(i).append("\",\"text\":\"Hi.\\n.\\nBye\"}\n");
    }
    CommandLine cl = MailbridgeCommand.commandLine();
    ((SendCommand) cl.getSubcommands().get("send").getCommand()).stdin =
        new ByteArrayInputStream(batch.toString().getBytes(StandardCharsets.UTF_8));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> args = new ArrayList<>(List.of("send", "--smtp-host", s.host(), "--smtp-port",
        Integer.toString(s.port()), "--smtp-security", "none", "--allow-plaintext", "--user", "bob@scripted.test",
        "--password-file", dir.resolve("pw").toString(), "--journal", "off", "--batch"));
    args.addAll(List.of(more));
    int exit = cl.execute(args.toArray(String[]::new));
    assertThat(exit).as(err.toString()).isZero();
    assertThat(out.toString().lines()).hasSize(3).allMatch(l -> l.contains("\"SENT\""));
  }
}
