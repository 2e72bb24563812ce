package io.mailbridge.receive.internal;

import io.mailbridge.imap.Fetcher;
import io.mailbridge.mime.MessageParser;
import io.mailbridge.BadInputException;
import io.mailbridge.document.Attachment;
import io.mailbridge.mime.FileNames;
import io.mailbridge.receive.SizeLimits;
import io.mailbridge.receive.SizePolicy;
import jakarta.mail.internet.MimeUtility;
import java.io.UnsupportedEncodingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.angus.mail.imap.protocol.BODYSTRUCTURE;

/**
 * Applies {@link SizeLimits} to the selected messages before their bodies are fetched: from
 * RFC822.SIZE, and from BODYSTRUCTURE when an attachment limit is set or a message over the limit
 * is to be referenced. One verdict per message.
 */
final class SizeGate {
  /** What happens to one message. */
  sealed interface Verdict {}

  /** Fetched and delivered as usual. */
  record Normal() implements Verdict {}

  /** Fetched; the parts listed (part path -> reason) are hashed but not stored. */
  record Withhold(Map<String, String> parts) implements Verdict {}

  /** Not fetched, reported. */
  record Skip(String reason) implements Verdict {}

  /** Not fetched; the operation stops here. */
  record Fail(String reason) implements Verdict {}

  /**
   * Only the header (and the body text part, when it is within the limits) is fetched; the document
   * lists the attachments from the structure, none stored.
   *
   * @param textPart the body text part to fetch, null when there is none or it is too large
   * @param text the body text once fetched, null before
   */
  record Reference(String reason, List<Attachment> listed, Part textPart, String text) implements Verdict {
    Reference withText(String t) {
      return new Reference(reason, listed, textPart, t);
    }
  }

  private static final Verdict NORMAL = new Normal();

  private final SizeLimits limits;
  private final String folder;

  SizeGate(SizeLimits limits, String folder) {
    this.limits = limits;
    this.folder = folder;
  }

  boolean active() {
    return limits.active();
  }

  /**
   * A verdict for each of {@code uids} that still exists ({@code sizes} gives null for one expunged
   * before it was measured). Structures are fetched only when needed: for every message with an
   * attachment limit, else for the messages over the message limit under policy REFERENCE.
   */
  Map<Long, Verdict> decide(Fetcher fetcher, List<Long> uids, java.util.function.LongFunction<Long> sizes) {
    Map<Long, Verdict> out = new LinkedHashMap<>();
    if (!limits.active()) {
      return out;
    }
    List<Long> needStructure = new ArrayList<>();
    for (long uid : uids) {
      Long size = sizes.apply(uid);
      if (size == null) {
        continue;
      }
      if (limits.limitsAttachments() || (limits.messageTooLarge(size) && limits.policy() == SizePolicy.REFERENCE)) {
        needStructure.add(uid);
      }
    }
    Map<Long, Fetcher.Shape> shapes = needStructure.isEmpty() ? Map.of() : fetcher.shapes(needStructure);
    for (long uid : uids) {
      Long size = sizes.apply(uid);
      if (size == null) {
        continue;
      }
      Fetcher.Shape shape = shapes.get(uid);
      out.put(uid, verdict(uid, size, shape == null ? null : shape.structure()));
    }
    return out;
  }

  private Verdict verdict(long uid, long size, BODYSTRUCTURE bs) {
    if (limits.messageTooLarge(size)) {
      String why = "uid " + uid + " in " + folder + " is " + size + " bytes, above maxMessageBytes "
          + limits.maxMessageBytes();
      return switch (limits.policy()) {
        case SKIP -> new Skip(why + ": not downloaded, left on the server (size policy skip)");
        case FAIL -> new Fail(why + " (size policy fail): raise the limit, or choose size policy skip or reference");
        case REFERENCE -> {
          String reason = "message is " + size + " bytes, above maxMessageBytes " + limits.maxMessageBytes()
              + ": not downloaded";
          yield new Reference(reason, bs == null ? List.of() : listed(bs, reason), bs == null ? null : textPart(bs),
              null);
        }
      };
    }
    if (!limits.limitsAttachments() || bs == null) {
      return NORMAL;
    }
    Map<String, String> over = new LinkedHashMap<>();
    List<Part> parts = new ArrayList<>();
    leaves(bs, "", parts);
    for (Part p : parts) {
      if (!p.body() && p.decodedSize() > limits.maxAttachmentBytes()) {
        over.put(p.path(), p.fileName() + " (part " + p.path() + ", about " + p.decodedSize() + " bytes)");
      }
    }
    if (over.isEmpty()) {
      return NORMAL;
    }
    String what = "uid " + uid + " in " + folder + " has an attachment above maxAttachmentBytes "
        + limits.maxAttachmentBytes() + ": " + String.join(", ", over.values());
    return switch (limits.policy()) {
      case SKIP -> new Skip(what + "; not downloaded, left on the server (size policy skip)");
      case FAIL -> new Fail(what + " (size policy fail): raise the limit, or choose size policy skip or reference");
      case REFERENCE -> {
        Map<String, String> reasons = new LinkedHashMap<>();
        over.keySet().forEach(k -> reasons.put(k, "attachment above maxAttachmentBytes " + limits.maxAttachmentBytes()
            + ": not stored"));
        yield new Withhold(reasons);
      }
    };
  }

