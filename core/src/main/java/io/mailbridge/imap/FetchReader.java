package io.mailbridge.imap;

import io.mailbridge.base.Ascii;
import io.mailbridge.base.MailDates;
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
 * for it, copied in bounded chunks into a stream (a temp file) or lent as a stream to a reader on
 * another thread: no response is held whole in memory beyond the small bodies themselves. Only
 * the response lines reach the trace, never a literal's bytes. Not thread-safe; one instance per
 * command.
 */
final class FetchReader {
  private static final DateTimeFormatter INTERNALDATE =
      DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

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

    /**
     * Instead of {@link #open}: hands the body literal of {@code sofar} to its reader as a stream
     * and returns once the reader is done with it; what it left unread is skipped. False (the
     * default) to use {@link #open}.
     */
    default boolean lend(Fetch sofar, InputStream literal) throws IOException {
      return false;
    }
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
  private final int bufferBytes;
  /** The scanner of the current {@link #read}. */
  private ImapScanner scan;
  /** The FETCH item name being read. */
  private final StringBuilder name = new StringBuilder(16);

  /**
   * @param in the connection's input, positioned at the start of a response
   * @param bufferBytes the read buffer; also the largest chunk written to a body stream
   */
  FetchReader(InputStream in, int bufferBytes) {
    this.in = in;
    this.bufferBytes = bufferBytes;
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
    this.scan = new ImapScanner(in, bufferBytes, trace);
    String bye = null;
    while (true) {
      if (bye != null && !scan.moreAfterBye()) {
        return new End(null, bye);
      }
      scan.startResponse();
      int c = scan.next();
      if (c == '*') {
        scan.expect(' ');
        Fetch f = untagged(bodies);
        if (f != null) {
          fetches.accept(f);
        } else {
          String text = scan.recorded();
          if (isBye(text)) {
            bye = text;
          } else {
            others.accept(text);
          }
        }
      } else if (c == '+') {
        throw scan.malformed("unexpected continuation request");
      } else {
        String line = scan.restOfResponse();
        if (line.startsWith(tag + " ")) {
          // Whatever the server sent after the tagged reply (unsolicited, e.g. a BYE) is already
          // in the buffer or on its way: read it as untagged responses.
          while (scan.buffered()) {
            scan.startResponse();
            scan.expect('*');
            scan.expect(' ');
            Fetch f = untagged(bodies);
            if (f != null) {
              fetches.accept(f);
            } else {
              others.accept(scan.recorded());
            }
          }
          return new End(line, null);
        }
        throw scan.malformed("unexpected tagged response '" + scan.abbreviate(line) + "' while waiting for " + tag);
      }
    }
  }

  private static boolean isBye(String text) {
    return text.regionMatches(true, 0, "* BYE", 0, 5) && (text.length() == 5 || text.charAt(5) == ' ');
  }

  /** After "* ": a FETCH response is parsed and returned; anything else is recorded and null returned. */
  private Fetch untagged(Bodies bodies) throws IOException {
    int c = scan.peek();
    if (c >= '0' && c <= '9') {
      long n = scan.number();
      scan.expect(' ');
      String word = scan.atom();
      if (word.equalsIgnoreCase("FETCH")) {
        scan.expect(' ');
        Fetch f = new Fetch();
        f.seq = n;
        fetchItems(f, bodies);
        scan.endOfLine();
        if (f.bodyLength < 0) {
          f.text = scan.recorded();
        }
        return f;
      }
    }
    scan.restOfResponse();
    return null;
  }

  private void fetchItems(Fetch f, Bodies bodies) throws IOException {
    scan.expect('(');
    if (scan.peek() == ')') {
      scan.next();
      return;
    }
    while (true) {
      itemName();
      scan.expect(' ');
      if (nameIs("UID", false)) {
        f.uid = scan.number();
      } else if (nameIs("RFC822.SIZE", false)) {
        f.size = scan.number();
      } else if (nameIs("FLAGS", false)) {
        f.flags = flags();
      } else if (nameIs("INTERNALDATE", false)) {
        f.internalDate = date(scan.quoted());
      } else if (nameIs("BODY[]", true) || nameIs("RFC822", false)) {
        body(f, bodies);
      } else {
        scan.skipValue();
      }
      int c = scan.next();
      if (c == ')') {
        return;
      }
      if (c != ' ') {
        throw scan.malformed("expected ' ' or ')' between FETCH items, got " + scan.describe(c));
      }
    }
  }

  /** nstring (RFC 3501 9): a literal, a quoted string or NIL. */
  private void body(Fetch f, Bodies bodies) throws IOException {
    int c = scan.peek();
    if (c == '"') {
      byte[] b = scan.quoted().getBytes(StandardCharsets.ISO_8859_1);
      f.body = b;
      f.bodyLength = b.length;
      return;
    }
    if (c != '{') {
      String nil = scan.atom();
      if (!nil.equalsIgnoreCase("NIL")) {
        throw scan.malformed("expected a literal, a quoted string or NIL for BODY[], got '" + scan.abbreviate(nil) + "'");
      }
      f.nilBody = true;
      return;
    }
    long length = scan.literalLength();
    scan.flushTrace();
    f.bodyLength = length;
    if (bodies != null) {
      ImapScanner.Literal literal = scan.literal(length);
      if (bodies.lend(f, literal)) {
        literal.skipRest();
        return;
      }
    }
    OutputStream out = bodies == null ? null : bodies.open(f, length);
    if (out == null) {
      if (length > Integer.MAX_VALUE - 16) {
        throw scan.malformed("a literal of " + length + " bytes does not fit in memory");
      }
      byte[] b = new byte[(int) length];
      scan.readFully(b);
      f.body = b;
    } else {
      scan.copy(length, out, bodies::wrote);
    }
  }

  /**
   * A FETCH item name into {@link #name}: an atom, with a bracketed section and a partial
   * "<origin>" (may contain spaces). Kept as characters and compared in place: five per message.
   */
  private void itemName() throws IOException {
    name.setLength(0);
    int depth = 0;
    while (true) {
      int c = scan.peek();
      if (c == '[') {
        depth++;
      } else if (c == ']') {
        depth--;
      } else if (depth == 0 && (c == ' ' || c == ')' || c == '(' || c == '\r')) {
        break;
      }
      name.append((char) scan.next());
    }
    if (name.length() == 0) {
      throw scan.malformed("expected a FETCH item name, got " + scan.describe(scan.peek()));
    }
  }

  /** Whether {@link #name} is {@code item} in any case (or starts with it, with {@code prefix}). */
  private boolean nameIs(String item, boolean prefix) {
    return prefix ? Ascii.startsWithIgnoreCase(name, item) : Ascii.equalsIgnoreCase(name, item);
  }

  private List<String> flags() throws IOException {
    int c = scan.peek();
    if (c != '(') {
      scan.skipValue(); // NIL from a non-conforming server
      return List.of();
    }
    scan.next();
    List<String> out = new ArrayList<>(4);
    while (true) {
      c = scan.peek();
      if (c == ')') {
        scan.next();
        return out;
      }
      if (c == ' ') {
        scan.next();
        continue;
      }
      out.add(scan.atom());
    }
  }

  private static OffsetDateTime date(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    OffsetDateTime fast = MailDates.internalDate(t);
    if (fast != null) {
      return fast;
    }
    try {
      return ZonedDateTime.parse(t, INTERNALDATE).toInstant().atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      return null; // a date we cannot read is left out, as before
    }
  }
}
