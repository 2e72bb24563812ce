package io.mailbridge.connection;

/**
 * Text a server sent, made safe to show: a hostile server must not be able to move the cursor,
 * retitle a terminal window, print a fake line or flood a log through an error message. Control
 * characters (C0, DEL, C1, and the Unicode line and bidirectional controls) become visible
 * {@code \\uXXXX} escapes, and the text is cut with "…" after a bound.
 */
public final class ServerText {
  /** How much of a server's text an error message shows. */
  public static final int MAX_CHARS = 300;

  private ServerText() {}

  /** {@code text} escaped and cut at {@link #MAX_CHARS}; {@code null} stays null. */
  public static String shown(String text) {
    return shown(text, MAX_CHARS);
  }

  /** {@code text} escaped and cut at {@code max} characters (escapes count as one). */
  public static String shown(String text, int max) {
    if (text == null) {
      return null;
    }
    StringBuilder b = new StringBuilder(Math.min(text.length(), max) + 16);
    int shown = 0;
    for (int i = 0; i < text.length(); i++) {
      if (shown >= max) {
        b.append('…');
        break;
      }
      char c = text.charAt(i);
      if (unsafe(c)) {
        b.append(String.format("\\u%04x", (int) c));
      } else if (Character.isSurrogate(c) && !(Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1)))
          && !(Character.isLowSurrogate(c) && i > 0 && Character.isHighSurrogate(text.charAt(i - 1)))) {
        b.append(String.format("\\u%04x", (int) c)); // a lone surrogate
      } else {
        b.append(c);
      }
      shown++;
    }
    return b.toString();
  }

  /** Whether {@code text} is already safe to show as it is (nothing to escape, not too long). */
  public static boolean safe(String text) {
    return text == null || shown(text).equals(text);
  }

  private static boolean unsafe(char c) {
    return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029'
        || (c >= '\u202a' && c <= '\u202e') || (c >= '\u2066' && c <= '\u2069') || c == '\u200e' || c == '\u200f'
        || c == '\u061c' || c == '\ufeff';
  }
}
