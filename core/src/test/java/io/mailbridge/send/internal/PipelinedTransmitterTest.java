package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendResult.Status;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.ScriptedSmtpServer;
import java.time.Duration;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pipelined transactions (PIPELINING with DATA, and with CHUNKING/BDAT) against a scripted server
 * on a real socket: the same outcomes and at-most-once rules as one command at a time.
 */
class PipelinedTransmitterTest {
  private static final SendSettings FAST = SendSettings.builder().maxAttempts(3)
      .initialBackoff(Duration.ofMillis(5)).maxBackoff(Duration.ofMillis(20)).chunking(true).build();
  private static final String DATA = "PIPELINING";
  private static final String BDAT = "PIPELINING CHUNKING";

  private static Composer.Composed message(String subject, String... to) {
    Email e = Email.builder().from("bob@example.test").to(to.length == 0 ? new String[] {"alice@example.test"} : to)
        .subject(subject).text("x").build();
    Composer.validate(e, 0, "");
    return Composer.compose(e, "");
  }

  private static ScriptedSmtpServer server(String mode, ScriptedSmtpServer.Script script) throws Exception {
    return new ScriptedSmtpServer(0, script).offering(mode.split(" "));
  }

  private static SendResult sendOne(ScriptedSmtpServer server, Composer.Composed c) {
    try (Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      return t.send(c, 0);
    }
  }

