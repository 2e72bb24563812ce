package io.mailbridge.base;

/**
 * Case folding of ASCII letters only, for names a protocol defines in ASCII (header field names,
 * FETCH item names, month and day names). Without {@link String#equalsIgnoreCase}'s per-character
 * Unicode case mapping; for ISO-8859-1 text, as mime4j gives field names and IMAP gives atoms, the
 * result is the same: no character of that set upper- or lower-cases to an ASCII letter
 * (BodyDescriptorsTest and MessageParserTest try every one).
 */
public final class Ascii {
  private Ascii() {}

  /** {@code c} upper-cased when it is an ASCII letter, else itself. */
  static char upper(char c) {
    return c >= 'a' && c <= 'z' ? (char) (c - ('a' - 'A')) : c;
  }

  public static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  /** Whether {@code s} is {@code name} (ASCII) with ASCII letters in any case. */
  public static boolean equalsIgnoreCase(CharSequence s, String name) {
    return s.length() == name.length() && startsWithIgnoreCase(s, name);
  }

  /** Whether {@code s} starts with {@code name} (ASCII) with ASCII letters in any case. */
  public static boolean startsWithIgnoreCase(CharSequence s, String name) {
    if (s.length() < name.length()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      if (upper(s.charAt(i)) != upper(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
