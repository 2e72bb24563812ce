package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The scripted SMTP server against a reference client (Jakarta Mail) and a raw socket for what
 * Jakarta Mail does not send (BDAT, pipelined commands).
 */
class ScriptedSmtpServerTest {

  @Test
  void jakartaMailMessageArrivesUnstuffedAndIsKeptWithItsSubject() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "").keepMessages()) {
      MimeMessage m = message(server, "dots", ".leading dot\r\n..two dots\r\n.\r\nend\r\n");
      Transport.send(m);

      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      m.writeTo(expected);
      assertThat(server.messages()).singleElement().satisfies(kept ->
          assertThat(new String(kept, StandardCharsets.UTF_8)).isEqualTo(expected.toString(StandardCharsets.UTF_8)));
      assertThat(server.subjects()).containsExactly("dots");
      assertThat(server.messagesReceived()).isEqualTo(1);
      assertThat(server.commands()).contains("MAIL FROM:<from@example.test>", "RCPT TO:<to@example.test>", "DATA",
          "<END>");
      assertThat(server.connections()).isEqualTo(1);
    }
  }

  @Test
  void scriptedReplyToTheEndOfTheDataRefusesTheFirstMessageOnly() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) ->
        e.equals("END") && n == 0 ? "451 4.3.0 queue full" : "").keepMessages()) {
      assertThatThrownBy(() -> Transport.send(message(server, "first", "one\r\n")))
          .isInstanceOf(MessagingException.class).hasMessageContaining("451 4.3.0 queue full");
      Transport.send(message(server, "second", "two\r\n"));

      assertThat(server.messagesReceived()).as("both arrived in full").isEqualTo(2);
      assertThat(server.subjects()).as("only the accepted one is kept").containsExactly("second");
    }
  }

  @Test
  void recipientsAreScriptedPerAddressAndCountedAcrossConnections() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "").keepMessages()
        .recipients((address, seen) -> address.equals("to@example.test") && seen == 0 ? "450 4.2.0 busy" : "")) {
      assertThatThrownBy(() -> Transport.send(message(server, "a", "x\r\n")))
          .isInstanceOf(jakarta.mail.SendFailedException.class).hasStackTraceContaining("450 4.2.0 busy");
      Transport.send(message(server, "b", "x\r\n"));

      assertThat(server.subjects()).containsExactly("b");
      assertThat(server.connections()).isEqualTo(2);
    }
  }

  @Test
  void chunksOfBdatMakeOneMessageTakenAsIsWithoutDotUnstuffing() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "").offering("CHUNKING").keepMessages();
        Raw raw = new Raw(server)) {
      assertThat(raw.send("EHLO me")).contains("250-CHUNKING");
      raw.send("MAIL FROM:<a@example.test>");
      raw.send("RCPT TO:<b@example.test>");
      String first = "Subject: chunked\r\n\r\n";
      String second = "..not stuffed\r\n";
      assertThat(raw.send("BDAT " + first.length() + "\r\n" + first)).isEqualTo("250 2.0.0 Ok: " + first.length() + " octets received");
      assertThat(raw.send("BDAT " + second.length() + " LAST\r\n" + second)).startsWith("250 2.0.0 Ok: queued");

      assertThat(server.messages()).singleElement()
          .satisfies(m -> assertThat(new String(m, StandardCharsets.UTF_8)).isEqualTo(first + second));
      assertThat(server.subjects()).containsExactly("chunked");
      assertThat(server.count("BDAT")).isEqualTo(2);
    }
  }

  @Test
  void refusedBdatChunkDiscardsTheChunksSoFar() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) ->
        e.equals("BDAT") && n == 0 ? "552 5.3.4 too big" : "").offering("CHUNKING").keepMessages();
        Raw raw = new Raw(server)) {
      raw.send("EHLO me");
      raw.send("MAIL FROM:<a@example.test>");
      raw.send("RCPT TO:<b@example.test>");
      assertThat(raw.send("BDAT 4\r\nlost")).isEqualTo("552 5.3.4 too big");
      assertThat(raw.send("RSET")).startsWith("250");
      raw.send("MAIL FROM:<a@example.test>");
      raw.send("RCPT TO:<b@example.test>");
      assertThat(raw.send("BDAT 4 LAST\r\nkept")).startsWith("250");

      assertThat(server.messages()).singleElement().satisfies(m -> assertThat(m).isEqualTo("kept".getBytes()));
    }
  }

  @Test
  void heldEnvelopeReplyComesOnlyWithTheNextCommandsReply() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "").offering("PIPELINING")
        .holdingEnvelopeReplies(); Raw raw = new Raw(server)) {
      assertThat(raw.send("EHLO me")).contains("250-PIPELINING");
      raw.write("MAIL FROM:<a@example.test>\r\n");
      raw.socket.setSoTimeout(300);
      assertThatThrownBy(raw::readReply).as("no reply to MAIL on its own").isInstanceOf(SocketTimeoutException.class);
      raw.socket.setSoTimeout(10_000);

      raw.write("RCPT TO:<b@example.test>\r\n");
      assertThat(raw.readReply()).isEqualTo("250 2.1.0 Ok");
      assertThat(raw.readReply()).isEqualTo("250 2.1.5 Ok");
    }
  }

  @Test
  void nullDropsTheConnectionWithoutAReplyAndThenCloseAnswersFirst() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> switch (e) {
      case "MAIL" -> c == 0 ? null : ScriptedSmtpServer.thenClose("250 2.1.0 Ok, and bye");
      default -> "";
    })) {
      try (Raw raw = new Raw(server)) {
        raw.send("EHLO me");
        raw.write("MAIL FROM:<a@example.test>\r\n");
        assertThat(raw.in.readLine()).as("dropped without an answer").isNull();
      }
      try (Raw raw = new Raw(server)) {
        raw.send("EHLO me");
        assertThat(raw.send("MAIL FROM:<a@example.test>")).isEqualTo("250 2.1.0 Ok, and bye");
        assertThat(raw.in.readLine()).as("closed after the answer").isNull();
      }
    }
  }

  @Test
  void subjectsNeedTheMessagesKept() throws Exception {
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "")) {
      Transport.send(message(server, "not kept", "x\r\n"));
      assertThat(server.messages()).isEmpty();
      assertThatThrownBy(server::subjects).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("keepMessages()");
    }
  }

  @Test
  void subjectIsTakenFromTheHeaderBlockOnlyAndUnfolded() {
    assertThat(ScriptedSmtpServer.subject("From: a\r\nsubject: folded\r\n line\r\n\r\nSubject: body".getBytes()))
        .isEqualTo("folded line");
    assertThat(ScriptedSmtpServer.subject("From: a\r\n\r\nSubject: body\r\n".getBytes())).isEmpty();
  }

  private static MimeMessage message(ScriptedSmtpServer server, String subject, String text) throws Exception {
    Properties p = new Properties();
    p.put("mail.smtp.host", server.host());
    p.put("mail.smtp.port", String.valueOf(server.port()));
    p.put("mail.smtp.connectiontimeout", "10000");
    p.put("mail.smtp.timeout", "10000");
    MimeMessage m = new MimeMessage(Session.getInstance(p));
    m.setFrom(new InternetAddress("from@example.test"));
    m.setRecipient(jakarta.mail.Message.RecipientType.TO, new InternetAddress("to@example.test"));
    m.setSubject(subject);
    m.setText(text, "US-ASCII");
    m.saveChanges();
    return m;
  }

  /** A raw SMTP client: one command line (or chunk), one reply. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;
    final OutputStream out;

    Raw(ScriptedSmtpServer server) throws IOException {
      socket = new Socket(server.host(), server.port());
      socket.setSoTimeout(10_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      out = socket.getOutputStream();
      assertThat(readReply()).startsWith("220 ");
    }

    void write(String s) throws IOException {
      out.write(s.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    String send(String command) throws IOException {
      write(command + (command.contains("\r\n") ? "" : "\r\n"));
      return readReply();
    }

    /** A whole reply, lines joined with CRLF (RFC 5321 4.2.1: the last line has a space after the code). */
    String readReply() throws IOException {
      StringBuilder reply = new StringBuilder();
      String line;
      do {
        line = in.readLine();
        if (line == null) {
          throw new IOException("connection closed after: " + reply);
        }
        reply.append(reply.length() == 0 ? "" : "\r\n").append(line);
      } while (line.length() > 3 && line.charAt(3) == '-');
      return reply.toString();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
