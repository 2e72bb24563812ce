package io.mailbridge.send.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendSettings;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.internet.PreencodedMimeBodyPart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * Turns a validated {@link Email} (see {@link Validation}) into a MIME message.
 *
 * <p>MIME shape: text and HTML together are {@code multipart/alternative}; inline parts wrap the HTML
 * in {@code multipart/related}; attachments wrap the body in {@code multipart/mixed}. Attachments
 * are always base64 (exact bytes, no content sniffing that would read the file twice); names are
 * RFC 2231 in {@code Content-Disposition: filename*} and RFC 2047 in {@code Content-Type: name}
 * (what older clients read).
 */
public final class Composer {
  static {
    // Same reason as in MailSessions: name the stream provider before the first MIME object
    // (jakartaee/mail-api#861), since composing happens before any connection is opened.
    if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
      System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
  }

  private static final Session SESSION = compositionSession(false);
  /** For messages with internationalized addresses (RFC 6532): header fields written as UTF-8. */
  private static final Session SESSION_UTF8 = compositionSession(true);
  private static final SecureRandom RANDOM = new SecureRandom();

  private Composer() {}

  /** A message ready to transmit. */
  public record Composed(OutgoingMessage message, InternetAddress[] envelope, TrackedProperties properties,
      OptionalLong sizeUpperBound, boolean needsSmtpUtf8) {
    /** Bytes of message data written by the last transmission. */
    public long transmittedBytes() {
      return message.dataBytes();
    }
  }

  private static Session compositionSession(boolean utf8) {
    Properties p = new Properties();
    p.setProperty("mail.mime.allowutf8", Boolean.toString(utf8));
    // RFC 2231 for long and non-ASCII parameters (file names); both are the Jakarta 2.x defaults,
    // set explicitly so a system property cannot turn them off.
    p.setProperty("mail.mime.encodeparameters", "true");
    p.setProperty("mail.mime.splitlongparameters", "true");
    return Session.getInstance(p);
  }


  /**
   * Checks everything the user gave, without touching the network or composing; see {@link Validation}.
   *
   * @param index the position in the batch, for messages ({@code message 3: to[0] ...})
   * @param defaultFrom the sender used when the message has none (the outbound login), may be empty
   */
  public static void validate(Email email, int index, String defaultFrom) {
    Validation.validate(email, index, defaultFrom);
  }

  /**
   * Whether an address itself (not a display name) is non-ASCII: such a message needs SMTPUTF8
   * (RFC 6531) from the server and UTF-8 header fields (RFC 6532).
   */
  public static boolean needsSmtpUtf8(Email email, String defaultFrom) {
    return Validation.needsSmtpUtf8(email, defaultFrom);
  }

  /** Composes a validated message. */
  public static Composed compose(Email email, String defaultFrom) {
    return compose(email, defaultFrom, SendSettings.defaults());
  }

  /**
   * Composes {@code email}; an attachment without a Content-Type gets the settings' (default
   * {@code application/binary}), or one guessed from its name when they ask for that.
   */
  public static Composed compose(Email email, String defaultFrom, SendSettings settings) {
    return compose(email, defaultFrom, settings, EncodedAttachments.NONE);
  }

