package io.mailbridge.mime;

import io.mailbridge.base.Ascii;
import io.mailbridge.base.MailDates;
import io.mailbridge.MailbridgeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
import org.apache.james.mime4j.stream.Field;
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

  private static final java.util.regex.Pattern COMMENT = java.util.regex.Pattern.compile("\\([^)]*\\)");
  /** Per parse thread: where a text body is read (a parse never reads two bodies at once). */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[32 * 1024]);

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

  private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s{2,}");

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
    return parse(raw, new Handler<>(format, includeHeaders, limits, sink, null), headerOnly);
  }

  private static <A> Parsed<A> parse(InputStream raw, Handler<A> h, boolean headerOnly)
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
  private static final class LimitReached extends MimeException {
    LimitReached() {
      super("limit reached");
    }
  }

  private static final class Handler<A> extends AbstractContentHandler {
    private final Body format;
    private final boolean includeHeaders;
    private final long maxBodyBytes;
    private final Limits limits;
    private final PartSink<A> sink;
    private long headerBytes;
    private int partsNotStored;
    private boolean stopped;
    private boolean headerOnly;
    private final List<String> warnings = new ArrayList<>();
    final DecodeMonitor monitor = new DecodeMonitor() {
      @Override
      public boolean warn(String message, String dropDesc) {
        addWarning(message + (dropDesc == null ? "" : " (" + dropDesc + ")"));
        return false; // keep going: lenient
      }

      @Override
      public boolean isListening() {
        return true;
      }
    };

    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private String subject = "";
    private List<String> from = List.of();
    private List<String> to = List.of();
    private List<String> cc = List.of();
    private List<String> bcc = List.of();
    private List<String> replyTo = List.of();
    private String messageId = "";
    private OffsetDateTime date;
    private boolean sawMessageId;
    private boolean sawDate;
    private boolean sawSubject;

    private final List<A> attachments = new ArrayList<>();
    private String plain;
    private String html;

    // IMAP part numbering (RFC 3501 6.4.5): a stack of (prefix, counter) per open multipart.
    private final Deque<int[]> counters = new ArrayDeque<>();
    private final Deque<String> prefixes = new ArrayDeque<>();
    private String partPath;
    private final String nestedIn;
    private boolean topHeader = true;
    private String disposition;
    private String contentType;
    private String contentId;

    /**
     * @param nestedIn the part path of the message/rfc822 part this handler reads (for its
     *     attachments only), or null for the message itself
     */
    Handler(Body format, boolean includeHeaders, Limits limits, PartSink<A> sink, String nestedIn) {
      this.nestedIn = nestedIn;
      this.partPath = nestedIn == null ? "1" : nestedIn + ".1";
      this.format = format;
      this.includeHeaders = includeHeaders;
      this.limits = limits;
      this.maxBodyBytes = limits.maxBodyBytes();
      this.sink = sink;
    }

    void addWarning(String w) {
      if (warnings.size() < 100 && !warnings.contains(w)) {
        warnings.add(w);
      }
    }

    @Override
    public void startMultipart(BodyDescriptor bd) throws MimeException {
      if (counters.size() >= limits.maxDepth() && !stopped) {
        // Each nesting level wraps one more boundary stream around the input: reading deeper costs
        // time per byte, so stop here rather than walk a hostile 10,000-level message.
        addWarning("MIME nesting deeper than " + limits.maxDepth() + " levels at part " + partPath
            + ": the rest of the message was not read (receive.maxPartDepth)");
        stopped = true;
        // MimeStreamParser.stop() still walks the nesting below, exponentially slowly: abort instead.
        throw new LimitReached();
      }
      // The message's own multipart numbers its children 1, 2...; a nested one 2.1, 2.2...
      prefixes.push(counters.isEmpty() ? (nestedIn == null ? "" : nestedIn) : partPath);
      counters.push(new int[] {0});
    }

    @Override
    public void endMultipart() {
      if (!counters.isEmpty()) {
        counters.pop();
        prefixes.pop();
      }
    }

    @Override
    public void startHeader() {
      headerBytes = 0;
    }

    @Override
    public void startBodyPart() {
      if (counters.isEmpty()) {
        return; // after a stop
      }
      int n = ++counters.peek()[0];
      String prefix = prefixes.peek();
      partPath = prefix.isEmpty() ? Integer.toString(n) : prefix + "." + n;
      disposition = null;
      contentType = null;
      contentId = null;
    }

    @Override
    public void endHeader() throws MimeException {
      if (topHeader) {
        topHeader = false;
        if (nestedIn != null) {
          return; // a forwarded message: its own header is not the document's
        }
        if (!sawMessageId) {
          addWarning("no Message-ID header");
        }
        if (!sawDate) {
          addWarning("no Date header");
        }
        if (headerOnly) {
          stopped = true;
          throw new LimitReached();
        }
      }
    }

    @Override
    public void field(Field field) throws MimeException {
      headerBytes += field.getRaw() == null ? 0 : field.getRaw().length();
      if (headerBytes > limits.maxHeaderBytes()) {
        throw new MimeException("the header of " + (topHeader ? "the message" : "part " + partPath) + " has more than "
            + limits.maxHeaderBytes() + " bytes (receive.maxHeaderBytes)");
      }
      String name = field.getName();
      String lower = tracked(name);
      if (lower == null && !includeHeaders) {
        return; // neither tracked nor asked for: not even decoded
      }
      String value = HeaderText.value(field.getRaw(), name, this::addWarning);
      if (lower == null) {
        lower = "";
      }
      switch (lower) {
        case "content-type" -> contentType = value;
        case "content-disposition" -> disposition = value;
        case "content-id" -> contentId = value;
        default -> { }
      }
      if (!topHeader || nestedIn != null) {
        return;
      }
      if (includeHeaders) {
        headers.computeIfAbsent(name, k -> new ArrayList<>()).add(HeaderText.decodeWords(value, name, this::addWarning));
      }
      switch (lower) {
        // A field that occurs twice: the first Subject, Message-ID and Date count, and the addresses
        // of every From, To... (as Jakarta Mail's getHeader(name, ",") joins them).
        case "subject" -> {
          if (!sawSubject) {
            sawSubject = true;
            subject = HeaderText.decodeWords(value, name, this::addWarning);
          }
        }
        case "from" -> from = more(from, value, name);
        case "to" -> to = more(to, value, name);
        case "cc" -> cc = more(cc, value, name);
        case "bcc" -> bcc = more(bcc, value, name);
        case "reply-to" -> replyTo = more(replyTo, value, name);
        case "message-id" -> {
          if (!sawMessageId) {
            sawMessageId = true;
            messageId = value;
          }
        }
        case "date" -> {
          if (!sawDate) {
            sawDate = true;
            date = parseDate(value);
          }
        }
        default -> { }
      }
    }

    private List<String> more(List<String> before, String value, String name) {
      List<String> these = HeaderText.addresses(value, name, this::addWarning);
      if (before.isEmpty()) {
        return these;
      }
      List<String> all = new ArrayList<>(before);
      all.addAll(these);
      return List.copyOf(all);
    }

    private OffsetDateTime parseDate(String value) {
      // RFC 5322 3.3, ignoring comments such as "(UTC)" and the obsolete zone names Java knows.
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
        addWarning("Date header '" + HeaderText.abbreviate(value) + "' cannot be parsed");
        return null;
      }
    }

    @Override
    public void body(BodyDescriptor bd, InputStream encoded) throws IOException {
      if (stopped) {
        return;
      }
      InputStream in = decoded(bd, encoded);
      String mime = bd.getMimeType() == null ? "text/plain" : bd.getMimeType().toLowerCase(Locale.ROOT);
      java.util.function.Consumer<String> warn = this::addWarning;
      HeaderText.Structured disp = disposition == null ? null : HeaderText.structured(disposition, "Content-Disposition", warn);
      HeaderText.Structured type = contentType == null ? null : HeaderText.structured(contentType, "Content-Type", warn);
      String fileName = disp == null ? null : disp.param("filename");
      if ((fileName == null || fileName.isBlank()) && type != null) {
        fileName = type.param("name");
      }
      if (fileName != null && fileName.isBlank()) {
        fileName = null;
      }
      boolean isAttachment = disp != null && "attachment".equals(disp.value());
      boolean isInline = disp != null && "inline".equals(disp.value());
      if (!isAttachment && fileName == null && mime.startsWith("text/")) {
        // Not an attachment (README "What counts as an attachment"): text without a name or an
        // attachment disposition is the body, or more of it (a list footer, a second text part).
        if (nestedIn == null && mime.equals("text/plain") && plain == null) {
          plain = readText(bd, in);
        } else if (nestedIn == null && mime.equals("text/html") && html == null) {
          html = readText(bd, in);
        }
        return; // the parser skips what is not read
      }
      if (attachments.size() >= limits.maxParts()) {
        partsNotStored++; // the parser skips what we do not read
        return;
      }
      String cid = contentId == null ? null : stripAngles(contentId);
      String fallback = "part-" + partPath + extension(mime);
      Part part = new Part(partPath, fileName == null ? fallback : fileName, mime, messageId,
          isInline || (!isAttachment && cid != null && !cid.isEmpty()),
          Optional.ofNullable(cid == null || cid.isEmpty() ? null : cid));
      if (fileName != null && !part.fileName().equals(fileName)) {
        addWarning("attachment name '" + HeaderText.abbreviate(fileName) + "' of part " + partPath
            + " was sanitised to '" + part.fileName() + "'");
      }
      if (mime.equals("message/rfc822")) {
        storeMessage(in, part);
      } else {
        attachments.add(sink.store(in, part));
      }
    }

    /**
     * A forwarded message: stored whole (.eml) and read again for its own attachments, listed after
     * it with their part paths inside it (RFC 3501 6.4.5: 2.1, 2.2... in part 2).
     */
    private void storeMessage(InputStream in, Part part) throws IOException {
      String path = part.path();
      int depthLeft = limits.maxDepth() - counters.size() - 1;
      if (depthLeft <= 0) {
        addWarning("the forwarded message in part " + path + " is nested deeper than " + limits.maxDepth()
            + " levels: its attachments were not read (receive.maxPartDepth)");
        attachments.add(sink.store(in, part));
        return;
      }
      try (Spool spool = new Spool()) {
        attachments.add(sink.store(spool.tee(in), part));
        spool.drain(); // what the sink left unread
        Handler<A> inner = new Handler<>(Body.NONE, false, new Limits(maxBodyBytes, depthLeft,
            limits.maxParts() - attachments.size(), limits.maxHeaderBytes()), sink, path);
        inner.messageId = messageId;
        try (InputStream again = spool.open()) {
          Parsed<A> p = parse(again, inner, false);
          attachments.addAll(p.attachments());
          p.warnings().forEach(this::addWarning);
        } catch (MimeException e) {
          addWarning("the attachments of the forwarded message in part " + path + " cannot be read: "
              + e.getMessage());
        }
      }
    }

    private InputStream decoded(BodyDescriptor bd, InputStream in) {
      String enc = bd.getTransferEncoding();
      if (MimeUtil.isBase64Encoding(enc)) {
        return new Base64Decoding(in);
      }
      if (MimeUtil.isQuotedPrintableEncoded(enc)) {
        return new QuotedPrintableInputStream(in, monitor);
      }
      return in;
    }

    private String readText(BodyDescriptor bd, InputStream in) throws IOException {
      // Most bodies fit the thread's scratch buffer: one read loop, one String, no stream copies.
      byte[] scratch = SCRATCH.get();
      int kept = 0;
      ByteArrayOutputStream spill = null;
      long total = 0;
      int n;
      while ((n = in.read(scratch, kept, scratch.length - kept)) != -1) {
        total += n;
        kept += n;
        if (kept == scratch.length) {
          if (spill == null) {
            spill = new ByteArrayOutputStream(scratch.length * 2);
          }
          long room = maxBodyBytes - spill.size();
          if (room > 0) {
            spill.write(scratch, 0, (int) Math.min(room, kept));
          }
          kept = 0;
        }
      }
      if (spill != null) {
        long room = maxBodyBytes - spill.size();
        if (room > 0) {
          spill.write(scratch, 0, (int) Math.min(room, kept));
        }
      }
      if (total > maxBodyBytes) {
        addWarning("body part " + partPath + " has " + total + " bytes: kept the first " + maxBodyBytes
            + " (raise maxBodyBytes or use the EML format)");
      }
      Charset cs = charset(bd.getCharset());
      return spill != null ? spill.toString(cs) : new String(scratch, 0, (int) Math.min(kept, maxBodyBytes), cs);
    }

    private Charset charset(String name) {
      if (name == null || name.isBlank() || name.strip().equalsIgnoreCase("us-ascii")) {
        return StandardCharsets.UTF_8; // superset of the RFC 2045 default US-ASCII, kinder to 8-bit bodies
      }
      Charset known = MimeCharsets.lookup(name);
      if (known == null) {
        addWarning("part " + partPath + " has unknown charset '" + HeaderText.abbreviate(name) + "': read as UTF-8");
        return StandardCharsets.UTF_8;
      }
      return known;
    }

    Parsed<A> result() {
      if (partsNotStored > 0) {
        addWarning(partsNotStored + " more parts after the first " + limits.maxParts()
            + " were not stored (receive.maxParts)");
      }
      String text = null;
      if (format == Body.TEXT) {
        text = plain != null ? plain : html != null ? HtmlText.toText(html) : "";
      } else if (format == Body.HTML) {
        text = html != null ? html : plain != null ? HtmlText.fromText(plain) : "";
      }
      if (includeHeaders) {
        headers.replaceAll((k, v) -> List.copyOf(v));
      }
      return new Parsed<>(subject, from, to, cc, bcc, replyTo, messageId, Optional.ofNullable(date),
          Optional.ofNullable(text), List.copyOf(attachments), List.copyOf(warnings),
          includeHeaders ? headers : Map.of());
    }
  }

  private static String stripAngles(String id) {
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
}
