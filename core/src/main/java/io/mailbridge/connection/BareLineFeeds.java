package io.mailbridge.connection;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Hands on an IMAP line ended by a bare LF as ended by CRLF, as the server meant it (GNU Mailutils
 * ends its AUTHENTICATE reply so): Angus reads a line up to CRLF only and would wait for the rest
 * of it until the read timeout. The bytes of a literal ({@code {n}} at the end of a line, then n
 * bytes: a message body) are never changed. It sits below {@link ServerInput}, which stops it when
 * the connection's bytes stop being the protocol's own (TLS layered over it).
 */
final class BareLineFeeds extends FilterInputStream {
  /** Digits of a literal size followed: more than any size the limits allow. */
  private static final int MAX_DIGITS = 18;

  private boolean lastCr;
  /** Bytes of the literal still to come; only line bytes are looked at. */
  private long literalLeft;
  /** The line ends, so far, like a literal announcement: "{", digits, "}". */
  private boolean braceOpen;
  private boolean braceClosed;
  private int digits;
  private long size;
  /** Bytes read from the server and not handed on yet: the LF after a CR put in its place, and what followed it. */
  private byte[] pending;
  private int pendingOff;
  private volatile boolean stopped;

  BareLineFeeds(InputStream in) {
    super(in);
  }

  /** From now on every byte is handed on as it comes. */
  void stop() {
    stopped = true;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n;
    do {
      n = read(one, 0, 1);
    } while (n == 0);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len <= 0) {
      return 0;
    }
    int n;
    if (pending != null) {
      n = Math.min(len, pending.length - pendingOff);
      System.arraycopy(pending, pendingOff, b, off, n);
      pendingOff += n;
      if (pendingOff == pending.length) {
        pending = null;
      }
    } else {
      n = super.read(b, off, len);
    }
    if (stopped || n <= 0) {
      return n;
    }
    int end = off + n;
    for (int i = off; i < end; i++) {
      if (literalLeft > 0) {
        int take = (int) Math.min(literalLeft, end - i);
        literalLeft -= take;
        i += take - 1;
        lastCr = false;
        continue;
      }
      byte c = b[i];
      if (c == '\n' && !lastCr) {
        // A bare LF: a CR goes on in its place; the LF and what followed it come with the next read.
        keep(b, i, end);
        b[i] = '\r';
        lastCr = true;
        return i + 1 - off;
      }
      if (c == '\n') {
        lineEnd();
        continue;
      }
      lastCr = c == '\r';
      literalSyntax(c);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
    return Math.max(0, read(buf, 0, buf.length));
  }

  @Override
  public int available() throws IOException {
    return (pending == null ? 0 : pending.length - pendingOff) + super.available();
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void keep(byte[] b, int from, int to) {
    int rest = pending == null ? 0 : pending.length - pendingOff;
    byte[] kept = new byte[to - from + rest];
    System.arraycopy(b, from, kept, 0, to - from);
    if (rest > 0) {
      System.arraycopy(pending, pendingOff, kept, to - from, rest);
    }
    pending = kept;
    pendingOff = 0;
  }

  /** Follows "{digits}" (then CR) at the end of a line: RFC 3501 9, literal. */
  private void literalSyntax(byte c) {
    if (c == '{') {
      braceOpen = true;
      braceClosed = false;
      digits = 0;
      size = 0;
    } else if (braceOpen && !braceClosed && c >= '0' && c <= '9' && digits < MAX_DIGITS) {
      size = size * 10 + (c - '0');
      digits++;
    } else if (braceOpen && !braceClosed && c == '}' && digits > 0) {
      braceClosed = true;
    } else if (!(braceClosed && c == '\r')) {
      braceOpen = false;
      braceClosed = false;
    }
  }

  private void lineEnd() {
    if (braceClosed) {
      literalLeft = size;
    }
    braceOpen = false;
    braceClosed = false;
    lastCr = false;
  }
}
