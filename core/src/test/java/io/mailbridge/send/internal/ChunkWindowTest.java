package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendResult.Status;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.ScriptedSmtpServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Whole BDAT transactions in flight (CHUNKING with PIPELINING): each message goes once, results come
 * in order, and when the connection is lost every message whose data was written is reported with
 * an unknown outcome and never sent again, while a definite refusal is retried on its own.
 */
class ChunkWindowTest {
  private static final SendSettings CHUNKED = SendSettings.builder().maxAttempts(3).chunking(true)
      .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20)).build();

  private static Composer.Composed message(String subject) {
    Email e = Email.builder().from("bob@example.test").to("alice@example.test").subject(subject)
        .text("line one\nline two\n.\nend").build();
    Composer.validate(e, 0, "");
    Composer.Composed c = Composer.compose(e, "");
    c.message().render(c.sizeUpperBound(), ComposeAhead.RENDER_MAX_BYTES);
    return c;
  }

  private static ScriptedSmtpServer server(ScriptedSmtpServer.Script script) throws Exception {
    return new ScriptedSmtpServer(0, script).offering("PIPELINING", "CHUNKING").keepMessages();
  }

  /** Sends the batch as Send does: each message with the ones after it as the upcoming ones. */
  private static List<SendResult> sendAll(Transmitter t, Composer.Composed... m) {
    List<SendResult> out = new ArrayList<>();
    for (int i = 0; i < m.length; i++) {
      out.add(t.sendInBatch(m[i], i, Arrays.asList(m).subList(i + 1, m.length)));
    }
    return out;
  }

  private static Composer.Composed[] messages(int n) {
    Composer.Composed[] m = new Composer.Composed[n];
    for (int i = 0; i < n; i++) {
      m[i] = message("m" + i);
    }
    return m;
  }

  @Test
  void eachMessageGoesOnceAsOneBdatTransactionOverOneConnection() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), CHUNKED, false)) {
      List<SendResult> r = sendAll(t, messages(5));
      assertThat(r).extracting(SendResult::status).containsOnly(Status.SENT);
      assertThat(r).extracting(SendResult::attempts).containsOnly(1);
      assertThat(server.subjects()).containsExactly("m0", "m1", "m2", "m3", "m4");
      assertThat(server.count("BDAT")).isEqualTo(5);
      assertThat(server.count("DATA")).isZero();
      assertThat(server.connections()).isOne();
      // Line ends as the message was written, the lone "." line not stuffed (RFC 3030 2).
      assertThat(new String(server.messages().get(0), java.nio.charset.StandardCharsets.US_ASCII))
          .contains("line one\r\nline two\r\n.\r\nend");
    }
  }

  @Test
  void aConnectionLostWithMessagesInFlightReportsThemUnknownAndSendsNoneAgain() throws Exception {
    // The server drops the connection at the second message's end: every message behind it was
    // written already, so whether the server took them cannot be known.
    try (ScriptedSmtpServer server = server((c, e, n) -> e.equals("END") && n == 1 ? null : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), CHUNKED, false)) {
      List<SendResult> r = sendAll(t, messages(4));
      assertThat(r).extracting(SendResult::status)
          .containsExactly(Status.SENT, Status.UNKNOWN, Status.UNKNOWN, Status.UNKNOWN);
      assertThat(r.get(2).error().orElseThrow().isRetriable()).isFalse();
      assertThat(server.connections()).as("nothing sent again").isOne();
      assertThat(server.subjects()).containsExactly("m0");
    }
  }

  @Test
  void aTemporaryRefusalInTheWindowIsRetriedAloneAndEveryMessageArrivesOnce() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> e.equals("RCPT") && n == 1 ? "451 4.3.0 try later" : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), CHUNKED, false)) {
      List<SendResult> r = sendAll(t, messages(4));
      assertThat(r).extracting(SendResult::status).containsOnly(Status.SENT);
      assertThat(r).extracting(SendResult::attempts).containsExactly(1, 2, 1, 1);
      assertThat(server.subjects()).containsExactlyInAnyOrder("m0", "m1", "m2", "m3").hasSize(4);
      assertThat(server.connections()).isOne();
    }
  }

  @Test
  void aPermanentRefusalOfOneMessageLeavesTheOthersSent() throws Exception {
    try (ScriptedSmtpServer server = server((c, e, n) -> e.equals("END") && n == 1 ? "554 5.7.1 no" : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), CHUNKED, false)) {
      List<SendResult> r = sendAll(t, messages(4));
      assertThat(r).extracting(SendResult::status)
          .containsExactly(Status.SENT, Status.FAILED, Status.SENT, Status.SENT);
      assertThat(r.get(1).serverReply()).contains("554 5.7.1 no");
      assertThat(server.subjects()).containsExactly("m0", "m2", "m3");
      assertThat(server.connections()).isOne();
    }
  }

  @Test
  void aMessageWithNothingBehindItGoesOnItsOwnNotAsAWindowOfOne() throws Exception {
    // Alone in a window it would gain nothing, and Postfix can hold its final reply until the
    // client's delayed ACK: the envelope's replies come first, as without a window.
    try (ScriptedSmtpServer server = server((c, e, n) -> "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), CHUNKED, false)) {
      assertThat(t.send(message("alone"), 0).status()).isEqualTo(Status.SENT);
      assertThat(t.sendInBatch(message("last"), 1, List.of()).status()).isEqualTo(Status.SENT);
      assertThat(server.count("BDAT")).isEqualTo(2);
      assertThat(server.count("RSET")).isZero();
      assertThat(server.subjects()).containsExactly("alone", "last");
    }
  }
}
