package io.mailbridge.fidelity;

import io.mailbridge.mime.FileNames;
import jakarta.mail.BodyPart;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * The reference reading of a raw message, independent of Mailbridge's parser: Jakarta Mail's
 * {@link MimeMessage} (RFC 6532 UTF-8 headers allowed), lenient {@link InternetAddress} parsing and
 * {@link MimeUtility#decodeText}, all in their most lenient settings, as a mail client reads mail.
 *
 * <p>The attachment rule is the one mail clients apply and Receive documents: a leaf part is an
 * attachment when its disposition is {@code attachment}, or it has a file name, or it is not text
 * (a text part without a name is body text, the first or the tenth). A {@code message/rfc822} part
 * is an attachment itself and its own attachments are reported too, numbered by IMAP part paths
 * (RFC 3501 6.4.5: the forwarded message at {@code 2}, its parts {@code 2.1}, {@code 2.2}...).
 * Members of a {@code multipart/digest} without a Content-Type are {@code message/rfc822}
 * (RFC 2046 5.1.5). A part without a file name is named {@code part-<path><extension>}, and every
 * name goes through {@link FileNames#sanitize}: that is Receive's documented naming, not parsing.
 */
public final class ReferenceParse {
  private static final Session SESSION;

  static {
    // Without an explicit stream provider Jakarta Mail 2.1 runs a ServiceLoader scan per header block.
    if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
      System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
    Properties p = new Properties();
    p.put("mail.mime.allowutf8", "true");
    p.put("mail.mime.address.strict", "false");
    p.put("mail.mime.parameters.strict", "false");
    p.put("mail.mime.multipart.ignoremissingendboundary", "true");
    p.put("mail.mime.multipart.ignoremissingboundaryparameter", "true");
    p.put("mail.mime.multipart.allowempty", "true");
    // MimeUtility reads these from the system properties, not the session.
    for (String key : List.of("mail.mime.decodetext.strict=false", "mail.mime.decodefilename=true",
        "mail.mime.decodeparameters=true", "mail.mime.base64.ignoreerrors=true",
        "mail.mime.ignoreunknownencoding=true", "mail.mime.parameters.strict=false")) {
      String[] kv = key.split("=");
      System.setProperty(kv[0], kv[1]);
    }
    SESSION = Session.getInstance(p);
  }

  private ReferenceParse() {}

  /** Thrown when the reference itself cannot read a message: such a message is not counted. */
  public static final class Unreadable extends Exception {
    Unreadable(String why, Throwable cause) {
      super(why, cause);
    }
  }

  /** The reference view of one raw message. */
  public static View read(byte[] raw) throws Unreadable {
    try {
      MimeMessage m = new MimeMessage(SESSION, new ByteArrayInputStream(raw));
      List<String> from = addresses(m, "From");
      List<String> atts = new ArrayList<>();
      List<String> types = new ArrayList<>();
      List<String> names = new ArrayList<>();
      walk(m, "", false, atts, types, names);
      return new View(from.isEmpty() ? "" : from.get(0), addresses(m, "To"), addresses(m, "Cc"), subject(m),
          header(m, "Message-ID"), types, names, atts.size(), atts);
    } catch (MessagingException | IOException | RuntimeException e) {
      throw new Unreadable("Jakarta Mail cannot read it: " + e, e);
    }
  }

  private static String header(MimeMessage m, String name) throws MessagingException {
    String v = m.getHeader(name, null);
    return v == null ? "" : MimeUtility.unfold(v).strip();
  }

  private static String subject(MimeMessage m) throws MessagingException {
    String v = m.getHeader("Subject", null);
    if (v == null) {
      return "";
    }
    try {
      // The field's own surrounding white space goes; what decoding produces (an encoded "_") stays.
      return MimeUtility.decodeText(MimeUtility.unfold(v).strip());
    } catch (java.io.UnsupportedEncodingException e) {
      return MimeUtility.unfold(v).strip();
    }
  }

  /** Every addr-spec of the field, group members included; a group without members adds none. */
  static List<String> addresses(MimeMessage m, String field) throws MessagingException {
    String v = m.getHeader(field, ",");
    List<String> out = new ArrayList<>();
    if (v == null || v.isBlank()) {
      return out;
    }
    InternetAddress[] parsed;
    try {
      parsed = InternetAddress.parseHeader(v, false);
    } catch (AddressException e) {
      return out;
    }
    for (InternetAddress a : parsed) {
      if (a.isGroup()) {
        try {
          for (InternetAddress member : a.getGroup(false)) {
            add(out, member);
          }
        } catch (AddressException e) {
          // an unreadable group: no members
        }
      } else {
        add(out, a);
      }
    }
    return out;
  }

  private static void add(List<String> out, InternetAddress a) {
    String s = a.getAddress();
    if (s != null && !s.isBlank()) {
      out.add(s.strip());
    }
  }

  private static void walk(Part p, String path, boolean digestMember, List<String> atts, List<String> types,
      List<String> names) throws MessagingException, IOException {
    String type = digestMember && p.getHeader("Content-Type") == null ? "message/rfc822" : baseType(p);
    if (type.startsWith("multipart/")) {
      Object content;
      try {
        content = p.getContent();
      } catch (MessagingException | IOException e) {
        content = null;
      }
      if (!(content instanceof Multipart mp)) {
        throw new MessagingException("Jakarta Mail cannot read the " + type + " structure at part "
            + (path.isEmpty() ? "1" : path));
      }
      boolean digest = type.equals("multipart/digest");
      for (int i = 0; i < mp.getCount(); i++) {
        BodyPart child = mp.getBodyPart(i);
        walk(child, path.isEmpty() ? Integer.toString(i + 1) : path + "." + (i + 1), digest, atts, types, names);
      }
      return;
    }
    // RFC 3501 6.4.5: a message's single (non-multipart) body is part 1 of it: "1" at the top, "2.1" inside part 2.
    String here = path.isEmpty() ? "1" : p instanceof MimeMessage ? path + ".1" : path;
    String name = fileName(p);
    String disposition = disposition(p);
    boolean attachment = "attachment".equals(disposition) || name != null || !type.startsWith("text/");
    if (!attachment) {
      return;
    }
    byte[] decoded = decoded(p);
    String shown = name == null ? "part-" + here + extension(type) : FileNames.sanitize(name, "part-" + here);
    atts.add(View.attachment(here, shown, type, decoded.length, sha256(decoded)));
    types.add(type);
    names.add(shown);
    if (type.equals("message/rfc822")) {
      MimeMessage inner = new MimeMessage(SESSION, new ByteArrayInputStream(decoded));
      walk(inner, here, false, atts, types, names);
    }
  }

  /** The content type without parameters, lower case; RFC 2045 5.2: text/plain when unreadable. */
  private static String baseType(Part p) throws MessagingException {
    String raw = p.getContentType();
    if (raw == null) {
      return "text/plain";
    }
    try {
      ContentType ct = new ContentType(raw);
      if (ct.getPrimaryType() == null || ct.getSubType() == null || ct.getSubType().isEmpty()) {
        return "text/plain";
      }
      return ct.getBaseType().toLowerCase(Locale.ROOT);
    } catch (jakarta.mail.internet.ParseException e) {
      return "text/plain";
    }
  }

  private static String fileName(Part p) {
    try {
      String n = p.getFileName();
      return n == null || n.isBlank() ? null : n;
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }

  private static String disposition(Part p) {
    try {
      String d = p.getDisposition();
      return d == null ? null : d.strip().toLowerCase(Locale.ROOT);
    } catch (MessagingException | RuntimeException e) {
      return null;
    }
  }

  private static byte[] decoded(Part p) throws MessagingException, IOException {
    InputStream raw;
    String encoding;
    if (p instanceof MimeBodyPart b) {
      raw = b.getRawInputStream();
      encoding = b.getEncoding();
    } else if (p instanceof MimeMessage m) {
      raw = m.getRawInputStream();
      encoding = m.getEncoding();
    } else {
      return p.getInputStream().readAllBytes();
    }
    try (InputStream in = encoding == null ? raw : MimeUtility.decode(raw, encoding)) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] b) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      new DigestInputStream(new ByteArrayInputStream(b), sha).transferTo(OutputStream.nullOutputStream());
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Receive's documented extensions for a part without a name. */
  static String extension(String mime) {
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