  /** As {@link #compose(Email, String, SendSettings)}, taking the batch's encoded files from {@code encoded}. */
  static Composed compose(Email email, String defaultFrom, SendSettings settings, EncodedAttachments encoded) {
    try {
      InternetAddress from = Validation.withEncodedName(Validation.parse(email.from().orElse(defaultFrom)).get(0));
      String messageId = email.messageId().orElseGet(() -> newMessageId(from.getAddress()));
      boolean utf8 = needsSmtpUtf8(email, from.getAddress());
      OutgoingMessage m = new OutgoingMessage(utf8 ? SESSION_UTF8 : SESSION, messageId);
      m.setFrom(from);
      if (!email.replyTo().isEmpty()) {
        m.setReplyTo(Validation.parseAll(email.replyTo()).toArray(InternetAddress[]::new));
      }
      List<InternetAddress> to = Validation.parseAll(email.to());
      List<InternetAddress> cc = Validation.parseAll(email.cc());
      List<InternetAddress> bcc = Validation.parseAll(email.bcc());
      if (!to.isEmpty()) {
        m.setRecipients(Message.RecipientType.TO, to.toArray(InternetAddress[]::new));
      }
      if (!cc.isEmpty()) {
        m.setRecipients(Message.RecipientType.CC, cc.toArray(InternetAddress[]::new));
      }
      // Bcc recipients are envelope-only: never set as a header (RFC 5322 3.6.3, option 1).
      m.setSubject(email.subject(), "UTF-8");
      m.setSentDate(new Date());
      for (Map.Entry<String, String> h : email.headers().entrySet()) {
        String value = h.getValue() == null ? "" : h.getValue();
        m.addHeader(h.getKey(), MimeUtility.fold(h.getKey().length() + 2, MimeUtility.encodeText(value, "UTF-8", null)));
      }
      email.priority().ifPresent(p -> {
        try {
          m.setHeader("X-Priority", p.xPriority());
          m.setHeader("Importance", p.importance());
        } catch (MessagingException e) {
          throw new IllegalStateException(e);
        }
      });

      List<String> names = new ArrayList<>();
      List<String> types = new ArrayList<>();
      List<MimeBodyPart> inline = new ArrayList<>();
      List<MimeBodyPart> attached = new ArrayList<>();
      long bound = 16 * 1024 + 3L * (email.text().map(String::length).orElse(0) + email.html().map(String::length).orElse(0));
      boolean bounded = true;
      for (Attachment a : email.attachments()) {
        // An inline part (an image the HTML shows) is named by its type too: a client renders
        // cid:logo only as an image/*, so its type comes from its name unless given.
        boolean guess = settings.contentTypeFromName() || (a.contentId().isPresent() && email.html().isPresent());
        String type = a.givenContentType().orElseGet(() -> guess
            ? ContentTypes.guess(a.fileName(), settings.attachmentContentType()) : settings.attachmentContentType());
        String name = a.fileName().orElseGet(() -> "attachment-" + HexFormat.of().formatHex(randomBytes(4))
            + ContentTypes.extension(type));
        names.add(name);
        types.add(type);
        MimeBodyPart part = attachmentPart(a, type, name, encoded);
        boolean isInline = a.contentId().isPresent() && email.html().isPresent();
        (isInline ? inline : attached).add(part);
        OptionalLong raw = rawSize(a);
        if (raw.isPresent()) {
          // base64: 4/3, plus CRLF every 76 characters, plus part headers
          bound += raw.getAsLong() / 57 * 78 + 78 + 2048 + name.length() * 12L;
        } else {
          bounded = false;
        }
      }
      MimeBodyPart body = body(email, inline);
      if (attached.isEmpty()) {
        copyPart(body, m);
      } else {
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        for (MimeBodyPart p : attached) {
          mixed.addBodyPart(p);
        }
        m.setContent(mixed);
      }
      m.saveChanges();

      List<InternetAddress> envelope = dedupe(to, cc, bcc);
      TrackedProperties props = TrackedProperties.builder()
          .attachmentsCount(email.attachments().size())
          .contentType(types)
          .fileName(names)
          .fromAddress(from.getAddress())
          .messageId(messageId)
          .subject(email.subject())
          .toAddress(envelope.stream().map(InternetAddress::getAddress).toList())
          .cc(cc.stream().map(InternetAddress::getAddress).toList())
          .bcc(bcc.stream().map(InternetAddress::getAddress).toList())
          .replyTo(Validation.parseAll(email.replyTo()).stream().map(InternetAddress::getAddress).toList())
          .build();
      return new Composed(m, envelope.toArray(InternetAddress[]::new), props,
          bounded ? OptionalLong.of(bound) : OptionalLong.empty(), utf8);
    } catch (MessagingException | UnsupportedEncodingException e) {
      throw new BadInputException("cannot compose the message: " + e.getMessage(), e);
    }
  }

  private static Object contentOf(MimeBodyPart body) throws MessagingException {
    try {
      return body.getContent();
    } catch (IOException e) {
      throw new MessagingException("cannot read body", e);
    }
  }

  /** Moves a single body part's content and headers onto the message itself (no needless multipart). */
  private static void copyPart(MimeBodyPart part, OutgoingMessage m) throws MessagingException {
    Object content = contentOf(part);
    if (content instanceof MimeMultipart mp) {
      m.setContent(mp);
    } else {
      // The DataHandler carries the type set by setText ("text/plain; charset=UTF-8").
      m.setDataHandler(part.getDataHandler());
    }
  }

  private static MimeBodyPart body(Email email, List<MimeBodyPart> inline) throws MessagingException {
    MimeBodyPart text = null;
    if (email.text().isPresent()) {
      text = new MimeBodyPart();
      text.setText(email.text().get(), "UTF-8", "plain");
    }
    MimeBodyPart html = null;
    if (email.html().isPresent()) {
      html = new MimeBodyPart();
      html.setText(email.html().get(), "UTF-8", "html");
      if (!inline.isEmpty()) {
        MimeMultipart related = new MimeMultipart("related");
        related.addBodyPart(html);
        for (MimeBodyPart p : inline) {
          related.addBodyPart(p);
        }
        html = new MimeBodyPart();
        html.setContent(related);
      }
    }
    if (text != null && html != null) {
      // RFC 2046 5.1.4: alternatives in increasing order of preference, plain text first.
      MimeMultipart alternative = new MimeMultipart("alternative");
      alternative.addBodyPart(text);
      alternative.addBodyPart(html);
      MimeBodyPart both = new MimeBodyPart();
      both.setContent(alternative);
      return both;
    }
    if (html != null) {
      return html;
    }
    if (text == null) {
      text = new MimeBodyPart();
      text.setText("", "UTF-8", "plain");
    }
    return text;
  }

