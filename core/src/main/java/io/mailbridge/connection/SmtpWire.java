package io.mailbridge.connection;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * The command stream of an open, authenticated SMTP connection, for transactions whose commands
 * go out together without waiting for each reply (PIPELINING, RFC 2920; CHUNKING, RFC 3030).
 * Nothing is sent until {@link #flush()}; replies are then read in the order of the commands.
 *
 * <p>Shares the socket with the Angus transport that opened it. That is safe between transactions
 * only: a transaction reads every reply it asked for, so neither side finds bytes meant for the
 * other; {@link #idle()} checks it.
 */
public final class SmtpWire {
  private static final byte[] CRLF = {'\r', '\n'};

  private final String server;
  private final int maxReplyBytes;
  private final OutputStream out;
  private final InputStream in;
  private final Trace trace;
  private final Charset charset;
  /** The code of the last reply read; -1 before the first. */
  private int lastCode = -1;

  SmtpWire(Endpoint endpoint, Socket socket, Trace trace, boolean utf8) throws IOException {
    this.server = endpoint.address();
    this.maxReplyBytes = endpoint.limits().maxSmtpReplyBytes();
    // Large enough that a typical message leaves in one write, small enough to stay a
    // per-connection constant.
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    this.in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
    this.trace = trace.wanted() ? trace : null;
    // RFC 6531 3.3: with SMTPUTF8 the envelope may carry UTF-8; otherwise commands are ASCII.
    this.charset = utf8 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII;
  }

  /** One server reply: its code and its text (all lines, joined with "\n"). */
  public record Reply(int code, String text) {
    public boolean positive() {
      return code >= 200 && code < 400;
    }

    /** 4xx: RFC 5321 4.2.1 transient negative completion. */
    public boolean transientFailure() {
      return code >= 400 && code < 500;
    }
  }

  /** Queues one command line (CRLF added). */
  public void command(String line) throws IOException {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\r' || c == '\n') {
        // An address with a line break would smuggle a command of its own into the stream.
        throw new IllegalArgumentException("an SMTP command may not contain CR or LF");
      }
    }
    if (trace != null) {
      trace.stream().println(line);
    }
    out.write(line.getBytes(charset));
    out.write(CRLF);
  }

  /** Where message data goes (queued like commands); the caller encodes it for DATA or BDAT. */
  public OutputStream data() {
    return out;
  }

  /** Sends everything queued. */
  public void flush() throws IOException {
    out.flush();
  }

  /** Reads the next reply; a connection closed instead of answering is an {@link EOFException}. */
  public Reply reply() throws IOException {
    StringBuilder text = new StringBuilder();
    int code = -1;
    long total = 0;
    while (true) {
      StringBuilder line = new StringBuilder();
      int b;
      while ((b = in.read()) != -1 && b != '\n') {
        if (++total > maxReplyBytes) {
          throw new ServerViolation("SMTP server " + server + " sent a reply longer than " + maxReplyBytes
              + " bytes (limits.maxSmtpReplyBytes)");
        }
        if (b != '\r') {
          line.append((char) (b & 0xff));
        }
      }
      if (b == -1) {
        throw new EOFException("SMTP server " + server + " closed the connection instead of replying");
      }
      if (trace != null) {
        trace.stream().println(line);
      }
      int lineCode = code(line);
      if (lineCode < 0 || (code >= 0 && lineCode != code)) {
        throw new ServerViolation("SMTP server " + server + " sent a malformed reply line: "
            + ServerText.shown(line.toString(), 80));
      }
      code = lineCode;
      if (text.length() > 0) {
        text.append('\n');
      }
      text.append(line);
      // RFC 5321 4.2.1: "ddd-" continues a reply, "ddd " or "ddd" ends it.
      if (line.length() < 4 || line.charAt(3) != '-') {
        lastCode = code;
        return new Reply(code, text.toString());
      }
    }
  }

  /**
   * True when the last reply read was 421: the server announced that it closes the connection
   * (RFC 5321 3.8). Replies come in the order of the commands, so when the connection then ends,
   * no command after the one answered 421 was carried out.
   */
  public boolean closingAnnounced() {
    return lastCode == 421;
  }

  /** True when no byte of a server reply is waiting: nothing is left over from the last transaction. */
  public boolean idle() throws IOException {
    return in.available() == 0;
  }

  private static int code(CharSequence line) {
    if (line.length() < 3 || (line.length() > 3 && line.charAt(3) != ' ' && line.charAt(3) != '-')) {
      return -1;
    }
    int code = 0;
    for (int i = 0; i < 3; i++) {
      char c = line.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      code = code * 10 + (c - '0');
    }
    return code >= 200 && code < 600 ? code : -1;
  }
}
