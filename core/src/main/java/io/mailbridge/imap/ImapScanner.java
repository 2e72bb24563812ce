package io.mailbridge.imap;

import io.mailbridge.base.BlockInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The lexical layer of {@link FetchReader}: IMAP response bytes from a stream through a buffer of
 * our own (RFC 3501 9: atoms, numbers, quoted strings, literals, parenthesized lists), the current
 * response recorded for its text and the trace ({@link ResponseRecord}), literal bytes copied
 * without being recorded.
 */
final class ImapScanner {
  /** A line (without literals) longer than this is not an IMAP response we asked for. */
  private static final int MAX_LINE = 1 << 20;

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int lim;
  /** The current response as read, literals of FETCH bodies left out. */
  private final ResponseRecord rec;

  /**
   * @param in the connection's input, positioned at the start of a response
   * @param bufferBytes the read buffer; also the largest piece {@link #copy} writes at once
   * @param trace receives each response line without literal bytes; null for none
   */
  ImapScanner(InputStream in, int bufferBytes, Consumer<String> trace) {
    this.in = in;
    this.buf = new byte[bufferBytes];
    this.rec = new ResponseRecord(trace);
  }

  /** Whether bytes already read from the stream wait in the buffer. */
  boolean buffered() {
    return pos < lim;
  }

  /** After a BYE the server closes the connection: its end (or reset) finishes the command. */
  boolean moreAfterBye() {
    try {
      return fillOrEnd();
    } catch (IOException closed) {
      return false;
    }
  }

  void copy(long length, OutputStream out, IntConsumer written) throws IOException {
    copy(length, length, out, written);
  }

  /** Copies the last {@code left} bytes of a {@code length}-byte literal. */
  private void copy(long left, long length, OutputStream out, IntConsumer written) throws IOException {
    while (left > 0) {
      if (pos == lim) {
        refill(left, length);
      }
      int n = (int) Math.min(lim - pos, left);
      out.write(buf, pos, n);
      pos += n;
      left -= n;
      written.accept(n);
    }
  }

  /**
   * The next {@code length} bytes (a literal) as a stream: what the buffer holds, then straight
   * from the connection into the reader's array. Read it, then {@link Literal#skipRest} before the
   * scanner goes on; not for use by two threads at once.
   */
  Literal literal(long length) {
    return new Literal(length);
  }

  /** A literal's bytes, read at most to its end. */
  final class Literal extends BlockInputStream {
    private long left;
    private final long length;

    private Literal(long length) {
      this.left = length;
      this.length = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      if (len == 0) {
        return 0;
      }
      int want = (int) Math.min(len, left);
      int n;
      if (pos < lim) {
        n = Math.min(want, lim - pos);
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
      } else {
        n = in.read(b, off, want); // one copy: from the connection's decrypted record to the reader
        if (n < 0) {
          throw truncated(left, length);
        }
      }
      left -= n;
      return n;
    }

    /** Reads and drops what is left of the literal. */
    void skipRest() throws IOException {
      copy(left, length, OutputStream.nullOutputStream(), n -> { });
      left = 0;
    }
  }

  /** Refills the drained buffer with at most {@code left} bytes of a {@code length}-byte literal. */
  private void refill(long left, long length) throws IOException {
    pos = 0;
    lim = 0;
    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
    if (n < 0) {
      throw truncated(left, length);
    }
    lim = n;
  }

  private static EOFException truncated(long left, long length) {
    return new EOFException("connection closed by the server " + left + " bytes before the end of a " + length
        + "-byte message");
  }

