package io.mailbridge.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.testkit.ScriptedSmtpServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What {@code Send.of(connection)} does with its default settings: a batch goes as BDAT
 * transactions in flight where the server offers CHUNKING and PIPELINING, and as DATA where it
 * offers less.
 */
class SendDefaultsTest {
  private static List<Email> batch() {
    List<Email> out = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      out.add(Email.builder().from("bob@example.test").to("alice@example.test").subject("m" + i)
          .text("Hi.\n.\nBye").build());
    }
    return out;
  }

  private static List<SendResult> send(ScriptedSmtpServer server) {
    return Send.of(MailConnection.builder().outbound(TestEndpoints.of(server)).build()).send(batch());
  }

  private static long bdatLast(ScriptedSmtpServer server) {
    return server.commands().stream().filter(c -> c.matches("BDAT \\d+ LAST")).count();
  }

  @Test
  void aBatchGoesAsBdatTransactionsWhereTheServerOffersChunkingAndPipelining() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "").offering("PIPELINING", "CHUNKING")
        .keepMessages()) {
      assertThat(send(server)).extracting(SendResult::status).containsOnly(SendResult.Status.SENT).hasSize(4);
      assertThat(bdatLast(server)).isEqualTo(4);
      assertThat(server.count("DATA")).isZero();
      assertThat(server.subjects()).containsExactly("m0", "m1", "m2", "m3");
      assertThat(server.connections()).isOne();
    }
  }

  @Test
  void aServerWithoutChunkingGetsData() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "").offering("PIPELINING")
        .keepMessages()) {
      assertThat(send(server)).extracting(SendResult::status).containsOnly(SendResult.Status.SENT).hasSize(4);
      assertThat(server.count("BDAT")).isZero();
      assertThat(server.count("DATA")).isEqualTo(4);
      assertThat(server.subjects()).containsExactly("m0", "m1", "m2", "m3");
    }
  }

  @Test
  void aServerWithChunkingButWithoutPipeliningGetsData() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "").offering("CHUNKING")
        .keepMessages()) {
      assertThat(send(server)).extracting(SendResult::status).containsOnly(SendResult.Status.SENT).hasSize(4);
      assertThat(server.count("BDAT")).isZero();
      assertThat(server.count("DATA")).isEqualTo(4);
      assertThat(server.subjects()).containsExactly("m0", "m1", "m2", "m3");
    }
  }
}
