package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendResult.Status;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.eclipse.angus.mail.util.CRLFOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Pipelined sending (PIPELINING with DATA, and with BDAT: Postfix offers CHUNKING) against the real stack:
 * what Dovecot stores is byte for byte what the unpipelined path delivers, and refusals in the
 * middle of a pipeline get the same outcomes.
 */
@RealServer
class PipelinedSendIT {
  private static final SendSettings ON = SendSettings.builder().chunking(false).build();
  private static final SendSettings OFF = SendSettings.builder().pipelining(false).build();
  private static final SendSettings BDAT = SendSettings.defaults();

  private static Composer.Composed compose(Email e) {
    Composer.validate(e, 0, "bob@example.test");
    return Composer.compose(e, "bob@example.test");
  }

  /** The message as the SMTP data carries it: Jakarta's bytes with CRLF line ends, ending in CRLF. */
  private static byte[] wireBytes(Composer.Composed c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CRLFOutputStream crlf = new CRLFOutputStream(out);
    c.message().writeTo(crlf);
    byte[] b = out.toByteArray();
    if (b.length < 2 || b[b.length - 2] != '\r' || b[b.length - 1] != '\n') {
      out.write(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }

  @Test
  void pipelinedAndChunkedMessagesArriveByteForByteAsUnpipelinedOnes(MailStack stack) throws Exception {
    String run = UUID.randomUUID().toString();
    byte[] big = new byte[Pipelined.CHUNK_BYTES + 123_457]; // base64 makes it several BDAT chunks
    new Random(7).nextBytes(big);
    List<Email> emails = List.of(
        Email.builder().to("bob@example.test").subject("dots " + run)
            .text(".\r\n..two dots\n.\nbare LF\rbare CR\r\nlast line without end").build(),
        Email.builder().to("bob@example.test").subject("umlaut " + run).text("Grüße, ünïcödé\r\n.\r\n")
            .attach(Attachment.bytes(new byte[] {0, '.', '\r', '\n', '.'}).name("dots.bin")).build(),
        Email.builder().to("bob@example.test").subject("big " + run).text("big")
            .attach(Attachment.bytes(big).name("big.bin")).build());
    for (Email e : emails) {
      Composer.Composed c = compose(e);
      byte[] expected = wireBytes(c);
      List<String> traces = new ArrayList<>();
      for (SendSettings s : List.of(OFF, ON, BDAT)) {
        try (Transmitter t = new Transmitter(TestEndpoints.submission(stack, stack.bob()), s, true)) {
          SendResult r = t.send(c, 0);
          assertThat(r.status()).isEqualTo(Status.SENT);
          traces.add(String.join("\n", t.client().orElseThrow().trace().lines()));
        }
      }
      assertThat(traces.get(0)).doesNotContain("BDAT").contains("\nDATA");
      assertThat(traces.get(1)).doesNotContain("BDAT").contains("\nDATA");
      assertThat(traces.get(2)).contains(" LAST");
      List<byte[]> copies = StackMailbox.bob(stack).fetch("INBOX", c.properties().messageId(), 3);
      assertThat(copies).hasSize(3);
      for (byte[] raw : copies) {
        // Postfix and Dovecot put their trace fields (Return-Path, Received...) in front of it.
        assertThat(endsWith(raw, expected)).as(e.subject() + ": stored bytes end with the sent ones").isTrue();
      }
    }
  }

  @Test
  void aRecipientRefusedInThePipelineLeavesTheOthersWithOneCopy(MailStack stack) throws Exception {
    String run = UUID.randomUUID().toString();
    Composer.Composed c = compose(Email.builder().to("bob@example.test", "nosuchuser@example.test")
        .cc("bob+cc@example.test").subject("partial " + run).text("x").build());
    try (Transmitter t = new Transmitter(TestEndpoints.submission(stack, stack.bob()), BDAT, true)) {
      SendResult r = t.send(c, 0);
      assertThat(r.status()).isEqualTo(Status.PARTIAL);
      assertThat(r.accepted()).containsExactly("bob@example.test", "bob+cc@example.test");
      assertThat(r.rejected()).singleElement().satisfies(x -> {
        assertThat(x.address()).isEqualTo("nosuchuser@example.test");
        assertThat(x.code()).isEqualTo(550);
      });
      assertThat(r.attempts()).isEqualTo(1);
      // The next message goes over the same connection.
      SendResult next = t.send(compose(Email.builder().to("bob@example.test").subject("after " + run).text("y")
          .build()), 1);
      assertThat(next.status()).isEqualTo(Status.SENT);
      assertThat(t.client().orElseThrow().trace().lines().stream().filter(l -> l.startsWith("EHLO")).count())
          .isEqualTo(2); // before and after STARTTLS: one connection
    }
    assertThat(StackMailbox.bob(stack).fetch("INBOX", c.properties().messageId(), 2)).hasSize(2);
  }

  @Test
  void everyRecipientRefusedIsAFailureAndNothingIsDelivered(MailStack stack) throws Exception {
    try (Transmitter t = new Transmitter(TestEndpoints.submission(stack, stack.bob()), ON, true)) {
      SendResult r = t.send(compose(Email.builder().to("nosuchuser@example.test").subject("nobody").text("x")
          .build()), 0);
      assertThat(r.status()).isEqualTo(Status.FAILED);
      assertThat(r.rejected()).singleElement().satisfies(x -> assertThat(x.code()).isEqualTo(550));
      assertThat(r.error().orElseThrow().isRetriable()).isFalse();
      assertThat(t.send(compose(Email.builder().to("bob@example.test").subject("then one").text("y").build()), 1)
          .status()).isEqualTo(Status.SENT);
    }
  }

  private static boolean endsWith(byte[] raw, byte[] tail) {
    return raw.length >= tail.length && Arrays.equals(raw, raw.length - tail.length, raw.length, tail, 0, tail.length);
  }
}