  void readFully(byte[] b) throws IOException {
    int off = Math.min(lim - pos, b.length);
    System.arraycopy(buf, pos, b, 0, off);
    pos += off;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        throw truncated(b.length - off, b.length);
      }
      off += n;
    }
  }

  /** "{n}" CRLF; also the non-synchronizing "{n+}" form. */
  long literalLength() throws IOException {
    expect('{');
    long n = number();
    if (peek() == '+') {
      next();
    }
    expect('}');
    expect('\r');
    expect('\n');
    return n;
  }

  /** A value we did not ask for: atom/number/NIL, quoted string, literal or parenthesized list. */
  void skipValue() throws IOException {
    int c = peek();
    if (c == '(') {
      next();
      while (true) {
        c = peek();
        if (c == ')') {
          next();
          return;
        }
        if (c == ' ') {
          next();
          continue;
        }
        skipValue();
      }
    } else if (c == '"') {
      quoted();
    } else if (c == '{') {
      long n = literalLength();
      flushTrace();
      for (long i = 0; i < n; i++) {
        next();
      }
      rec.skipTrace();
    } else {
      atom();
    }
  }

  /** A quoted string (RFC 3501 9: quoted-specials escaped with a backslash), or NIL as null. */
  String quoted() throws IOException {
    if (peek() != '"') {
      String a = atom();
      if (a.equalsIgnoreCase("NIL")) {
        return null;
      }
      throw malformed("expected a quoted string, got '" + abbreviate(a) + "'");
    }
    next();
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = next();
      if (c == '"') {
        return sb.toString();
      }
      if (c == '\\') {
        c = next();
      }
      if (c == '\r' || c == '\n') {
        throw malformed("line break inside a quoted string");
      }
      sb.append((char) c);
    }
  }

  /** Bytes up to SP, '(' , ')' or CR (flag atoms include '\' and '*'). */
  String atom() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = peek();
      if (c == ' ' || c == '(' || c == ')' || c == '\r' || c == '"' || c == '{') {
        break;
      }
      sb.append((char) next());
    }
    if (sb.length() == 0) {
      throw malformed("expected an atom, got " + describe(peek()));
    }
    return sb.toString();
  }

  long number() throws IOException {
    long n = 0;
    int digits = 0;
    while (true) {
      int c = peek();
      if (c < '0' || c > '9') {
        break;
      }
      next();
      n = n * 10 + (c - '0');
      if (++digits > 19) {
        throw malformed("number too long");
      }
    }
    if (digits == 0) {
      throw malformed("expected a number, got " + describe(peek()));
    }
    return n;
  }

  void endOfLine() throws IOException {
    expect('\r');
    expect('\n');
    flushTrace();
  }

  /** The rest of a response we do not parse, literals included; returns the whole response text. */
  String restOfResponse() throws IOException {
    int start = rec.length();
    while (true) {
      int c = next();
      if (c == '\n' && rec.endsWithLineBreak()) {
        // A literal "{n}" (or "{n+}") just before CRLF: its bytes belong to this response.
        long n = rec.literalAtEnd(start);
        if (n >= 0) {
          flushTrace();
          for (long i = 0; i < n; i++) {
            next();
          }
          rec.skipTrace();
          continue;
        }
        flushTrace();
        return recorded();
      }
      if (rec.length() - start > MAX_LINE) {
        throw malformed("response line longer than " + MAX_LINE + " bytes");
      }
    }
  }

  void startResponse() {
    rec.start();
  }

  /** The recorded response without its final CRLF. */
  String recorded() {
    return rec.text();
  }

  void flushTrace() {
    rec.flushTrace();
  }

  void expect(int want) throws IOException {
    int c = next();
    if (c != want) {
      throw malformed("expected " + describe(want) + ", got " + describe(c));
    }
  }

  int peek() throws IOException {
    if (pos == lim && !fillOrEnd()) {
      throw truncated();
    }
    return buf[pos] & 0xff;
  }

  int next() throws IOException {
    if (pos == lim && !fillOrEnd()) {
      throw truncated();
    }
    int c = buf[pos++] & 0xff;
    record(c);
    return c;
  }

  void record(int c) throws IOException {
    if (!rec.add(c)) {
      throw malformed("a response over " + ResponseRecord.MAX_KEPT + " bytes besides message bodies");
    }
  }

  /** Reads more into the (empty) buffer; false at the end of the stream. */
  boolean fillOrEnd() throws IOException {
    if (pos < lim) {
      return true;
    }
    pos = 0;
    lim = 0;
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    lim = n;
    return true;
  }

  EOFException truncated() {
    String at = recorded();
    return new EOFException("connection closed by the server in the middle of a response"
        + (at.isEmpty() ? "" : " ('" + abbreviate(at) + "')"));
  }

  IOException malformed(String what) {
    return new io.mailbridge.connection.ServerViolation("sent a malformed IMAP response ("
        + io.mailbridge.connection.ServerText.shown(what) + ") after '"
        + io.mailbridge.connection.ServerText.shown(abbreviate(recorded())) + "'");
  }

  static String describe(int c) {
    return c < 0 ? "end of stream" : c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
  }

  static String abbreviate(String s) {
    String one = s.replace("\r", "\\r").replace("\n", "\\n");
    return one.length() <= 80 ? one : one.substring(0, 77) + "...";
  }
}
