package io.mailbridge.send.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import jakarta.mail.internet.ContentType;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.ParseException;
import java.io.UnsupportedEncodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks everything a user gives for a message before anything is composed or sent: every header
 * value, address, display name, file name, content type and header name is checked for CR, LF and
 * NUL (header injection, CVE-2025-7962 class); addresses must parse; attachment files must exist
 * and be readable. The first problem is thrown as a {@link BadInputException} naming the message
 * and the field.
 */
final class Validation {
  private Validation() {}

  private static final Pattern MESSAGE_ID = Pattern.compile("<[^<>\\s@]+@[^<>\\s@]+>");
  private static final Pattern CONTENT_ID = Pattern.compile("[^<>\\s@\"]+(@[^<>\\s@\"]+)?");
  /** Fields the builder owns; a custom header must not replace or duplicate them. */
  private static final Set<String> RESERVED = Set.of("from", "to", "cc", "bcc", "reply-to", "subject", "date",
      "message-id", "mime-version", "sender", "return-path", "received");

  /**
   * Checks everything the user gave, without touching the network or composing.
   *
   * @param index the position in the batch, for messages ({@code message 3: to[0] ...})
   * @param defaultFrom the sender used when the message has none (the outbound login), may be empty
   */
  static void validate(Email email, int index, String defaultFrom) {
    String where = "message " + (index + 1) + ": ";
    String from = email.from().orElse(defaultFrom);
    if (from == null || from.isBlank()) {
      throw new BadInputException(where + "from is missing: give a sender address (the outbound login is used "
          + "when it is an address)");
    }
    addresses(where, "from", List.of(from), true);
    addresses(where, "replyTo", email.replyTo(), false);
    addresses(where, "to", email.to(), false);
    addresses(where, "cc", email.cc(), false);
    addresses(where, "bcc", email.bcc(), false);
    if (email.recipients().isEmpty()) {
      throw new BadInputException(where + "no recipient: give at least one of to, cc or bcc");
    }
    singleLine(where, "subject", email.subject());
    email.messageId().ifPresent(id -> {
      singleLine(where, "messageId", id);
      if (!MESSAGE_ID.matcher(id).matches()) {
        throw new BadInputException(where + "messageId '" + id + "' is not of the form <unique@domain>");
      }
    });
    for (Map.Entry<String, String> h : email.headers().entrySet()) {
      String name = h.getKey();
      if (name == null || name.isEmpty() || !name.chars().allMatch(c -> c >= 33 && c <= 126 && c != ':')) {
        throw new BadInputException(where + "header name '" + printable(String.valueOf(name)) + "' is not a valid "
            + "field name: use printable ASCII without ':' or spaces (RFC 5322 2.2)");
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (RESERVED.contains(lower) || lower.startsWith("content-")) {
        throw new BadInputException(where + "header '" + name + "' is set by Mailbridge itself: use the builder "
            + "method (from, to, cc, bcc, replyTo, subject, messageId, attach) instead");
      }
      singleLine(where, "header '" + name + "'", h.getValue() == null ? "" : h.getValue());
    }
    List<Attachment> parts = email.attachments();
    for (int i = 0; i < parts.size(); i++) {
      Attachment a = parts.get(i);
      String field = "attachments[" + i + "]";
      a.fileName().ifPresent(n -> {
        singleLine(where, field + ".name", n);
        if (n.isBlank()) {
          throw new BadInputException(where + field + ".name is blank: give a file name or leave it unset");
        }
      });
      a.givenContentType().ifPresent(t -> {
        singleLine(where, field + ".contentType", t);
        try {
          new ContentType(t);
        } catch (ParseException e) {
          throw new BadInputException(where + field + ".contentType '" + t + "' is not a MIME type like "
              + "text/csv or application/pdf", e);
        }
      });
      a.contentId().ifPresent(cid -> {
        singleLine(where, field + ".contentId", cid);
        if (!CONTENT_ID.matcher(stripBrackets(cid)).matches()) {
          throw new BadInputException(where + field + ".contentId '" + cid + "' is not a valid Content-ID: "
              + "use letters, digits and .-_ only, e.g. logo or logo@example.com");
        }
      });
      if (a.source() instanceof Attachment.FromFile f) {
        Path p = f.path();
        singleLine(where, field + ".path", p.toString());
        if (!Files.exists(p)) {
          throw new BadInputException(where + field + " file " + p + " does not exist: check the path");
        }
        if (!Files.isRegularFile(p)) {
          throw new BadInputException(where + field + " " + p + " is not a regular file");
        }
        if (!Files.isReadable(p)) {
          throw new BadInputException(where + field + " file " + p + " cannot be read: check its permissions");
        }
      }
    }
  }

  private static void addresses(String where, String field, List<String> values, boolean single) {
    for (int i = 0; i < values.size(); i++) {
      String f = single ? field : field + "[" + i + "]";
      String v = values.get(i);
      if (v == null || v.isBlank()) {
        throw new BadInputException(where + f + " is empty: give an address like bob@example.com");
      }
      singleLine(where, f, v);
      List<InternetAddress> parsed;
      try {
        parsed = parse(v);
      } catch (AddressProblem e) {
        throw new BadInputException(where + f + " '" + v + "' is not a valid address (" + e.getMessage()
            + "): use bob@example.com or \"Bob <bob@example.com>\"", e.getCause());
      }
      if (single && parsed.size() != 1) {
        throw new BadInputException(where + f + " '" + v + "' must be exactly one address");
      }
      for (InternetAddress a : parsed) {
        if (a.getAddress().indexOf('@') <= 0 || a.getAddress().endsWith("@")) {
          throw new BadInputException(where + f + " '" + v + "' is not a valid address (no domain): use "
              + "bob@example.com");
        }
      }
    }
  }

  /**
   * Whether an address itself (not a display name) is non-ASCII: such a message needs SMTPUTF8
   * (RFC 6531) from the server and UTF-8 header fields (RFC 6532).
   */
  static boolean needsSmtpUtf8(Email email, String defaultFrom) {
    List<String> all = new ArrayList<>(email.recipients());
    all.addAll(email.replyTo());
    all.add(email.from().orElse(defaultFrom));
    for (String v : all) {
      for (InternetAddress a : parse(v)) {
        if (!isAscii(a.getAddress())) {
          return true;
        }
      }
    }
    return false;
  }

  private static final class AddressProblem extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AddressProblem(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** One string may hold a comma-separated list; each must be a plain or "Name <addr>" address. */
  static List<InternetAddress> parse(String value) {
    try {
      InternetAddress[] all = InternetAddress.parse(value, true);
      if (all.length == 0) {
        throw new AddressProblem("no address found", null);
      }
      for (InternetAddress a : all) {
        a.validate();
        if (a.isGroup()) {
          throw new AddressProblem("groups are not supported", null);
        }
      }
      return List.of(all);
    } catch (jakarta.mail.internet.AddressException e) {
      throw new AddressProblem(e.getMessage(), e);
    }
  }

  static List<InternetAddress> parseAll(List<String> values) {
    List<InternetAddress> out = new ArrayList<>();
    for (String v : values) {
      for (InternetAddress a : parse(v)) {
        out.add(withEncodedName(a));
      }
    }
    return out;
  }

  /** RFC 2047 display names in UTF-8 (Jakarta would otherwise use the platform charset). */
  static InternetAddress withEncodedName(InternetAddress a) {
    if (a.getPersonal() == null) {
      return a;
    }
    try {
      return new InternetAddress(a.getAddress(), a.getPersonal(), "UTF-8");
    } catch (UnsupportedEncodingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** CR, LF and NUL are never allowed in a value that becomes a header (header injection). */
  static void singleLine(String where, String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\r' || c == '\n' || c == 0) {
        String what = c == 0 ? "a NUL character" : "a line break (" + (c == '\r' ? "CR" : "LF") + ")";
        throw new BadInputException(where + field + " contains " + what + " at position " + i + ": header values, "
            + "addresses and file names must be one line; refused to prevent header injection");
      }
    }
  }

  private static String printable(String s) {
    return s.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
  }

  static String stripBrackets(String cid) {
    String s = cid.strip();
    return s.startsWith("<") && s.endsWith(">") ? s.substring(1, s.length() - 1) : s;
  }

  /** Every char is US-ASCII; a loop, not an encoder per call: it runs for every address of a batch. */
  static boolean isAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
