package io.mailbridge.bench.watch;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * New mail as the watcher's users get it, each arrival timed when the server has accepted it: an
 * IMAP APPEND answered OK, or an SMTP message accepted by Postfix (250 after the data; Postfix then
 * delivers it to Dovecot over LMTP).
 */
final class Arrivals {
  private Arrivals() {}

  /** A small message whose subject is {@code wl-n}. */
  static byte[] message(String to, int n) {
    String m = "From: Latency Bench <bench@example.com>\r\n"
        + "To: " + to + "\r\n"
        + "Subject: wl-" + n + "\r\n"
        + "Message-ID: <wl-" + n + "." + System.nanoTime() + "@bench.example.com>\r\n"
        + "Date: Sun, 06 Dec 2026 08:00:00 +0000\r\n"
        + "MIME-Version: 1.0\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n"
        + "\r\n"
        + "Arrival " + n + " of the watch latency benchmark.\r\n";
    return m.getBytes(StandardCharsets.US_ASCII);
  }

  /** One SMTP connection (plain, no AUTH: the stack's injection port), one transaction per message. */
  static final class Smtp implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Smtp(String host, int port) throws IOException {
      socket = new Socket(host, port);
      socket.setTcpNoDelay(true);
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
      reply("220");
      send("EHLO bench.example.com");
      reply("250");
    }

    /** Sends and returns when Postfix accepted the message (queued). */
    void send(String from, String to, byte[] message) throws IOException {
      send("MAIL FROM:<" + from + ">");
      reply("250");
      send("RCPT TO:<" + to + ">");
      reply("250");
      send("DATA");
      reply("354");
      // the bench's messages have no line starting with a dot: no dot-stuffing needed
      out.write(message);
      out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
      out.flush();
      reply("250");
    }

    private void send(String line) throws IOException {
      out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
    }

    private void reply(String code) throws IOException {
      while (true) {
        String l = line();
        if (!l.startsWith(code)) {
          throw new IOException("SMTP: expected " + code + ", got " + l);
        }
        if (l.length() < 4 || l.charAt(3) != '-') {
          return;
        }
      }
    }

    private String line() throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        if (c != '\r') {
          b.write(c);
        }
      }
      if (c == -1) {
        throw new IOException("SMTP connection closed");
      }
      return b.toString(StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws IOException {
      try {
        send("QUIT");
      } finally {
        socket.close();
      }
    }
  }
}
