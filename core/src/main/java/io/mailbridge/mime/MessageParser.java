package io.mailbridge.mime;

import io.mailbridge.base.Ascii;
import io.mailbridge.base.MailDates;
import io.mailbridge.MailbridgeException;
import java.io.IOException;
import java.io.InputStream;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.io.MaxHeaderLengthLimitException;
import org.apache.james.mime4j.io.MaxHeaderLimitException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.QuotedPrintableInputStream;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.util.MimeUtil;

/**
 * Reads one raw RFC 822 message with mime4j's streaming parser (never a whole DOM): the header
 * fields Receive tracks, the body in the chosen format, and every attachment decoded straight into
 * a {@link PartSink}. Lenient: what cannot be read cleanly becomes a warning, not a failure.
 */
public final class MessageParser {
  /**
   * Bounds against hostile input, all well above real mail (RFC 5322 allows 998-byte lines).
   *
   * @param maxBodyBytes longest body text kept in memory; longer bodies are cut with a warning
   * @param maxDepth deepest multipart nesting read; the parse stops there with a warning
   * @param maxParts most parts handed to the sink; further parts are counted in a warning
   * @param maxHeaderBytes most bytes of one header block; more fails the message
   */
  public record Limits(long maxBodyBytes, int maxDepth, int maxParts, int maxHeaderBytes) {
    /** The {@code ReceiveSettings} defaults with the given body bound. */
    public static Limits defaults(long maxBodyBytes) {
      return new Limits(maxBodyBytes, 50, 1000, 1 << 20);
    }
  }

  private static MimeConfig config(Limits limits) {
    return MimeConfig.custom()
        .setStrictParsing(false)
        .setMaxLineLen(-1)
        .setMaxHeaderCount(10_000)
        .setMaxHeaderLen(limits.maxHeaderBytes())
        .setMaxContentLen(-1)
        // A line that is neither a field nor a fold is skipped with a warning and the header read on,
        // as Jakarta Mail and the Ruby mail gem read it (mime4j's other way, taking it as the start
        // of the body, fails inside mime4j when the body is multipart).
        .setMalformedHeaderStartsBody(false)
        .build();
  }

