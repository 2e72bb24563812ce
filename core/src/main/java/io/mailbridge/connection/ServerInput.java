package io.mailbridge.connection;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The input of a connection to a mail server, checked as it is read, below Angus and our own
 * readers: every line must be complete within the read timeout (a server trickling a byte at a
 * time is cut off, not only one that stops), a literal must keep a minimum rate, and what the
 * server announces is checked before a reader allocates for it: line length, IMAP literal sizes,
 * nesting of parenthesised lists, {@code EXISTS} counts, {@code UIDVALIDITY}, SMTP reply length.
 * Beyond a bound the read fails with a {@link ServerViolation}.
 *
 * <p>Only line bytes are scanned one by one; literal bytes (message bodies) are counted in bulk.
 * An IMAP line ended by a bare LF is read as ended ({@link BareLineFeeds}, below this).
 */
public final class ServerInput extends FilterInputStream {
  /** Words in the message of a timeout raised here (a server sending too slowly). */
  public static final String SLOW = "too slowly";
  private static final int HEAD = 48;
  private static final int TAIL = 24;
  /** Literals the reading thread expects to be larger than the default bound (a message body it asked for). */
  private static final ThreadLocal<long[]> EXPECTED = new ThreadLocal<>();

  private final ServerLimits limits;
  private final boolean imap;
  private final long timeoutNanos;
  private final String server;

  private long lineBytes;
  private long lineStart;
  private final byte[] head = new byte[HEAD];
  private final byte[] tail = new byte[TAIL];
  private long literalLeft;
  private long literalStart;
  private long literalRead;
  private int depth;
  private boolean quoted;
  private boolean escaped;
  private long replyBytes;
  private long replyStart;
  private volatile boolean passThrough;
  /** An SMTP 354 ended in the bytes being checked: nothing may follow until the client sent the data. */
  private boolean after354;
  /** The line being read continues a response after a literal (it is not the start of one). */
  private boolean continuation;
  /** LIST/LSUB entries since the last tagged response. */
  private long listEntries;
  /** The values of a STATUS answer being read, checked as they arrive (null outside one). */
  private StatusValues status;

  public ServerInput(InputStream in, Endpoint endpoint) {
    super(endpoint.protocol() == Endpoint.Protocol.IMAP ? new BareLineFeeds(in) : in);
    this.limits = endpoint.limits();
    this.imap = endpoint.protocol() == Endpoint.Protocol.IMAP;
    this.timeoutNanos = endpoint.readTimeout().toNanos();
    this.server = endpoint.protocol() + " server " + endpoint.address();
  }

  /**
   * While the returned scope is open, IMAP literals up to {@code maxBytes} read by this thread
   * are allowed (a message body of a known size), instead of {@link ServerLimits#maxLiteralBytes()}.
   */
  public static Scope expectLiterals(long maxBytes) {
    return expectLiterals(maxBytes, Long.MAX_VALUE);
  }

  /**
   * While the returned scope is open, each IMAP literal read by this thread may have up to {@code
   * eachBytes}, and all of them together up to {@code totalBytes} (the messages of a batch, whose
   * sizes the caller knows or bounded): what a reader allocates for them stays within what was asked.
   */
  public static Scope expectLiterals(long eachBytes, long totalBytes) {
    long[] previous = EXPECTED.get();
    EXPECTED.set(new long[] {eachBytes, totalBytes, totalBytes});
    return () -> {
      if (previous == null) {
        EXPECTED.remove();
      } else {
        EXPECTED.set(previous);
      }
    };
  }

  /** An {@link #expectLiterals} scope. */
  public interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** From now on the bytes are not the protocol's own (TLS is layered over this connection). */
  public void stopChecking() {
    passThrough = true;
    if (in instanceof BareLineFeeds lines) {
      lines.stop();
    }
  }

