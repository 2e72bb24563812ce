package io.mailbridge.receive.internal;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads the server's answer to one {@code UID FETCH} straight from the connection's input stream
 * (RFC 3501 7.4.2 and the formal syntax of section 9): untagged {@code * n FETCH (...)} responses
 * with UID, FLAGS, RFC822.SIZE, INTERNALDATE and a {@code BODY[]}/{@code BODY[]<origin>} literal,
 * any other untagged response (EXISTS, EXPUNGE, a FETCH the server sent on its own...) in between,
 * up to the tagged OK/NO/BAD, or a BYE.
 *
 * <p>A body literal is read once, either into an exactly sized array or, when {@link Bodies} asks
 * for it, copied in bounded chunks into a stream (a temp file): no response is held whole in
 * memory beyond the small bodies themselves. Only the response lines reach the trace, never a
 * literal's bytes. Not thread-safe; one instance per command.
 */
final class FetchReader {
  private static final DateTimeFormatter INTERNALDATE =
      DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);
  /** A line (without literals) longer than this is not an IMAP response we asked for. */
  private static final int MAX_LINE = 1 << 20;
  /** A response kept whole (lines plus literals other than bodies) is never larger than this. */
  private static final int MAX_KEPT = 16 << 20;

  /** One FETCH response; fields the server did not send are -1 / null. */
  static final class Fetch {
    long seq;
    long uid = -1;
    long size = -1;
    List<String> flags;
    OffsetDateTime internalDate;
    /** The body literal, when it was read into memory. */
    byte[] body;
    /** The body literal's length, also when it was streamed to {@link Bodies#open}; -1 without one. */
    long bodyLength = -1;
    /** BODY[] came as NIL (Dovecot's answer for a message expunged meanwhile). */
    boolean nilBody;
    /** The response text, for a FETCH without a body (e.g. one the server sent on its own). */
    String text;
  }

  /** Where body literals go. */
  interface Bodies {
    /**
     * The stream for the body literal of {@code sofar} (the items before the body are filled in),
     * or null to read it into memory. Bytes are written in chunks of at most the reader's buffer.
     */
    OutputStream open(Fetch sofar, long length) throws IOException;

    /** Called after each chunk written to the stream from {@link #open}. */
    default void wrote(int bytes) {}
  }

  /** How the command ended: the tagged status line, or a BYE (then {@code tagged} is null). */
  record End(String tagged, String bye) {
    /** "OK", "NO" or "BAD" (upper case), or "BYE". */
    String status() {
      if (tagged == null) {
        return "BYE";
      }
      String[] w = tagged.split(" ", 3);
      return w.length > 1 ? w[1].toUpperCase(Locale.ROOT) : "";
    }
  }

  private final InputStream in;
  private final byte[] buf;
  private int pos;
  private int lim;
  /** The current response as read, literals of FETCH bodies left out. */
  private byte[] rec = new byte[256];
  private int recLen;
  /** Where the current trace line starts in {@link #rec}. */
  private int traceFrom;
  private Consumer<String> trace;

  /**
   * @param in the connection's input, positioned at the start of a response
   * @param bufferBytes the read buffer; also the largest chunk written to a body stream
   */
  FetchReader(InputStream in, int bufferBytes) {
    this.in = in;
    this.buf = new byte[bufferBytes];
  }

  /**
   * Reads responses up to the tagged one for {@code tag} (or a BYE followed by the end of the
   * stream). Each FETCH response goes to {@code fetches}; every other untagged response, as its
   * text (literals inline), to {@code others}. Responses the server had already sent after the
   * tagged one are read too and go to {@code others}, so nothing is left half read.
   *
   * @param trace receives each response line without literal bodies; null for none
   * @throws EOFException when the stream ends before the tagged response (and no BYE came)
   * @throws IOException when the stream fails, or a malformed response leaves it unreadable
   */
  End read(String tag, Bodies bodies, Consumer<Fetch> fetches, Consumer<String> others, Consumer<String> trace)
      throws IOException {
    this.trace = trace;
    String bye = null;
    while (true) {
      if (bye != null && !moreAfterBye()) {
        return new End(null, bye);
      }
      startResponse();
      int c = next();
      if (c == '*') {
        expect(' ');
        Fetch f = untagged(bodies);
        if (f != null) {
          fetches.accept(f);
        } else {
          String text = recorded();
          if (isBye(text)) {
            bye = text;
          } else {
            others.accept(text);
          }
        }
      } else if (c == '+') {
        throw malformed("unexpected continuation request");
      } else {
        String line = restOfResponse();
        if (line.startsWith(tag + " ")) {
          // Whatever the server sent after the tagged reply (unsolicited, e.g. a BYE) is already
          // in the buffer or on its way: read it as untagged responses.
          while (pos < lim) {
            startResponse();
            expect('*');
            expect(' ');
            Fetch f = untagged(bodies);
            if (f != null) {
              fetches.accept(f);
            } else {
              others.accept(recorded());
            }
          }
          return new End(line, null);
        }
        throw malformed("unexpected tagged response '" + abbreviate(line) + "' while waiting for " + tag);
      }
    }
  }

  /** After a BYE the server closes the connection: its end (or reset) finishes the command. */
  private boolean moreAfterBye() {
    try {
      return fillOrEnd();
    } catch (IOException closed) {
      return false;
    }
  }

  private static boolean isBye(String text) {
    return text.regionMatches(true, 0, "* BYE", 0, 5) && (text.length() == 5 || text.charAt(5) == ' ');
  }

  /** After "* ": a FETCH response is parsed and returned; anything else is recorded and null returned. */
  private Fetch untagged(Bodies bodies) throws IOException {
    int c = peek();
    if (c >= '0' && c <= '9') {
      long n = number();
      expect(' ');
      String word = atom();
      if (word.equalsIgnoreCase("FETCH")) {
        expect(' ');
        Fetch f = new Fetch();
        f.seq = n;
        fetchItems(f, bodies);
        endOfLine();
        if (f.bodyLength < 0) {
          f.text = recorded();
        }
        return f;
      }
    }
    restOfResponse();
    return null;
  }

  private void fetchItems(Fetch f, Bodies bodies) throws IOException {
    expect('(');
    if (peek() == ')') {
      next();
      return;
    }
    while (true) {
      String name = itemName();
      expect(' ');
      String upper = name.toUpperCase(Locale.ROOT);
      if (upper.equals("UID")) {
        f.uid = number();
      } else if (upper.equals("RFC822.SIZE")) {
        f.size = number();
      } else if (upper.equals("FLAGS")) {
        f.flags = flags();
      } else if (upper.equals("INTERNALDATE")) {
        f.internalDate = date(quoted());
      } else if (upper.startsWith("BODY[]") || upper.equals("RFC822")) {
        body(f, bodies);
      } else {
        skipValue();
      }
      int c = next();
      if (c == ')') {
        return;
      }
      if (c != ' ') {
        throw malformed("expected ' ' or ')' between FETCH items, got " + describe(c));
      }
    }
  }

  /** nstring (RFC 3501 9): a literal, a quoted string or NIL. */
  private void body(Fetch f, Bodies bodies) throws IOException {
    int c = peek();
    if (c == '"') {
      byte[] b = quoted().getBytes(StandardCharsets.ISO_8859_1);
      f.body = b;
      f.bodyLength = b.length;
      return;
    }
    if (c != '{') {
      String nil = atom();
      if (!nil.equalsIgnoreCase("NIL")) {
        throw malformed("expected a literal, a quoted string or NIL for BODY[], got '" + abbreviate(nil) + "'");
      }
      f.nilBody = true;
      return;
    }
    long length = literalLength();
    flushTrace();
    f.bodyLength = length;
    OutputStream out = bodies == null ? null : bodies.open(f, length);
    if (out == null) {
      if (length > Integer.MAX_VALUE - 16) {
        throw malformed("a literal of " + length + " bytes does not fit in memory");
      }
      byte[] b = new byte[(int) length];
      readFully(b);
      f.body = b;
    } else {
      copy(length, out, bodies);
    }
  }

  private void copy(long length, OutputStream out, Bodies bodies) throws IOException {
    long left = length;
    while (left > 0) {
      if (pos == lim) {
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw new EOFException("connection closed by the server " + left + " bytes before the end of a "
              + length + "-byte message");
        }
        lim = n;
      }
      int n = (int) Math.min(lim - pos, left);
      out.write(buf, pos, n);
      pos += n;
      left -= n;
      bodies.wrote(n);
    }
  }

  private void readFully(byte[] b) throws IOException {
    int off = Math.min(lim - pos, b.length);
    System.arraycopy(buf, pos, b, 0, off);
    pos += off;
    while (off < b.length) {
      int n = in.read(b, off, b.length - off);
      if (n < 0) {
        throw new EOFException("connection closed by the server " + (b.length - off) + " bytes before the end of a "
            + b.length + "-byte message");
      }
      off += n;
    }
  }

  /** "{n}" CRLF; also the non-synchronizing "{n+}" form. */
  private long literalLength() throws IOException {
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

  /** A FETCH item name: an atom, with a bracketed section and a partial "<origin>" (may contain spaces). */
  private String itemName() throws IOException {
    StringBuilder sb = new StringBuilder();
    int depth = 0;
    while (true) {
      int c = peek();
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (depth == 0 && (c == ' ' || c == ')' || c == '(' || c == '\r')) {
        break;
      }
      sb.append((char) next());
    }
    if (sb.length() == 0) {
      throw malformed("expected a FETCH item name, got " + describe(peek()));
    }
    return sb.toString();
  }

  private List<String> flags() throws IOException {
    int c = peek();
    if (c != '(') {
      skipValue(); // NIL from a non-conforming server
      return List.of();
    }
    next();
    List<String> out = new ArrayList<>(4);
    while (true) {
      c = peek();
      if (c == ')') {
        next();
        return out;
      }
      if (c == ' ') {
        next();
        continue;
      }
      out.add(atom());
    }
  }

  private static OffsetDateTime date(String s) {
    if (s == null) {
      return null;
    }
    try {
      return ZonedDateTime.parse(s.trim(), INTERNALDATE).toInstant().atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null; // a date we cannot read is left out, as before
    }
  }

  /** A value we did not ask for: atom/number/NIL, quoted string, literal or parenthesized list. */
  private void skipValue() throws IOException {
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
      traceFrom = recLen; // a literal's bytes never reach the trace
    } else {
      atom();
    }
  }

  /** A quoted string (RFC 3501 9: quoted-specials escaped with a backslash), or NIL as null. */
  private String quoted() throws IOException {
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
  private String atom() throws IOException {
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

  private long number() throws IOException {
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

  private void endOfLine() throws IOException {
    expect('\r');
    expect('\n');
    flushTrace();
  }

  /** The rest of a response we do not parse, literals included; returns the whole response text. */
  private String restOfResponse() throws IOException {
    int start = recLen;
    while (true) {
      int c = next();
      if (c == '\n' && recLen >= 2 && rec[recLen - 2] == '\r') {
        // A literal "{n}" (or "{n+}") just before CRLF: its bytes belong to this response.
        int close = recLen - 3;
        int open = close;
        if (close >= start && rec[close] == '}') {
          while (open > start && rec[open] != '{') {
            open--;
          }
        }
        if (open < close && rec[open] == '{') {
          int end = rec[close - 1] == '+' ? close - 1 : close;
          long n = -1;
          try {
            n = Long.parseLong(new String(rec, open + 1, end - open - 1, StandardCharsets.US_ASCII));
          } catch (NumberFormatException notLiteral) {
            // "{abc}" at the end of text is text
          }
          if (n >= 0) {
            flushTrace();
            for (long i = 0; i < n; i++) {
              next();
            }
            traceFrom = recLen; // a literal's bytes never reach the trace
            continue;
          }
        }
        flushTrace();
        return recorded();
      }
      if (recLen - start > MAX_LINE) {
        throw malformed("response line longer than " + MAX_LINE + " bytes");
      }
    }
  }

  private void startResponse() {
    recLen = 0;
    traceFrom = 0;
  }

  /** The recorded response without its final CRLF. */
  private String recorded() {
    int end = recLen;
    if (end >= 2 && rec[end - 2] == '\r' && rec[end - 1] == '\n') {
      end -= 2;
    }
    return new String(rec, 0, end, StandardCharsets.ISO_8859_1);
  }

  private void flushTrace() {
    if (trace != null && recLen > traceFrom) {
      int end = recLen;
      while (end > traceFrom && (rec[end - 1] == '\n' || rec[end - 1] == '\r')) {
        end--;
      }
      trace.accept(new String(rec, traceFrom, end - traceFrom, StandardCharsets.UTF_8));
    }
    traceFrom = recLen;
  }

  private void expect(int want) throws IOException {
    int c = next();
    if (c != want) {
      throw malformed("expected " + describe(want) + ", got " + describe(c));
    }
  }

  private int peek() throws IOException {
    if (pos == lim && !fillOrEnd()) {
      throw truncated();
    }
    return buf[pos] & 0xff;
  }

  private int next() throws IOException {
    if (pos == lim && !fillOrEnd()) {
      throw truncated();
    }
    int c = buf[pos++] & 0xff;
    record(c);
    return c;
  }

  private void record(int c) throws IOException {
    if (recLen == rec.length) {
      if (rec.length >= MAX_KEPT) {
        throw malformed("a response over " + MAX_KEPT + " bytes besides message bodies");
      }
      rec = Arrays.copyOf(rec, rec.length * 2);
    }
    rec[recLen++] = (byte) c;
  }

  /** Reads more into the (empty) buffer; false at the end of the stream. */
  private boolean fillOrEnd() throws IOException {
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

  private EOFException truncated() {
    String at = recorded();
    return new EOFException("connection closed by the server in the middle of a response"
        + (at.isEmpty() ? "" : " ('" + abbreviate(at) + "')"));
  }

  private IOException malformed(String what) {
    return new IOException("malformed IMAP response (" + what + ") after '" + abbreviate(recorded()) + "'");
  }

  private static String describe(int c) {
    return c < 0 ? "end of stream" : c >= 0x20 && c < 0x7f ? "'" + (char) c + "'" : String.format("0x%02x", c);
  }

  private static String abbreviate(String s) {
    String one = s.replace("\r", "\\r").replace("\n", "\\n");
    return one.length() <= 80 ? one : one.substring(0, 77) + "...";
  }
}
