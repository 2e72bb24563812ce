package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.BadInputException;
import io.mailbridge.TestEndpoints;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendResult.Status;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.ScriptedSmtpServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Retry and at-most-once rules, against a scripted SMTP server on a real socket. */
class TransmitterTest {
  private static final SendSettings FAST = SendSettings.builder().maxAttempts(3)
      .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20)).build();

  private static Composer.Composed message(String subject) {
    Email e = Email.builder().from("bob@example.test").to("alice@example.test").subject(subject).text("x").build();
    Composer.validate(e, 0, "");
    return Composer.compose(e, "");
  }

  private static SendResult sendOne(ScriptedSmtpServer server, Composer.Composed c) {
    try (Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      return t.send(c, 0);
    }
  }

  @Test
  void temporaryRefusalBeforeDataIsRetriedAfterRset() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) ->
        event.equals("MAIL") && n == 0 ? "451 4.3.0 try again later" : "")) {
      SendResult r = sendOne(server, message("451 once"));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(server.messagesReceived()).isEqualTo(1);
      assertThat(server.count("RSET")).isEqualTo(1);
      assertThat(server.count("MAIL")).isEqualTo(2);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void connectionDroppedBeforeDataIsRetriedOnANewConnection() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) ->
        event.equals("RCPT") && conn == 0 ? null : "")) {
      SendResult r = sendOne(server, message("drop at RCPT"));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.messagesReceived()).isEqualTo(1);
    }
  }

  @Test
  void connectionLostAfterTheDataIsUnknownAndNeverResent() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) ->
        event.equals("END") && conn == 0 ? null : "")) {
      try (Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
        SendResult r = t.send(message("drop after dot"), 0);
        assertThat(r.status()).isEqualTo(Status.UNKNOWN);
        assertThat(r.attempts()).isEqualTo(1);
        assertThat(r.error().orElseThrow().getMessage()).contains("may or may not have been delivered");
        assertThat(server.messagesReceived()).isEqualTo(1);
        assertThat(server.count("MAIL")).isEqualTo(1);
        // The batch goes on with the next message on a new connection.
        SendResult next = t.send(message("next"), 1);
        assertThat(next.status()).isEqualTo(Status.SENT);
        assertThat(server.messagesReceived()).isEqualTo(2);
        assertThat(server.connections()).isEqualTo(2);
      }
    }
  }

  @Test
  void permanentRefusalOfTheDataIsNotRetried() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) ->
        event.equals("END") ? "554 5.7.1 rejected as spam" : "")) {
      SendResult r = sendOne(server, message("spam"));
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.serverReply()).contains("554 5.7.1");
      assertThat(r.error().orElseThrow().isRetriable()).isFalse();
      assertThat(server.messagesReceived()).isEqualTo(1);
    }
  }

  @Test
  void definiteTemporaryRefusalOfTheDataIsRetried() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) ->
        event.equals("END") && n == 0 ? "451 4.3.0 queue full" : "")) {
      SendResult r = sendOne(server, message("451 after dot"));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
    }
  }

  @Test
  void retriesAreBoundedAndTheLastErrorIsRetriable() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) ->
        event.equals("RCPT") ? "450 4.2.0 mailbox busy" : "")) {
      SendResult r = sendOne(server, message("always busy"));
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.attempts()).isEqualTo(3);
      assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.code()).isEqualTo(450));
      assertThat(r.error().orElseThrow().isRetriable()).isTrue();
      assertThat(server.messagesReceived()).isZero();
    }
  }

  @Test
  void temporarilyRefusedRecipientsAreRetriedAloneSoOthersGetOneCopy() throws Exception {
    Email e = Email.builder().from("bob@example.test").to("alice@example.test", "busy@example.test").text("x").build();
    Composer.validate(e, 0, "");
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "")
        .recipients((address, n) -> address.startsWith("busy") && n == 0 ? "450 4.2.1 mailbox busy" : "")) {
      SendResult r = sendOne(server, Composer.compose(e, ""));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(r.accepted()).containsExactly("alice@example.test", "busy@example.test");
      assertThat(server.messagesReceived()).isEqualTo(2);
      assertThat(server.commands().stream().filter(c -> c.equals("RCPT TO:<alice@example.test>")).count()).isOne();
    }
  }

  @Test
  void aServerUnreachableForTheRetryOfSomeRecipientsLeavesAPartialResultNotAnError() throws Exception {
    Email e = Email.builder().from("bob@example.test").to("alice@example.test", "busy@example.test").text("x").build();
    Composer.validate(e, 0, "");
    java.util.concurrent.atomic.AtomicReference<io.mailbridge.testkit.FaultProxy> proxy =
        new java.util.concurrent.atomic.AtomicReference<>();
    // alice@ gets the message on the first connection; then the server goes away for the retry of busy@.
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> {
      if (event.equals("END")) {
        proxy.get().refuse(true);
        return ScriptedSmtpServer.thenClose("250 2.0.0 queued");
      }
      return "";
    }).recipients((address, n) -> address.startsWith("busy") ? "450 4.2.1 mailbox busy" : "");
        io.mailbridge.testkit.FaultProxy p = io.mailbridge.testkit.FaultProxy.to("127.0.0.1", server.port())) {
      proxy.set(p);
      SendResult r;
      try (Transmitter t = new Transmitter(TestEndpoints.plainSmtp(p.port()), FAST, false)) {
        r = t.send(Composer.compose(e, ""), 0);
      }
      // A thrown error would tell the caller nothing was sent, and alice@ would get a second copy.
      assertThat(r.status()).isEqualTo(Status.PARTIAL);
      assertThat(r.accepted()).containsExactly("alice@example.test");
      assertThat(r.rejected()).extracting(SendResult.Rejection::address).containsExactly("busy@example.test");
      assertThat(server.messagesReceived()).isEqualTo(1);
    }
  }

  @Test
  void recipientsStillRefusedAfterTheLastAttemptAreReportedWithTheirCode() throws Exception {
    Email e = Email.builder().from("bob@example.test").to("alice@example.test", "busy@example.test",
        "gone@example.test").text("x").build();
    Composer.validate(e, 0, "");
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "")
        .recipients((address, n) -> address.startsWith("busy") ? "450 4.2.1 mailbox busy"
            : address.startsWith("gone") ? "550 5.1.1 no such user" : "")) {
      SendResult r = sendOne(server, Composer.compose(e, ""));
      assertThat(r.status()).isEqualTo(Status.PARTIAL);
      assertThat(r.attempts()).isEqualTo(3);
      assertThat(r.accepted()).containsExactly("alice@example.test");
      assertThat(r.rejected()).extracting(SendResult.Rejection::address, SendResult.Rejection::code)
          .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("busy@example.test", 450),
              org.assertj.core.groups.Tuple.tuple("gone@example.test", 550));
      assertThat(r.error().orElseThrow().isRetriable()).isTrue();
      // gone@ is not asked again; busy@ is asked on every attempt
      assertThat(server.commands().stream().filter(c -> c.equals("RCPT TO:<gone@example.test>")).count()).isOne();
      assertThat(server.commands().stream().filter(c -> c.equals("RCPT TO:<busy@example.test>")).count()).isEqualTo(3);
      assertThat(server.messagesReceived()).isEqualTo(1);
    }
  }

  @Test
  void aBatchUsesOneConnectionAndNoRsetBetweenCompletedTransactions() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      for (int i = 0; i < 5; i++) {
        assertThat(t.send(message("batch " + i), i).status()).isEqualTo(Status.SENT);
      }
      assertThat(server.connections()).isEqualTo(1);
      assertThat(server.count("EHLO")).isEqualTo(1);
      assertThat(server.count("MAIL")).isEqualTo(5);
      assertThat(server.count("RSET")).isZero();
    }
  }

  @Test
  void afterARefusalAtAnyStepTheNextMessageOfTheBatchGoesThrough() throws Exception {
    for (String event : new String[] {"MAIL", "RCPT", "DATA", "END"}) {
      try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, e, n) ->
          e.equals(event) && n == 0 ? "554 5.7.1 no" : "");
          Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
        assertThat(t.send(message("refused at " + event), 0).status()).as(event).isEqualTo(Status.FAILED);
        assertThat(t.send(message("next"), 1).status()).as(event).isEqualTo(Status.SENT);
        assertThat(server.connections()).as(event).isEqualTo(1);
      }
    }
  }

  @Test
  void internationalizedAddressNeedsSmtpUtf8AndIsRefusedBeforeMailWithoutIt() throws Exception {
    Email e = Email.builder().from("bob@example.test").to("jürgen@exämple.test").text("x").build();
    Composer.validate(e, 0, "");
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false, true)) {
      SendResult r = t.send(Composer.compose(e, ""), 0);
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.error().orElseThrow()).isInstanceOf(BadInputException.class).hasMessageContaining("SMTPUTF8");
      assertThat(server.count("MAIL")).isZero();
    }
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "").offering("SMTPUTF8");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false, true)) {
      assertThat(t.send(Composer.compose(e, ""), 0).status()).isEqualTo(Status.SENT);
      assertThat(server.commands()).contains("MAIL FROM:<bob@example.test> SMTPUTF8", "RCPT TO:<jürgen@exämple.test>");
    }
  }

  @Test
  void plainBatchesNeverAskForSmtpUtf8() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (conn, event, n) -> "").offering("SMTPUTF8");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      assertThat(t.send(message("ascii"), 0).status()).isEqualTo(Status.SENT);
      assertThat(server.commands()).contains("MAIL FROM:<bob@example.test>");
    }
  }

  @Test
  void messageOverTheServersSizeLimitFailsBeforeMailFrom() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(10_000, (conn, event, n) -> "")) {
      Email e = Email.builder().from("bob@example.test").to("alice@example.test").text("x")
          .attach(Attachment.stream(() -> new java.io.ByteArrayInputStream(new byte[20_000])).name("big.bin")).build();
      Composer.validate(e, 0, "");
      SendResult r = sendOne(server, Composer.compose(e, ""));
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.error().orElseThrow()).isInstanceOf(BadInputException.class)
          .hasMessageContaining("over the server's SIZE limit of 10000 bytes").hasMessageContaining("nothing was sent");
      assertThat(server.count("MAIL")).isZero();
    }
  }
}
