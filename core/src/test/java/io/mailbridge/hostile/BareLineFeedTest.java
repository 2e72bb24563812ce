package io.mailbridge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.MailDocument;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Servers that end lines with a bare LF (GNU Mailutils imap4d ends its AUTHENTICATE reply so):
 * the line is complete for Mailbridge as it is for the server (not a wait for more until the read
 * timeout), and the bytes of a message (an IMAP literal) are handed over unchanged, bare LFs
 * included. And the LOGIN command as the only way to log in, for servers whose SASL is broken.
 */
class BareLineFeedTest {

  /** A message whose own lines end with bare LFs: the literal that carries it must not change. */
  private static final byte[] LF_MESSAGE = ("From: sender@hostile.test\nTo: bob@hostile.test\nSubject: Bare LF\n"
      + "Message-ID: <lf@hostile.test>\nMIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n"
      + "first line\nsecond line\nthird line\n").getBytes(StandardCharsets.UTF_8);

  /**
   * Receives everything; a line the client does not see ended makes it wait for more until its read
   * timeout (generous here, so that a loaded machine is not mistaken for that), then fail.
   */
  private static List<MailDocument> receive(MailConnection c, BodyFormat format) {
    Endpoint in = c.inbound().orElseThrow().toBuilder().readTimeout(Duration.ofSeconds(15)).build();
    return Receive.from(MailConnection.builder().inbound(in).build())
        .receiveAll(ReceiveSettings.builder().folder("INBOX").format(format).build());
  }

  private static byte[] content(MailDocument d) {
    try (InputStream in = d.openContent()) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void authenticateReplyEndedByABareLineFeedLogsIn() {
    // Mailutils: "+ " CRLF, then the tagged OK of AUTHENTICATE PLAIN ended by LF alone.
    AtomicReference<String> authTag = new AtomicReference<>();
    HostileServer.Script script = ImapScript.mailbox(2).capabilities("IMAP4rev1 AUTH=PLAIN UIDPLUS")
        .on("AUTHENTICATE", (tag, line) -> {
          authTag.set(tag);
          return Reply.lines("+ ");
        })
        .on("", (tag, line) -> {
          String t = authTag.getAndSet(null);
          return t == null ? null : Reply.text(t + " OK AUTHENTICATE PLAIN authentication successful\n");
        }).build();
    try (HostileServer s = HostileServer.start(script)) {
      List<MailDocument> docs = receive(HostileFixture.imap(s), BodyFormat.TEXT);
      assertThat(docs).extracting(d -> d.properties().subject()).containsExactly("Message 1", "Message 2");
      assertThat(s.receivedCommand("AUTHENTICATE PLAIN")).as("logged in with AUTHENTICATE PLAIN").isTrue();
    }
  }

  @Test
  void everyLineEndedByABareLineFeedStillReceivesTheMessageByteForByte() {
    HostileServer.Script box = ImapScript.mailbox(List.of(LF_MESSAGE)).build();
    HostileServer.Script lfOnly = new HostileServer.Script() {
      @Override
      public HostileServer.Protocol protocol() {
        return box.protocol();
      }

      @Override
      public Reply greeting() {
        return bareLf(box.greeting());
      }

      @Override
      public Reply answer(String line) {
        Reply r = box.answer(line);
        return r == null ? null : bareLf(r);
      }
    };
    try (HostileServer s = HostileServer.start(lfOnly)) {
      List<MailDocument> docs = receive(HostileFixture.imap(s), BodyFormat.EML);
      assertThat(docs).hasSize(1);
      assertThat(docs.get(0).properties().subject()).isEqualTo("Bare LF");
      assertThat(content(docs.get(0))).as("the literal's bytes, unchanged").isEqualTo(LF_MESSAGE);
    }
  }

  @Test
  void loginMechanismSendsTheLoginCommandEvenWhenTheServerOffersSasl() {
    HostileServer.Script script = ImapScript.mailbox(1).capabilities("IMAP4rev1 AUTH=PLAIN AUTH=LOGIN UIDPLUS")
        .on("AUTHENTICATE", (tag, line) -> Reply.lines(tag + " NO SASL is broken here")).build();
    try (HostileServer s = HostileServer.start(script)) {
      MailConnection plain = HostileFixture.imap(s);
      Endpoint in = plain.inbound().orElseThrow();
      MailConnection login = MailConnection.builder().inbound(in.toBuilder()
          .auth(Auth.basic("bob", Secret.of("hostile-pw"), Auth.Basic.Mechanism.LOGIN)).build()).build();
      assertThat(receive(login, BodyFormat.TEXT)).extracting(d -> d.properties().subject()).containsExactly("Message 1");
      assertThat(s.receivedCommand("LOGIN")).as("the LOGIN command").isTrue();
      assertThat(s.receivedCommand("AUTHENTICATE")).as("no SASL exchange").isFalse();
    }
  }

  /** The reply with every CRLF turned into LF (the messages in these literals hold no CRLF before the body). */
  private static Reply bareLf(Reply r) {
    return out -> {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      r.writeTo(buf);
      byte[] b = buf.toByteArray();
      ByteArrayOutputStream lf = new ByteArrayOutputStream(b.length);
      for (int i = 0; i < b.length; i++) {
        if (!(b[i] == '\r' && i + 1 < b.length && b[i + 1] == '\n')) {
          lf.write(b[i]);
        }
      }
      out.write(lf.toByteArray());
      out.flush();
    };
  }
}
