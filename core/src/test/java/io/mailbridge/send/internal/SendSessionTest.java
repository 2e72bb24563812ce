package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.testkit.ScriptedSmtpServer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendSessionTest {
  private static Email mail(String subject) {
    return Email.builder().from("bob@example.com").to("alice@example.com").subject(subject).text("t").build();
  }

  @Test
  void sessionKeepsOneConnectionAcrossCallsAndReconnectsAfterClose() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "")) {
      Send send = Send.of(MailConnection.builder().outbound(TestEndpoints.of(server)).build());
      List<SendResult> results = new ArrayList<>();
      try (Send.Session session = send.session()) {
        session.send(List.of(mail("1"), mail("2")), results::add);
        session.send(List.of(mail("3")), results::add);
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.count("NOOP")).as("idle check before reuse").isEqualTo(1);
        session.close();
        session.send(List.of(mail("4")), results::add);
        assertThat(server.connections()).isEqualTo(2);
      }
      assertThat(results).extracting(SendResult::status).containsOnly(SendResult.Status.SENT).hasSize(4);
      assertThat(server.messagesReceived()).isEqualTo(4);
    }
  }

  @Test
  void plainSendStillClosesItsConnectionAfterTheBatch() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "")) {
      Send send = Send.of(MailConnection.builder().outbound(TestEndpoints.of(server)).build());
      send.send(List.of(mail("1")));
      send.send(List.of(mail("2")));
      assertThat(server.connections()).isEqualTo(2);
    }
  }
}
