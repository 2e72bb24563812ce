package io.mailbridge.mime;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Locale;
import java.util.Set;

/**
 * Turns an attachment name taken from a message (attacker-controlled) into a safe file name: one
 * path segment, no control or bidi characters, no Windows device or reserved names, at most
 * {@value #MAX_BYTES} bytes of UTF-8, never empty, never {@code .} or {@code ..}.
 *
 * <pre>{@code
 * FileNames.sanitize("../../etc/passwd", "attachment-2") // "passwd"
 * }</pre>
 */
public final class FileNames {
  /** Longest name most file systems accept (ext4, NTFS, APFS: 255 bytes or UTF-16 units). */
  public static final int MAX_BYTES = 255;

  private static final Set<String> DEVICES = Set.of("CON", "PRN", "AUX", "NUL", "CLOCK$", "CONIN$", "CONOUT$",
      "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
      "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9");

  private FileNames() {}

  /**
   * @param name the name as the message gives it (already RFC 2047/2231 decoded), may be null
   * @param fallback used when nothing usable remains; must itself be a safe name
   */
  public static String sanitize(String name, String fallback) {
    String s = name == null ? "" : Normalizer.normalize(name, Normalizer.Form.NFC);
    // Only the last path segment counts: "../../etc/passwd", "C:\\x\\evil.exe", "/abs/file".
    int cut = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
    if (cut >= 0) {
      s = s.substring(cut + 1);
    }
    StringBuilder out = new StringBuilder(s.length());
    s.codePoints().forEach(c -> {
      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || isBidiControl(c)) {
        return; // control characters (NUL included) and text-direction overrides ("exe.txt" spoofing)
      }
      if ("<>:\"|?*".indexOf(c) >= 0) {
        out.append('_'); // reserved on Windows; ':' also names NTFS alternate data streams
      } else {
        out.appendCodePoint(c);
      }
    });
    // Normalize again: a removed control character may have separated a base letter from its
    // combining mark, and sanitising a sanitised name must change nothing (found by FileNamesFuzzTest).
    s = strip(Normalizer.normalize(out.toString(), Normalizer.Form.NFC));
    if (s.isEmpty() || s.chars().allMatch(c -> c == '.')) {
      return fallback;
    }
    String stem = s.contains(".") ? s.substring(0, s.indexOf('.')) : s;
    if (DEVICES.contains(stem.strip().toUpperCase(Locale.ROOT))) {
      s = "_" + s;
    }
    return truncate(s, MAX_BYTES);
  }

  /** Cuts {@code name} to at most {@code maxBytes} of UTF-8, keeping a short extension. */
  public static String truncate(String name, int maxBytes) {
    if (utf8Length(name) <= maxBytes) {
      return name;
    }
    int dot = name.lastIndexOf('.');
    String ext = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
    String stem = ext.isEmpty() ? name : name.substring(0, dot);
    int budget = maxBytes - utf8Length(ext);
    StringBuilder cut = new StringBuilder();
    int used = 0;
    for (int i = 0; i < stem.length(); ) {
      int c = stem.codePointAt(i);
      int len = new String(Character.toChars(c)).getBytes(StandardCharsets.UTF_8).length;
      if (used + len > budget) {
        break;
      }
      cut.appendCodePoint(c);
      used += len;
      i += Character.charCount(c);
    }
    return strip(cut.toString()) + ext;
  }

  private static String strip(String s) {
    // Windows drops trailing dots and spaces; leading dots would hide the file on Unix.
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == '.' || Character.isWhitespace(s.charAt(start)))) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == '.' || Character.isWhitespace(s.charAt(end - 1)))) {
      end--;
    }
    return s.substring(start, end);
  }

  private static boolean isBidiControl(int c) {
    return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f
        || c == 0x061c || c == 0xfeff;
  }

  private static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}