  private static boolean chunking(String mode) {
    return mode.contains("CHUNKING");
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void envelopeGoesOutWithoutWaitingForReplies(String mode) throws Exception {
    // The server answers MAIL only once the next command arrived: a client waiting for each reply
    // would hit the read timeout instead.
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> "").holdingEnvelopeReplies()) {
      Endpoint endpoint = TestEndpoints.of(server).toBuilder().readTimeout(Duration.ofSeconds(5)).build();
      try (Transmitter t = new Transmitter(endpoint, FAST, false)) {
        for (int i = 0; i < 3; i++) {
          SendResult r = t.send(message("pipelined " + i, "alice@example.test", "carol@example.test"), i);
          assertThat(r.status()).isEqualTo(Status.SENT);
          assertThat(r.serverReply()).startsWith("250 2.0.0 Ok: queued as " + (i + 1));
        }
      }
      assertThat(server.messagesReceived()).isEqualTo(3);
      assertThat(server.connections()).isEqualTo(1);
      assertThat(server.count("RSET")).isZero();
      assertThat(server.count("DATA")).isEqualTo(chunking(mode) ? 0 : 3);
      assertThat(server.commands().stream().filter(c -> c.matches("BDAT \\d+ LAST")).count())
          .isEqualTo(chunking(mode) ? 3 : 0);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void oneRefusedRecipientLeavesTheOthersWithOneCopy(String mode) throws Exception {
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> "")
        .recipients((a, n) -> a.startsWith("gone") ? "550 5.1.1 no such user" : "")) {
      SendResult r = sendOne(server, message("partial", "alice@example.test", "gone@example.test",
          "carol@example.test"));
      assertThat(r.status()).isEqualTo(Status.PARTIAL);
      assertThat(r.accepted()).containsExactly("alice@example.test", "carol@example.test");
      assertThat(r.rejected()).extracting(SendResult.Rejection::address, SendResult.Rejection::code)
          .containsExactly(Tuple.tuple("gone@example.test", 550));
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(server.messagesReceived()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void temporarilyRefusedRecipientIsRetriedAlone(String mode) throws Exception {
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> "")
        .recipients((a, n) -> a.startsWith("busy") && n == 0 ? "450 4.2.1 mailbox busy" : "")) {
      SendResult r = sendOne(server, message("busy", "alice@example.test", "busy@example.test"));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(server.messagesReceived()).isEqualTo(2);
      assertThat(server.commands().stream().filter(c -> c.equals("RCPT TO:<alice@example.test>")).count()).isOne();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void everyRecipientRefusedFailsWithoutDeliveryAndTheBatchGoesOn(String mode) throws Exception {
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> "")
        .recipients((a, n) -> a.startsWith("gone") ? "550 5.1.1 no such user" : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      SendResult r = t.send(message("nobody", "gone@example.test", "gone2@example.test"), 0);
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(r.rejected()).extracting(SendResult.Rejection::code).containsExactly(550, 550);
      assertThat(r.error().orElseThrow().isRetriable()).isFalse();
      assertThat(server.messagesReceived()).isZero();
      assertThat(t.send(message("next"), 1).status()).isEqualTo(Status.SENT);
      assertThat(server.messagesReceived()).isEqualTo(1);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void refusalAtEachStepFailsOnceAndTheNextMessageGoesThrough(String mode) throws Exception {
    for (String event : chunking(mode) ? List.of("MAIL", "END") : List.of("MAIL", "DATA", "END")) {
      try (ScriptedSmtpServer server = server(mode, (c, e, n) -> e.equals(event) && n == 0 ? "554 5.7.1 no" : "");
          Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
        SendResult r = t.send(message("refused at " + event), 0);
        assertThat(r.status()).as(event).isEqualTo(Status.FAILED);
        assertThat(r.attempts()).as(event).isEqualTo(1);
        assertThat(r.serverReply()).as(event).contains("554 5.7.1 no");
        assertThat(r.error().orElseThrow().isRetriable()).as(event).isFalse();
        assertThat(t.send(message("next"), 1).status()).as(event).isEqualTo(Status.SENT);
        assertThat(server.connections()).as(event).isEqualTo(1);
        assertThat(server.count("RSET")).as(event).isOne();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void temporaryRefusalAfterTheDataIsRetried(String mode) throws Exception {
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> e.equals("END") && n == 0 ? "451 4.3.0 queue full" : "")) {
      SendResult r = sendOne(server, message("451 after data"));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void connectionLostAfterTheDataIsUnknownAndNeverResent(String mode) throws Exception {
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> e.equals("END") && c == 0 ? null : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      SendResult r = t.send(message("drop after data"), 0);
      assertThat(r.status()).isEqualTo(Status.UNKNOWN);
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(server.messagesReceived()).isEqualTo(1);
      assertThat(server.count("MAIL")).isEqualTo(1);
      SendResult next = t.send(message("next"), 1);
      assertThat(next.status()).isEqualTo(Status.SENT);
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.count("MAIL")).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void connectionLostAtTheEnvelopeIsRetriedSinceNoDataWasSent(String mode) throws Exception {
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> e.equals("RCPT") && c == 0 ? null : "")) {
      SendResult r = sendOne(server, message("drop at RCPT"));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(server.messagesReceived()).isEqualTo(1);
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void serverClosingWith421AtMailFromIsRetriedOnANewConnection(String mode) throws Exception {
    try (ScriptedSmtpServer server = server(mode, (c, e, n) ->
        e.equals("MAIL") && n == 0 ? "421 4.3.2 shutting down" : "")) {
      SendResult r = sendOne(server, message("421 at MAIL"));
      assertThat(r.status()).isEqualTo(Status.SENT);
      assertThat(r.attempts()).isEqualTo(2);
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.messagesReceived()).isEqualTo(1);
    }
  }

  @org.junit.jupiter.api.Test
  void aRefusedChunkEndsTheTransactionWithoutFurtherChunks() throws Exception {
    try (ScriptedSmtpServer server = server(BDAT, (c, e, n) -> e.equals("BDAT") && n == 0 ? "552 5.3.4 too big" : "")) {
      Email e = Email.builder().from("bob@example.test").to("alice@example.test").text("x")
          .attach(Attachment.stream(() -> new java.io.ByteArrayInputStream(new byte[Pipelined.CHUNK_BYTES * 2]))
              .name("big.bin")).build();
      Composer.validate(e, 0, "");
      SendResult r = sendOne(server, Composer.compose(e, ""));
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.serverReply()).contains("552 5.3.4");
      assertThat(r.attempts()).isEqualTo(1);
      assertThat(server.commands().stream().filter(c -> c.startsWith("BDAT")).toList())
          .containsExactly("BDAT " + Pipelined.CHUNK_BYTES);
      assertThat(server.count("RSET")).isOne();
      assertThat(server.messagesReceived()).isZero();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {DATA, BDAT})
  void aReplyNobodyAskedForIsNeverTakenForTheNextMessages(String mode) throws Exception {
    // After the first message the server answers twice: the extra "250" must not pass for the
    // reply to the next MAIL FROM. The connection is given up before anything is written.
    try (ScriptedSmtpServer server = server(mode, (c, e, n) -> e.equals("END") && n == 0
        ? "250 2.0.0 Ok: queued as 1\r\n250 2.0.0 Ok: queued as FAKE" : "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST, false)) {
      assertThat(t.send(message("first"), 0).status()).isEqualTo(Status.SENT);
      SendResult next = t.send(message("second"), 1);
      assertThat(next.status()).isEqualTo(Status.SENT);
      assertThat(next.serverReply()).doesNotContain("FAKE");
      assertThat(next.attempts()).isEqualTo(2);
      assertThat(server.connections()).isEqualTo(2);
      assertThat(server.messagesReceived()).isEqualTo(2);
    }
  }

  @org.junit.jupiter.api.Test
  void chunkingIsOnlyUsedWhenAskedFor() throws Exception {
    try (ScriptedSmtpServer server = server(BDAT, (c, e, n) -> "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST.toBuilder().chunking(false).build(), false)) {
      assertThat(t.send(message("pipelined DATA"), 0).status()).isEqualTo(Status.SENT);
      assertThat(server.count("DATA")).isOne();
      assertThat(server.count("BDAT")).isZero();
    }
  }

  @org.junit.jupiter.api.Test
  void pipeliningOffSendsOneCommandAtATime() throws Exception {
    try (ScriptedSmtpServer server = server(BDAT, (c, e, n) -> "");
        Transmitter t = new Transmitter(TestEndpoints.of(server), FAST.toBuilder().pipelining(false).build(), false)) {
      assertThat(t.send(message("no pipelining"), 0).status()).isEqualTo(Status.SENT);
      assertThat(server.count("DATA")).isOne();
      assertThat(server.count("BDAT")).isZero();
    }
  }
}