  static final java.util.regex.Pattern COMMENT = java.util.regex.Pattern.compile("\\([^)]*\\)");
  /** Per parse thread: where a text body is read (a parse never reads two bodies at once). */
  static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[32 * 1024]);

  /**
   * The lower-case name of a header field Receive reads, or null for any other field; compared
   * without lower-casing every field name of every message.
   */
  static String tracked(String name) {
    String t = switch (name.length()) {
      case 2 -> Ascii.equalsIgnoreCase(name, "to") ? "to" : "cc";
      case 3 -> "bcc";
      case 4 -> Ascii.equalsIgnoreCase(name, "from") ? "from" : "date";
      case 7 -> "subject";
      case 8 -> "reply-to";
      case 10 -> Ascii.equalsIgnoreCase(name, "message-id") ? "message-id" : "content-id";
      case 12 -> "content-type";
      case 19 -> "content-disposition";
      default -> null;
    };
    // mime4j reads field names as ISO-8859-1: there an ASCII comparison decides as equalsIgnoreCase.
    return t != null && Ascii.equalsIgnoreCase(name, t) ? t : null;
  }

  static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s{2,}");

  /**
   * Where decoded attachment bytes go; what it returns for a part is collected in
   * {@link Parsed#attachments()}.
   */
  public interface PartSink<A> {
    A store(InputStream decoded, Part part);
  }

  /** Which body text the parse keeps. */
  public enum Body {
    /** The text/plain body, or text derived from the HTML body when there is no plain one. */
    TEXT,
    /** The text/html body, or the plain body escaped in a {@code <pre>} when there is no HTML. */
    HTML,
    /** No body text (the caller keeps the raw message). */
    NONE
  }

  /** What parsing found. Text is empty for {@link Body#NONE}. */
  public record Parsed<A>(String subject, List<String> from, List<String> to, List<String> cc, List<String> bcc,
      List<String> replyTo, String messageId, Optional<OffsetDateTime> date, Optional<String> text,
      List<A> attachments, List<String> warnings, Map<String, List<String>> headers) {}

  private MessageParser() {}

  /**
   * @param maxBodyBytes longest body text kept in memory; longer bodies are cut with a warning
   */
  public static <A> Parsed<A> parse(InputStream raw, Body format, boolean includeHeaders, long maxBodyBytes,
      PartSink<A> sink) throws IOException, MimeException {
    return parse(raw, format, includeHeaders, Limits.defaults(maxBodyBytes), sink);
  }

  /**
   * Like {@link #parse(InputStream, Body, boolean, long, PartSink)} with
   * explicit limits.
   *
   * @throws MimeException when a header block is larger than {@link Limits#maxHeaderBytes()}
   */
  public static <A> Parsed<A> parse(InputStream raw, Body format, boolean includeHeaders, Limits limits,
      PartSink<A> sink) throws IOException, MimeException {
    return parse(raw, format, includeHeaders, limits, sink, false);
  }

  /**
   * Reads only the message's header block (what a reference document is built from when the body
   * was not downloaded): the parse ends after it, so an absent body causes no warnings.
   */
  public static <A> Parsed<A> parseHeader(InputStream raw, Body format, boolean includeHeaders, Limits limits)
      throws IOException, MimeException {
    return parse(raw, format, includeHeaders, limits, (in, part) -> {
      throw new IllegalStateException("no parts in a header-only parse");
    }, true);
  }

  private static <A> Parsed<A> parse(InputStream raw, Body format, boolean includeHeaders, Limits limits,
      PartSink<A> sink, boolean headerOnly) throws IOException, MimeException {
    return parse(raw, new MessageHandler<>(format, includeHeaders, limits, sink, null), headerOnly);
  }

  static <A> Parsed<A> parse(InputStream raw, MessageHandler<A> h, boolean headerOnly)
      throws IOException, MimeException {
    Limits limits = h.limits;
    h.headerOnly = headerOnly;
    Reusable r = PARSERS.get();
    if (r == null || r.busy || !r.limits.equals(limits)) {
      r = new Reusable(limits);
      if (h.nestedIn == null) {
        PARSERS.set(r); // a forwarded message's parse, inside the parse of its message, keeps its own
      }
    }
    r.busy = true;
    r.current = h.monitor;
    r.parser.setContentHandler(h);
    boolean clean = false;
    try {
      MboxFromLine in = MboxFromLine.of(raw);
      if (in.skipped()) {
        h.addWarning("the message starts with an mbox envelope line ('From ' and no colon, left by an mbox "
            + "archive): skipped");
      }
      r.parser.parse(in);
      clean = true;
    } catch (LimitReached stop) {
      // the handler noted why in a warning; what was read so far makes the document
    } catch (MaxHeaderLengthLimitException | MaxHeaderLimitException e) {
      throw new MimeException("a header is larger than the limit of " + limits.maxHeaderBytes()
          + " bytes (receive.maxHeaderBytes) or has more than 10000 fields: " + e.getMessage(), e);
    } catch (MailbridgeException | java.io.UncheckedIOException fromTheSink) {
      throw fromTheSink; // the Document Cache failed: not the message's fault
    } catch (RuntimeException e) {
      // mime4j's own state checks can trip on hostile input (found by MimeFuzzTest: "unread only works
      // when a buffer is fully read..." for a boundary split by a bare CR): skip the message, with why.
      throw new MimeException("the MIME structure cannot be read (" + e + ")", e);
    } finally {
      r.busy = false;
      r.current = DecodeMonitor.SILENT;
      r.parser.setContentHandler(NO_HANDLER); // the document is not kept alive by the thread
      if (!clean && PARSERS.get() == r) {
        PARSERS.remove(); // a parse that ended early may leave mime4j's state half-way: start afresh
      }
    }
    return h.result();
  }

  /**
   * Per parse thread: one mime4j parser for all the messages it parses. Made per message, its
   * set-up (configuration, token stream, field buffer) allocates more than a small message's fields.
   */
  private static final ThreadLocal<Reusable> PARSERS = new ThreadLocal<>();
  private static final AbstractContentHandler NO_HANDLER = new AbstractContentHandler() { };

  /** A parser and the monitor it reports to, which passes warnings to the current message's handler. */
  private static final class Reusable extends DecodeMonitor {
    final Limits limits;
    final MimeStreamParser parser;
    DecodeMonitor current = DecodeMonitor.SILENT;
    boolean busy;

    Reusable(Limits limits) {
      this.limits = limits;
      this.parser = new MimeStreamParser(config(limits), this, new BodyDescriptors());
      // Bodies arrive encoded and Handler.body decodes them: base64 block-wise (Base64Decoding).
      parser.setContentDecoding(false);
      // message/rfc822 parts (forwarded mail) are stored whole as .eml and read again for their
      // attachments (Handler.storeMessage): the parser itself does not descend.
      parser.setNoRecurse();
    }

    @Override
    public boolean warn(String message, String dropDesc) {
      return current.warn(message, dropDesc);
    }

    @Override
    public boolean isListening() {
      return current.isListening();
    }
  }

  /** Thrown by the handler to end parsing at once; never leaves this class. */
  static final class LimitReached extends MimeException {
    LimitReached() {
      super("limit reached");
    }
  }


  static String stripAngles(String id) {
    String s = id.strip();
    if (s.startsWith("<")) {
      s = s.substring(1);
    }
    if (s.endsWith(">")) {
      s = s.substring(0, s.length() - 1);
    }
    return s.strip();
  }

  public static String extension(String mime) {
    return switch (mime) {
      case "message/rfc822" -> ".eml";
      case "text/plain" -> ".txt";
      case "text/html" -> ".html";
      case "image/png" -> ".png";
      case "image/jpeg" -> ".jpg";
      case "image/gif" -> ".gif";
      case "application/pdf" -> ".pdf";
      default -> ".bin";
    };
  }

  /** An RFC 5322 date (RFC 5322 3.3, ignoring comments such as "(UTC)"), or null when unreadable. */
  static OffsetDateTime headerDate(String value) {
    String v = value;
    if (v.indexOf('(') >= 0) {
      v = COMMENT.matcher(v).replaceAll("");
    }
    if (v.contains("  ") || v.indexOf('\t') >= 0 || v.indexOf('\r') >= 0 || v.indexOf('\n') >= 0) {
      v = SPACES.matcher(v).replaceAll(" ");
    }
    v = v.strip();
    OffsetDateTime fast = MailDates.rfc5322(v);
    if (fast != null) {
      return fast;
    }
    try {
      return OffsetDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A body part's content with its Content-Transfer-Encoding undone. */
  static InputStream decoded(BodyDescriptor bd, DecodeMonitor monitor, InputStream in) {
    String enc = bd.getTransferEncoding();
    if (MimeUtil.isBase64Encoding(enc)) {
      return new Base64Decoding(in);
    }
    if (MimeUtil.isQuotedPrintableEncoded(enc)) {
      return new QuotedPrintableInputStream(in, monitor);
    }
    return in;
  }
}