  private static MimeBodyPart attachmentPart(Attachment a, String type, String name, EncodedAttachments encoded)
      throws MessagingException {
    ContentType ct = new ContentType(type);
    byte[] base64 = null;
    // Jakarta writes multipart/* and message/* bodies unencoded whatever the header says, and a
    // part's non-ASCII header fields as UTF-8 only in its own writer: those keep that writer.
    if (a.source() instanceof Attachment.FromFile f && !ct.match("multipart/*") && !ct.match("message/*")
        && Validation.isAscii(type) && a.contentId().map(Validation::isAscii).orElse(true)) {
      base64 = encoded.base64(f.path()).orElse(null);
    }
    MimeBodyPart part = base64 != null ? new PreencodedMimeBodyPart("base64") : new MimeBodyPart();
    part.setDataHandler(new DataHandler(base64 != null ? new ByteArrayDataSource(base64, type)
        : new PathDataSource(a.source(), type, name)));
    part.setHeader("Content-Disposition", disposition(a.contentId().isPresent() ? "inline" : "attachment", name));
    if (ct.getParameterList() != null) {
      ct.getParameterList().remove("name");
    }
    String encodedName;
    try {
      // RFC 2047 in the Content-Type name parameter, written by hand so it is never split into
      // RFC 2231 continuations: this is what clients without RFC 2231 support read.
      encodedName = Validation.isAscii(name) ? name : MimeUtility.encodeText(name, "UTF-8", "B");
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
    String quoted = "\"" + encodedName.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    part.setHeader("Content-Type", MimeUtility.fold(14, ct + "; name=" + quoted));
    // Always base64: exact bytes, and Jakarta need not read the content to choose an encoding.
    part.setHeader("Content-Transfer-Encoding", "base64");
    if (a.contentId().isPresent()) {
      part.setContentID("<" + Validation.stripBrackets(a.contentId().get()) + ">");
    }
    return part;
  }

  /**
   * RFC 2183 Content-Disposition with the file name: a quoted string when short and ASCII, else
   * RFC 2231 UTF-8 percent-encoding, split into numbered sections of at most ~60 characters on
   * folded lines (Jakarta 2.1 does not split on output, and RFC 5322 2.1.1 caps lines at 998).
   */
  static String disposition(String type, String name) {
    boolean plain = Validation.isAscii(name) && name.length() <= 60
        && name.chars().allMatch(c -> c >= 32 && c < 127 && c != '"' && c != '\\' && c != '%');
    if (plain) {
      return type + "; filename=\"" + name + "\"";
    }
    String enc = percentEncode(name);
    if (enc.length() <= 60) {
      return type + ";\r\n\tfilename*=UTF-8''" + enc;
    }
    StringBuilder out = new StringBuilder(type);
    int section = 0;
    int pos = 0;
    while (pos < enc.length()) {
      int end = Math.min(pos + 60, enc.length());
      // never cut a %XX triplet
      if (end < enc.length() && enc.charAt(end - 1) == '%') {
        end -= 1;
      } else if (end < enc.length() && end >= 2 && enc.charAt(end - 2) == '%') {
        end -= 2;
      }
      out.append(";\r\n\tfilename*").append(section).append("*=").append(section == 0 ? "UTF-8''" : "")
          .append(enc, pos, end);
      section++;
      pos = end;
    }
    return out.toString();
  }

  /** RFC 2231 section 7 / RFC 5987 attr-char: everything else as %XX of the UTF-8 bytes. */
  private static String percentEncode(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return out.toString();
  }

  private static OptionalLong rawSize(Attachment a) {
    if (a.source() instanceof Attachment.FromFile f) {
      try {
        return OptionalLong.of(Files.size(f.path()));
      } catch (IOException e) {
        return OptionalLong.empty();
      }
    }
    if (a.source() instanceof Attachment.FromBytes b) {
      return OptionalLong.of(b.bytes().length);
    }
    return OptionalLong.empty();
  }

  static String newMessageId(String fromAddress) {
    int at = fromAddress.lastIndexOf('@');
    String domain = at >= 0 && at < fromAddress.length() - 1 ? fromAddress.substring(at + 1) : "mailbridge.invalid";
    return "<" + HexFormat.of().formatHex(randomBytes(16)) + "@" + domain + ">";
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    RANDOM.nextBytes(b);
    return b;
  }

  private static List<InternetAddress> dedupe(List<InternetAddress> to, List<InternetAddress> cc, List<InternetAddress> bcc) {
    Map<String, InternetAddress> seen = new LinkedHashMap<>();
    for (List<InternetAddress> l : List.of(to, cc, bcc)) {
      for (InternetAddress a : l) {
        InternetAddress bare = new InternetAddress();
        bare.setAddress(a.getAddress());
        seen.putIfAbsent(a.getAddress().toLowerCase(Locale.ROOT), bare);
      }
    }
    return new ArrayList<>(seen.values());
  }

}