  /**
   * The part holding the body text (text/plain, else text/html) when it fits both limits: fetched
   * alone ({@code BODY.PEEK[n]}) for a reference document.
   */
  private Part textPart(BODYSTRUCTURE bs) {
    List<Part> parts = new ArrayList<>();
    leaves(bs, "", parts);
    Part text = parts.stream().filter(p -> p.text("text/plain")).findFirst()
        .orElse(parts.stream().filter(p -> p.text("text/html")).findFirst().orElse(null));
    if (text == null || text.encodedSize() > limits.maxMessageBytes() || text.decodedSize() > limits.maxAttachmentBytes()) {
      return null;
    }
    return text;
  }

  /** The attachments of a message from its structure, all withheld with {@code reason}. */
  private static List<Attachment> listed(BODYSTRUCTURE bs, String reason) {
    List<Part> parts = new ArrayList<>();
    leaves(bs, "", parts);
    List<Attachment> out = new ArrayList<>();
    for (Part p : parts) {
      if (!p.body()) {
        out.add(new Attachment(p.path(), p.fileName(), p.contentType(), p.decodedSize(), "", p.inline(),
            Optional.ofNullable(p.contentId()), Optional.empty(), Optional.empty(), Optional.of(reason)));
      }
    }
    return out;
  }

  /**
   * A leaf part as BODYSTRUCTURE describes it; {@code body} when it is not an attachment (text
   * without a name or an attachment disposition), {@code nested} inside a forwarded message.
   */
  record Part(String path, String contentType, String fileName, long decodedSize, boolean inline, String contentId,
      boolean body, long encodedSize, String charset, String encoding, boolean nested) {
    /** Whether this is the message's own body text of the given type. */
    boolean text(String type) {
      return body && !nested && contentType.equals(type);
    }
  }

  /**
   * The leaf parts with their IMAP part numbers (RFC 3501 6.4.5: a non-multipart message is part 1,
   * the children of a multipart 1, 2..., nested 2.1...). A message/rfc822 part is a leaf, as the
   * parser stores it whole, followed by the leaves of the message inside it (2.1, 2.2...). Text
   * without a file name and not marked attachment is not an attachment, as in the parser.
   */
  static void leaves(BODYSTRUCTURE bs, String prefix, List<Part> out) {
    leaves(bs, prefix, out, false);
  }

  private static void leaves(BODYSTRUCTURE bs, String prefix, List<Part> out, boolean nested) {
    if (bs.isMulti() && bs.bodies != null) {
      for (int i = 0; i < bs.bodies.length; i++) {
        String path = prefix.isEmpty() ? Integer.toString(i + 1) : prefix + "." + (i + 1);
        leaves(bs.bodies[i], path, out, nested);
      }
      return;
    }
    String path = prefix.isEmpty() ? "1" : prefix;
    String type = (lower(bs.type) + "/" + lower(bs.subtype));
    String disp = lower(bs.disposition);
    String name = bs.dParams == null ? null : bs.dParams.get("filename");
    if (name == null && bs.cParams != null) {
      name = bs.cParams.get("name");
    }
    if (name != null) {
      try {
        name = MimeUtility.decodeText(name); // RFC 2047 words in a parameter, as senders often write them
      } catch (UnsupportedEncodingException e) {
        // keep it as it came
      }
    }
    boolean attachment = "attachment".equals(disp);
    boolean body = type.startsWith("text/") && !attachment && name == null;
    long size = Math.max(0, bs.size);
    // Base64 (RFC 2045 6.8): 4 characters per 3 bytes, in lines of 76 characters + CRLF.
    long decoded = "base64".equals(lower(bs.encoding)) ? Math.round(size * 0.75 * 76 / 78) : size;
    String cid = bs.id == null ? null : bs.id.replaceAll("^<|>$", "");
    out.add(new Part(path, type, FileNames.sanitize(name, "part-" + path + MessageParser.extension(type)), decoded,
        "inline".equals(disp) || (!attachment && cid != null && !cid.isEmpty()), cid, body, size,
        bs.cParams == null ? null : bs.cParams.get("charset"), bs.encoding, nested));
    if (bs.isNested() && bs.bodies != null && bs.bodies.length == 1) {
      BODYSTRUCTURE inner = bs.bodies[0];
      leaves(inner, inner.isMulti() ? path : path + ".1", out, true);
    }
  }

  private static String lower(String s) {
    return s == null ? "" : s.toLowerCase(Locale.ROOT);
  }

  /** The error for a {@link Fail} verdict. */
  static BadInputException failure(Fail f) {
    return new BadInputException("message " + f.reason());
  }
}