  @Override
  public int read() throws IOException {
    int c = super.read();
    if (c >= 0 && !passThrough) {
      check(new byte[] {(byte) c}, 0, 1);
    }
    return c;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = super.read(b, off, len);
    if (passThrough) {
      return n;
    }
    if (n > 0) {
      check(b, off, n);
    } else if (n == 0) {
      checkTime(System.nanoTime());
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    byte[] buf = new byte[(int) Math.min(8192, Math.max(0, n))];
    int r = read(buf, 0, buf.length);
    return Math.max(0, r);
  }

  private void check(byte[] b, int off, int len) throws IOException {
    long now = System.nanoTime();
    int i = off;
    int end = off + len;
    after354 = false;
    while (i < end) {
      if (after354) {
        throw early354();
      }
      if (literalLeft > 0) {
        int take = (int) Math.min(literalLeft, end - i);
        literalLeft -= take;
        literalRead += take;
        i += take;
        continue;
      }
      byte c = b[i++];
      if (lineBytes == 0) {
        lineStart = now;
        if (replyBytes == 0) {
          replyStart = now;
        }
      }
      if (lineBytes < HEAD) {
        head[(int) lineBytes] = c;
      }
      tail[(int) (lineBytes % TAIL)] = c;
      lineBytes++;
      replyBytes++;
      if (lineBytes > limits.maxLineBytes()) {
        throw violation("a response line longer than " + limits.maxLineBytes() + " bytes (limits.maxLineBytes)");
      }
      if (imap) {
        nesting(c);
        if (lineBytes == STATUS_PREFIX.length() && !continuation) {
          status = startsWith(STATUS_PREFIX) ? new StatusValues() : null;
        }
        if (status != null && depth >= 1 && !quoted) {
          status.next(c);
        }
      } else if (replyBytes > limits.maxSmtpReplyBytes()) {
        throw violation("a reply longer than " + limits.maxSmtpReplyBytes() + " bytes (limits.maxSmtpReplyBytes)");
      }
      if (c == '\n') {
        endOfLine(now);
      }
    }
    checkTime(now);
    if (after354 && in.available() > 0) {
      throw early354();
    }
  }

  /** RFC 5321 4.3.2: after 354 the server waits for the data; a reply now is not a reply to it. */
  private ServerViolation early354() {
    return violation("a reply right after its 354 (go ahead), before the message data was sent");
  }

  private void nesting(byte c) throws ServerViolation {
    if (quoted) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        quoted = false;
      }
      return;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '(') {
      if (++depth > limits.maxNesting()) {
        throw violation("lists nested deeper than " + limits.maxNesting() + " levels (limits.maxNesting)");
      }
    } else if (c == ')' && depth > 0) {
      depth--;
    }
  }

  private void endOfLine(long now) throws ServerViolation {
    long len = lineBytes;
    lineBytes = 0;
    if (!imap) {
      // RFC 5321 4.2.1: "ddd-" continues a reply, "ddd " (or "ddd") ends it.
      if (!(len >= 5 && head[3] == '-')) {
        replyBytes = 0;
        after354 = len >= 3 && head[0] == '3' && head[1] == '5' && head[2] == '4';
      }
      return;
    }
    long literal = literalSize(len);
    if (literal >= 0) {
      long[] expected = EXPECTED.get();
      long bound = expected != null ? expected[0] : limits.maxLiteralBytes();
      if (literal > bound) {
        throw violation("a literal of " + literal + " bytes, above the " + bound + " bytes expected"
            + (expected != null ? " for what was asked" : " (limits.maxLiteralBytes)"));
      }
      if (expected != null) {
        expected[1] -= literal;
        if (expected[1] < 0) {
          throw violation("literals of more than " + expected[2] + " bytes in all, above what was asked for");
        }
      }
      if (!continuation) {
        response(len);
      }
      continuation = true;
      literalLeft = literal;
      literalStart = now;
      literalRead = 0;
      quoted = false;
      return;
    }
    if (status != null) {
      status.end();
    }
    boolean first = !continuation;
    continuation = false;
    status = null;
    depth = 0;
    quoted = false;
    escaped = false;
    replyBytes = 0;
    if (first) {
      response(len);
      untagged(len);
    }
  }

  private static final String STATUS_PREFIX = "* STATUS ";

  private boolean startsWith(String prefix) {
    for (int i = 0; i < prefix.length(); i++) {
      if (Character.toUpperCase(head[i]) != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Counts LIST/LSUB entries up to the next tagged response, before a reader collects them all. */
  private void response(long len) throws ServerViolation {
    if (len >= 7 && (startsWith("* LIST ") || startsWith("* LSUB "))) {
      if (++listEntries > limits.maxListEntries()) {
        throw violation("more than " + limits.maxListEntries() + " LIST entries for one command (limits.maxListEntries)");
      }
    } else if (len >= 1 && head[0] != '*' && head[0] != '+') {
      listEntries = 0;
    }
  }

  /** The size of a literal announced at the end of the line just read ({@code {n}CRLF}), else -1. */
  private long literalSize(long len) throws ServerViolation {
    int k = (int) len - 1;
    if (k >= 1 && at(k - 1) == '\r') {
      k--;
    }
    if (k < 1 || at(k - 1) != '}') {
      return -1;
    }
    int j = k - 2;
    int digits = 0;
    while (j >= 0 && digits < TAIL - 4 && at(j) >= '0' && at(j) <= '9') {
      j--;
      digits++;
    }
    if (j < 0 || at(j) != '{') {
      if (j >= 0 && digits == TAIL - 4) {
        throw violation("a literal size of more than " + digits + " digits");
      }
      return -1;
    }
    if (digits == 0 || digits > 18) {
      throw violation("a literal size that is not a number");
    }
    long n = 0;
    for (int d = j + 1; d < k - 1; d++) {
      n = n * 10 + (at(d) - '0');
    }
    return n;
  }

  private byte at(int index) {
    return tail[index % TAIL];
  }

  /** Checks the untagged responses whose numbers clients allocate by: EXISTS and UIDVALIDITY. */
  private void untagged(long len) throws ServerViolation {
    if (len < 4 || head[0] != '*' || head[1] != ' ') {
      return;
    }
    String h = new String(head, 0, (int) Math.min(len, HEAD), StandardCharsets.ISO_8859_1).strip();
    int sp = h.indexOf(' ', 2);
    if (sp > 2 && h.regionMatches(true, sp, " EXISTS", 0, 7) && h.length() == sp + 7) {
      String n = h.substring(2, sp);
      if (!n.chars().allMatch(Character::isDigit) || n.length() > 12 || Long.parseLong(n) > limits.maxFolderMessages()) {
        throw violation("'" + h + "' (more messages than limits.maxFolderMessages " + limits.maxFolderMessages() + ")");
      }
    }
    int v = indexOfIgnoreCase(h, "[UIDVALIDITY ");
    if (v >= 0) {
      int close = h.indexOf(']', v);
      String n = close < 0 ? "" : h.substring(v + 13, close);
      if (n.isEmpty() || n.length() > 10 || !n.chars().allMatch(Character::isDigit) || Long.parseLong(n) == 0
          || Long.parseLong(n) > 0xFFFFFFFFL) {
        throw violation("'" + ServerText.shown(h) + "' (UIDVALIDITY must be a number from 1 to 4294967295, RFC 3501 9)");
      }
    }
  }

  private static int indexOfIgnoreCase(String s, String what) {
    for (int i = 0; i + what.length() <= s.length(); i++) {
      if (s.regionMatches(true, i, what, 0, what.length())) {
        return i;
      }
    }
    return -1;
  }

  private void checkTime(long now) throws SocketTimeoutException {
    if (timeoutNanos <= 0) {
      return;
    }
    if (literalLeft > 0) {
      long allowed = timeoutNanos + (long) (literalRead * 1e9 / limits.minLiteralBytesPerSecond());
      if (now - literalStart > allowed) {
        throw new SocketTimeoutException(server + " sent a literal " + SLOW + ": under " + limits.minLiteralBytesPerSecond()
            + " bytes per second (" + literalRead + " bytes in " + Duration.ofNanos(now - literalStart).toSeconds()
            + " s; limits.minLiteralBytesPerSecond)");
      }
      return;
    }
    long started = imap ? lineStart : replyStart;
    if ((lineBytes > 0 || (!imap && replyBytes > 0)) && now - started > timeoutNanos) {
      throw new SocketTimeoutException(server + " did not complete a " + (imap ? "response line" : "reply")
          + " within the read timeout of " + Duration.ofNanos(timeoutNanos).toMillis() + " ms (it sends " + SLOW + ")");
    }
  }

  private ServerViolation violation(String what) {
    return new ServerViolation("sent " + what);
  }
}
