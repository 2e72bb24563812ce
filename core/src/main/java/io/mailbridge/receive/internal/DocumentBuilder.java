package io.mailbridge.receive.internal;

import io.mailbridge.imap.RawMessage;
import io.mailbridge.mime.MessageParser;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.receive.ReceiveSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.james.mime4j.MimeException;

/** Turns one fetched message into a {@link MailDocument}: parse, store attachments, tracked properties. */
final class DocumentBuilder {
  private final Endpoint endpoint;
  private final ReceiveSettings settings;
  private final DocumentCache cache;
  private final boolean keepRawFiles;
  private final String mailbox;

  DocumentBuilder(Endpoint endpoint, ReceiveSettings settings, DocumentCache cache, boolean keepRawFiles) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.cache = cache;
    this.keepRawFiles = keepRawFiles;
    this.mailbox = endpoint.auth().user() + "@" + endpoint.host() + ":" + endpoint.port();
  }

  String mailbox() {
    return mailbox;
  }

  DocumentCache cache() {
    return cache;
  }

  /** A document, and whether it took ownership of the message's temp file. */
  record Built(MailDocument document, boolean keepsFile) {}

  Built build(RawMessage m, String folderName, long uidValidity) throws IOException, MimeException {
    return build(m, folderName, uidValidity, Map.of(), null);
  }

  /**
   * Like {@link #build(RawMessage, String, long)}; the parts in {@code withheld} (part path ->
   * reason) are hashed but not stored. With a {@code reference}, {@code m} is only the header block
   * of a message over the size limit: the document lists the reference's attachments, nothing stored.
   */
  Built build(RawMessage m, String folderName, long uidValidity, Map<String, String> withheld,
      SizeGate.Reference reference) throws IOException, MimeException {
    DocumentCache.PartId id = new DocumentCache.PartId(mailbox, folderName, uidValidity, m.uid(), "0");
    MessageParser.Parsed<Attachment> p;
    MessageParser.Limits limits = new MessageParser.Limits(settings.maxBodyBytes(), settings.maxPartDepth(),
        settings.maxParts(), settings.maxHeaderBytes());
    try (InputStream in = m.open()) {
      MessageParser.Body body = body(settings.format());
      p = reference != null ? MessageParser.parseHeader(in, body, settings.includeHeaders(), limits)
          : MessageParser.parse(in, body, settings.includeHeaders(), limits,
          (decoded, part) -> {
            DocumentCache.PartMeta meta = DocumentCache.PartMeta.of(id, part);
            String why = withheld.get(part.path());
            return why == null ? store(decoded, meta) : hashOnly(decoded, meta, Optional.of(why));
          });
    }
    List<String> warnings = new ArrayList<>(m.warnings());
    warnings.addAll(p.warnings());
    List<Attachment> attachments = p.attachments();
    if (reference != null) {
      attachments = reference.listed();
      warnings.add(reference.reason() + (reference.text() != null ? ": only the header, the structure and the body "
          + "text (part " + reference.textPart().path() + ") were read" : ": only the header and the structure were read")
          + "; the rest and " + attachments.size() + " attachment(s) stay on the server");
    }
    for (Attachment a : attachments) {
      if (reference == null && a.withheld().isPresent()) {
        warnings.add("attachment '" + a.fileName() + "' (part " + a.partPath() + ", " + a.size() + " bytes) "
            + a.withheld().get());
      }
    }
    if (p.from().isEmpty() && !warnings.contains("no From address")) {
      warnings.add("no From address");
    }
    TrackedProperties.Builder tp = TrackedProperties.builder()
        .attachmentsCount(attachments.size())
        .contentType(each(attachments, Attachment::contentType))
        .fileName(each(attachments, Attachment::fileName))
        .fromAddress(p.from().isEmpty() ? "" : p.from().get(0))
        .fromFolder(folderName)
        .messageId(p.messageId())
        .subject(p.subject())
        .toAddress(p.to())
        .cc(p.cc())
        .bcc(p.bcc())
        .replyTo(p.replyTo())
        .uid(m.uid())
        .uidValidity(uidValidity)
        .folder(folderName)
        .size(m.size())
        .flags(m.flags());
    if (m.internalDate() != null) {
      tp.receivedDate(m.internalDate());
    }
    p.date().ifPresent(tp::date);
    MailDocument.Builder doc = MailDocument.builder()
        .key(documentKey(folderName, uidValidity, m.uid()))
        .properties(tp.build())
        .format(settings.format())
        .attachments(attachments)
        .warnings(warnings)
        .headers(p.headers())
        .reference(reference != null || attachments.stream().anyMatch(a -> a.withheld().isPresent()));
    if (reference != null && reference.text() != null) {
      doc.text(reference.text());
    } else {
      p.text().ifPresent(doc::text);
    }
    boolean keepsFile = false;
    if (settings.format() == BodyFormat.EML) {
      if (m.file() == null) {
        doc.raw(m.copyBytes());
      } else if (cache != null) {
        try (InputStream in = m.open()) {
          DocumentCache.Entry e = cache.put(in, new DocumentCache.PartMeta(id, "message.eml", "message/rfc822",
              p.messageId(), false, Optional.empty()));
          doc.rawFile(e.path());
        }
      } else {
        doc.rawFile(m.file());
        keepsFile = keepRawFiles;
      }
    }
    return new Built(doc.build(), keepsFile);
  }

  private Attachment store(InputStream decoded, DocumentCache.PartMeta meta) {
    if (cache != null) {
      DocumentCache.Entry e = cache.put(decoded, meta);
      return new Attachment(e.partPath(), e.fileName(), e.contentType(), e.size(), e.sha256(), e.inline(),
          e.contentId(), Optional.of(e.key()), Optional.of(e.path()));
    }
    return hashOnly(decoded, meta, Optional.empty());
  }

  /** One value per attachment, as an immutable list the document keeps without copying it again. */
  private static List<String> each(List<Attachment> attachments, java.util.function.Function<Attachment, String> f) {
    if (attachments.isEmpty()) {
      return List.of();
    }
    String[] out = new String[attachments.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = f.apply(attachments.get(i));
    }
    return List.of(out);
  }

  private static Attachment hashOnly(InputStream decoded, DocumentCache.PartMeta meta, Optional<String> withheld) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long size = new DigestInputStream(decoded, sha).transferTo(java.io.OutputStream.nullOutputStream());
      return new Attachment(meta.id().partPath(), meta.fileName(), meta.contentType(), size,
          HexFormat.of().formatHex(sha.digest()), meta.inline(), meta.contentId(), Optional.empty(), Optional.empty(),
          withheld);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The body text of a reference document from its one fetched part: the part's bytes under a
   * minimal MIME header (its type, charset and transfer encoding from BODYSTRUCTURE), parsed as usual.
   */
  String referenceText(SizeGate.Part part, byte[] raw) throws IOException, MimeException {
    StringBuilder h = new StringBuilder("Content-Type: ").append(part.contentType());
    if (part.charset() != null && part.charset().matches("[A-Za-z0-9._:+-]{1,64}")) {
      h.append("; charset=").append(part.charset());
    }
    h.append("\r\n");
    if (part.encoding() != null && part.encoding().matches("[A-Za-z0-9-]{1,32}")) {
      h.append("Content-Transfer-Encoding: ").append(part.encoding()).append("\r\n");
    }
    h.append("\r\n");
    byte[] head = h.toString().getBytes(StandardCharsets.US_ASCII);
    InputStream in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head),
        new java.io.ByteArrayInputStream(raw));
    MessageParser.Parsed<Attachment> p = MessageParser.parse(in,
        settings.format() == BodyFormat.EML ? MessageParser.Body.TEXT : body(settings.format()), false,
        new MessageParser.Limits(settings.maxBodyBytes(), 1, 1, settings.maxHeaderBytes()), (decoded, inner) -> {
              throw new IllegalStateException("a text part has no attachments");
            });
    return p.text().orElse("");
  }

  /** The parser's body text for a document format: the raw message keeps no text of its own. */
  static MessageParser.Body body(BodyFormat format) {
    return switch (format) {
      case TEXT -> MessageParser.Body.TEXT;
      case HTML -> MessageParser.Body.HTML;
      case EML -> MessageParser.Body.NONE;
    };
  }

  /** RFC 5092 IMAP URL form: stable for the message while UIDVALIDITY holds. */
  String documentKey(String folderName, long uidValidity, long uid) {
    // The part before the UID is the same for a whole run: encode it once, not per message.
    KeyPrefix p = keyPrefix;
    if (p == null || p.uidValidity != uidValidity || !p.folder.equals(folderName)) {
      p = new KeyPrefix(folderName, uidValidity, "imap://" + enc(endpoint.auth().user()) + "@" + endpoint.host() + ":"
          + endpoint.port() + "/" + enc(folderName).replace("%2F", "/") + ";UIDVALIDITY=" + uidValidity + "/;UID=");
      keyPrefix = p;
    }
    return p.text + uid;
  }

  private record KeyPrefix(String folder, long uidValidity, String text) {}

  private volatile KeyPrefix keyPrefix;

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

}
