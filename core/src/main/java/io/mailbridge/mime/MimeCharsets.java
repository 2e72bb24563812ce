package io.mailbridge.mime;

import java.nio.charset.Charset;

/**
 * Charset names as mail labels them, resolved to the JDK's charsets, plus UTF-7 (RFC 2152), which
 * the JDK lacks and Outlook still writes. UTF-7 comes from jutf7 directly, not through {@link
 * Charset#forName}: that sees charset providers on the system class path only, not inside a Kafka
 * Connect plugin.
 */
final class MimeCharsets {
  static final Charset UTF_7 = new com.beetstra.jutf7.CharsetProvider().charsetForName("UTF-7");

  private MimeCharsets() {}

  /** The charset of a MIME label (RFC 2231 5: a {@code *language} suffix ignored), or null when unknown. */
  static Charset lookup(String label) {
    if (label == null) {
      return null;
    }
    String name = label.strip();
    int star = name.indexOf('*');
    if (star >= 0) {
      name = name.substring(0, star);
    }
    if (name.isEmpty()) {
      return null;
    }
    try {
      return Charset.forName(name);
    } catch (IllegalArgumentException unknown) { // IllegalCharsetNameException, UnsupportedCharsetException
      Charset c = new com.beetstra.jutf7.CharsetProvider().charsetForName(name);
      return c != null && c.name().equalsIgnoreCase("UTF-7") ? c : null; // not IMAP's modified UTF-7
    }
  }
}
