package io.mailbridge.mime;

import static io.mailbridge.mime.MessageParser.*;

import io.mailbridge.mime.MessageParser.Body;
import io.mailbridge.mime.MessageParser.Limits;
import io.mailbridge.mime.MessageParser.PartSink;
import io.mailbridge.mime.MessageParser.Parsed;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.parser.AbstractContentHandler;
import org.apache.james.mime4j.parser.MimeStreamParser;
import org.apache.james.mime4j.stream.BodyDescriptor;
import org.apache.james.mime4j.stream.Field;

/**
 * The mime4j content handler of one parse: reads the tracked header fields, keeps the body text and
 * hands every attachment to the parse's {@link MessageParser.PartSink}; what cannot be read cleanly
 * becomes a warning.
 */
final class MessageHandler<A> extends AbstractContentHandler {
  private final Body format;
  private final boolean includeHeaders;
  private final long maxBodyBytes;
  final Limits limits;
  private final PartSink<A> sink;
  private long headerBytes;
  private int partsNotStored;
  private boolean stopped;
  boolean headerOnly;
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
  final String nestedIn;
  private boolean topHeader = true;
  private String disposition;
  private String contentType;
  private String contentId;

  /**
   * @param nestedIn the part path of the message/rfc822 part this handler reads (for its
   *     attachments only), or null for the message itself
   */
  MessageHandler(Body format, boolean includeHeaders, Limits limits, PartSink<A> sink, String nestedIn) {
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
    OffsetDateTime d = headerDate(value);
    if (d == null) {
      addWarning("Date header '" + HeaderText.abbreviate(value) + "' cannot be parsed");
    }
    return d;
  }

  @Override
  public void body(BodyDescriptor bd, InputStream encoded) throws IOException {
    if (stopped) {
      return;
    }
    InputStream in = decoded(bd, monitor, encoded);
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
      MessageHandler<A> inner = new MessageHandler<>(Body.NONE, false, new Limits(maxBodyBytes, depthLeft,
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
