package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendResult.Status;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.ScriptedSmtpServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The next message's envelope written behind a message's final "." (RFC 2920 3.1), and what
 * happens when the server refuses the message whose data went before it: never a second copy of
 * either message, never a definite refusal reported as an unknown outcome.
 */
class PipelinedAheadTest {
  private static final SendSettings FAST = SendSettings.builder().maxAttempts(3)
      .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20)).build();

  /** A batch message as the sender gets it: composed and written out ahead. */
  private static Composer.Composed message(String subject, String... to) {
    Email e = Email.builder().from("bob@example.test").to(to.length == 0 ? new String[] {"alice@example.test"} : to)
        .subject(subject).text("x").build();
    Composer.validate(e, 0, "");
    Composer.Composed c = Composer.compose(e, "");
    c.message().render(c.sizeUpperBound(), ComposeAhead.RENDER_MAX_BYTES);
    return c;
  }

  private static ScriptedSmtpServer server(ScriptedSmtpServer.Script script) throws Exception {
    return new ScriptedSmtpServer(0, script).offering("PIPELINING").keepMessages();
  }

  @Test
  void theNextEnvelopeLeavesBeforeTheFinalReplyIsRead() throws Exception {
    // The server answers the first two messages' "." only once the next command arrived: a client
    // that waited for that reply before writing the next MAIL FROM would run into the read timeout.
    try (ScriptedSmtpServer server = server((c, e, n) -> "").holdingFinalReplies(2)) {
      Endpoint endpoint = TestEndpoints.of(server).toBuilder().readTimeout(Duration.ofSeconds(3)).build();
      Composer.Composed[] m = {message("m0"), message("m1"), message("m2")};
      try (Transmitter t = new Transmitter(endpoint, FAST, false)) {
        for (int i = 0; i < 3; i++) {
          SendResult r = t.send(m[i], i, i < 2 ? m[i + 1] : null);
          assertThat(r.status()).as("message %d", i).isEqualTo(Status.SENT);
          assertThat(r.serverReply()).startsWith("250 2.0.0 Ok: queued as " + (i + 1));
        }
      }
      assertThat(server.subjects()).containsExactly("m0", "m1", "m2");
      assertThat(server.connections()).isOne();
      assertThat(server.count("RSET")).isZero();
    }
  }

  @Test
  void aPermanentRefusalOfTheDataIsReportedAndTheNextMessageGoesOnce() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> e.equals("END") && n == 0 ? "554 5.7.1 no" : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      Composer.Composed m0 = message("m0");
      Composer.Composed m1 = message("m1");
      SendResult r0 = t.send(m0, 0, m1);
      assertThat(r0.status()).isEqualTo(Status.FAILED);
      assertThat(r0.serverReply()).contains("554 5.7.1 no");
      assertThat(r0.attempts()).isOne();
      assertThat(r0.error().orElseThrow().isRetriable()).isFalse();
      assertThat(t.send(m1, 1, null).status()).isEqualTo(Status.SENT);
      assertThat(server.subjects()).containsExactly("m1");
      // m1's DATA had its 354 when m0 was refused: that transaction was cut off with the connection.
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.count("QUIT")).isZero();
    }
  }

  @Test
  void aTemporaryRefusalOfTheDataIsRetriedAndEachMessageArrivesOnce() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> e.equals("END") && n == 0 ? "451 4.3.0 queue full" : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      Composer.Composed m0 = message("m0");
      Composer.Composed m1 = message("m1");
      SendResult r0 = t.send(m0, 0, m1);
      assertThat(r0.status()).isEqualTo(Status.SENT);
      assertThat(r0.attempts()).isEqualTo(2);
      SendResult r1 = t.send(m1, 1, null);
      assertThat(r1.status()).isEqualTo(Status.SENT);
      assertThat(r1.attempts()).isOne();
      assertThat(server.subjects()).containsExactly("m0", "m1");
    }
  }

  @Test
  void aConnectionLostAfterTheDataLeavesThatMessageUnknownAndSendsTheNextOnANewConnection() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> e.equals("END") && c == 0 ? null : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      Composer.Composed m0 = message("m0");
      Composer.Composed m1 = message("m1");
      assertThat(t.send(m0, 0, m1).status()).isEqualTo(Status.UNKNOWN);
      assertThat(t.send(m1, 1, null).status()).isEqualTo(Status.SENT);
      assertThat(server.messagesReceived()).isEqualTo(2);
      assertThat(server.subjects()).containsExactly("m1");
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void theNextMessageRefusedAtItsEnvelopeFailsAloneOnTheSameConnection() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> "").recipients((a, n) -> a.startsWith("nobody")
        ? "550 5.1.1 no such user" : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      Composer.Composed m0 = message("m0");
      Composer.Composed m1 = message("m1", "nobody@example.test");
      Composer.Composed m2 = message("m2");
      assertThat(t.send(m0, 0, m1).status()).isEqualTo(Status.SENT);
      SendResult r1 = t.send(m1, 1, m2);
      assertThat(r1.status()).isEqualTo(Status.FAILED);
      assertThat(r1.rejected()).singleElement().satisfies(x -> assertThat(x.code()).isEqualTo(550));
      assertThat(t.send(m2, 2, null).status()).isEqualTo(Status.SENT);
      assertThat(server.subjects()).containsExactly("m0", "m2");
      assertThat(server.connections()).isOne();
    }
  }

  @Test
  void anotherMessageThanTheOneAnnouncedGoesOnANewConnection() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      Composer.Composed m0 = message("m0");
      Composer.Composed m1 = message("m1");
      assertThat(t.send(m0, 0, m1).status()).isEqualTo(Status.SENT);
      assertThat(t.send(message("other"), 1, null).status()).isEqualTo(Status.SENT);
      // m1's envelope (its 354 given) was abandoned with the first connection: m1 was never sent.
      assertThat(server.subjects()).containsExactly("m0", "other");
      assertThat(server.connections()).isEqualTo(2);
    }
  }
}
