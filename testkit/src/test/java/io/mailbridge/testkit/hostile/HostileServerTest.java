package io.mailbridge.testkit.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class HostileServerTest {

  @Test
  void mailboxServesARealImapClient() throws Exception {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(3).build())) {
      Properties p = new Properties();
      p.put("mail.imap.host", s.host());
      p.put("mail.imap.port", Integer.toString(s.port()));
      p.put("mail.imap.timeout", "5000");
      Store store = Session.getInstance(p).getStore("imap");
      store.connect("bob", "pw");
      Folder f = store.getFolder("INBOX");
      f.open(Folder.READ_ONLY);
      assertThat(f.getMessageCount()).isEqualTo(3);
      assertThat(((UIDFolder) f).getUIDValidity()).isEqualTo(7);
      Message m = ((UIDFolder) f).getMessageByUID(2);
      java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
      m.writeTo(raw);
      MimeMessage copy = new MimeMessage(Session.getInstance(new Properties()),
          new java.io.ByteArrayInputStream(raw.toByteArray()));
      assertThat(copy.getSubject()).isEqualTo("Message 2");
      assertThat(copy.getContent()).isEqualTo("Hello 2.\r\n");
      f.close(false);
      store.close();
      assertThat(s.receivedCommand("LOGIN")).isTrue();
      assertThat(s.receivedCommand("UID FETCH")).isTrue();
      assertThat(s.failures()).isEmpty();
    }
  }

  @Test
  void handlerReplacesOneCommandAndFallsBackWhenItReturnsNull() throws Exception {
    HostileServer.Script script = ImapScript.mailbox(1)
        .on("NOOP", (tag, line) -> line.contains("x") ? null : Reply.lines("* 2147483647 EXISTS", tag + " OK"))
        .build();
    try (HostileServer s = HostileServer.start(script); Raw c = new Raw(s)) {
      assertThat(c.line()).startsWith("* OK [CAPABILITY");
      c.send("a1 NOOP");
      assertThat(c.line()).isEqualTo("* 2147483647 EXISTS");
      assertThat(c.line()).isEqualTo("a1 OK");
      c.send("a2 NOOP x");
      assertThat(c.line()).isEqualTo("a2 OK NOOP done");
    }
  }

  @Test
  void clientLiteralIsContinuedAndKeptInTheLine() throws Exception {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(0).build()); Raw c = new Raw(s)) {
      c.line();
      c.send("a1 LOGIN {3}");
      assertThat(c.line()).isEqualTo("+ go ahead");
      c.send("bob \"pw\"");
      assertThat(c.line()).startsWith("a1 OK");
      assertThat(s.received()).containsExactly("a1 LOGIN {3}\r\nbob \"pw\"");
    }
  }

  @Test
  void literalAnnouncesWhatItIsToldEvenALie() throws Exception {
    Reply r = Reply.literal("* 1 FETCH (BODY[] ", 300_000_000L, new byte[] {'x'}, ")\r\n");
    assertThat(written(r)).isEqualTo("* 1 FETCH (BODY[] {300000000}\r\nx)\r\n");
    assertThat(written(Reply.literal("A ", "abc".getBytes(StandardCharsets.US_ASCII), "\r\n"))).isEqualTo("A {3}\r\nabc\r\n");
  }

  @Test
  void hugeLineAndRepeatStreamTheirExactLength() throws Exception {
    CountingOut out = new CountingOut();
    Reply.hugeLine("* OK ", 200L * 1024 * 1024, (byte) 'A', "\r\n").writeTo(out);
    assertThat(out.count).isEqualTo(5 + 200L * 1024 * 1024 + 2);
    out.count = 0;
    Reply.repeat(" 1", 10_000_000).writeTo(out);
    assertThat(out.count).isEqualTo(20_000_000L);
  }

  @Test
  void endlessReplyGoesOnUntilTheClientLeaves() throws Exception {
    HostileServer.Script script = SmtpScript.server().on("EHLO", l -> Reply.endless("250-AAAAAAAAAAAAAAAA\r\n")).build();
    try (HostileServer s = HostileServer.start(script); Raw c = new Raw(s)) {
      assertThat(c.line()).startsWith("220 ");
      c.send("EHLO me");
      InputStream in = c.socket.getInputStream();
      long n = 0;
      byte[] buf = new byte[65536];
      while (n < 50_000_000) {
        int r = in.read(buf);
        assertThat(r).isPositive();
        n += r;
      }
    }
  }

  @Test
  void trickleSendsOneByteAtATime() throws Exception {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(0)
        .greeting(Reply.trickle(Reply.lines("* OK hi"), Duration.ofMillis(100))).build()); Raw c = new Raw(s)) {
      long t0 = System.nanoTime();
      assertThat(c.line()).isEqualTo("* OK hi");
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(800));
    }
  }

  @Test
  void smtpDataIsReadAfter354AndItsEndHandedToTheScript() throws Exception {
    HostileServer.Script script = SmtpScript.server()
        .on("DATA", l -> Reply.lines("354 go", "250 early"))
        .on(".", l -> Reply.lines("554 5.7.1 rejected after all")).build();
    try (HostileServer s = HostileServer.start(script); Raw c = new Raw(s)) {
      c.line();
      c.send("EHLO me");
      assertThat(c.line()).isEqualTo("250-hostile.test");
      c.line();
      c.line();
      assertThat(c.line()).isEqualTo("250 AUTH PLAIN");
      c.send("AUTH PLAIN");
      assertThat(c.line()).isEqualTo("334 ");
      c.send("AGJvYgBwdw==");
      assertThat(c.line()).startsWith("235 ");
      c.send("DATA");
      assertThat(c.line()).isEqualTo("354 go");
      assertThat(c.line()).isEqualTo("250 early");
      c.send("Subject: x\r\n\r\nbody\r\n.");
      assertThat(c.line()).isEqualTo("554 5.7.1 rejected after all");
      c.send("QUIT");
      assertThat(c.line()).startsWith("221 ");
      assertThat(c.line()).isNull();
      assertThat(s.received()).containsExactly("EHLO me", "AUTH PLAIN", "AGJvYgBwdw==", "DATA", ".", "QUIT");
    }
  }

  @Test
  void hangUpClosesTheConnection() throws Exception {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(0).on("NOOP", (t, l) -> Reply.hangUp()).build());
        Raw c = new Raw(s)) {
      c.line();
      c.send("a1 NOOP");
      assertThat(c.line()).isNull();
      assertThat(s.connections()).isEqualTo(1);
    }
  }

  private static String written(Reply r) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    r.writeTo(b);
    return b.toString(StandardCharsets.UTF_8);
  }

  private static final class CountingOut extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** A raw line-oriented client. */
  private static final class Raw implements AutoCloseable {
    final Socket socket;
    final BufferedReader in;

    Raw(HostileServer s) throws IOException {
      socket = new Socket(s.host(), s.port());
      socket.setSoTimeout(10_000);
      in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    }

    String line() throws IOException {
      return in.readLine();
    }

    void send(String line) throws IOException {
      socket.getOutputStream().write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
      socket.getOutputStream().flush();
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
