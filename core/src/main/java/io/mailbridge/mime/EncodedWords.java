package io.mailbridge.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;

/**
 * RFC 2047 encoded words, decoded by mime4j, with what real-world mail needs beyond it: a charset
 * label the JDK does not know is read as ISO-8859-1 with a warning (as Jakarta Mail and Python's
 * email fall back), UTF-7 words are decoded, and raw 8-bit bytes inside a Q-encoded word are read
 * in the word's declared charset.
 */
final class EncodedWords {
  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  private EncodedWords() {}

  /** Decodes the encoded words of a header value; {@code name} names the field in warnings. */
  static String decode(String s, String name, Consumer<String> warn) {
    if (s.indexOf("=?") < 0) {
      return s;
    }
    Charset fallback = StandardCharsets.ISO_8859_1;
    // The same scan as mime4j's: "=?" charset "?" encoding "?" text "?=".
    int from = 0;
    while (true) {
      int start = s.indexOf("=?", from);
      if (start < 0) {
        break;
      }
      int charsetEnd = s.indexOf('?', start + 2);
      int encodingEnd = charsetEnd < 0 ? -1 : s.indexOf('?', charsetEnd + 1);
      int end = encodingEnd < 0 ? -1 : s.indexOf("?=", encodingEnd + 1);
      if (end < 0) {
        break;
      }
      String label = s.substring(start + 2, charsetEnd);
      Charset cs = MimeCharsets.lookup(label);
      if (cs == null) {
        warn.accept("header " + name + " has an encoded word in unknown charset '" + HeaderText.abbreviate(label)
            + "': read as ISO-8859-1");
      } else {
        if (cs == MimeCharsets.UTF_7) {
          fallback = cs; // mime4j looks labels up with Charset.forName, which may not see UTF-7
        }
        int star = label.indexOf('*');
        if (star >= 0) { // RFC 2231 5: charset*language, which mime4j does not strip
          s = s.substring(0, start + 2) + label.substring(0, star) + s.substring(charsetEnd);
          end -= label.length() - star;
        }
      }
      from = end + 2;
    }
    try {
      return DecoderUtil.decodeEncodedWords(s, new DecodeMonitor() {
        @Override
        public boolean warn(String message, String dropDesc) {
          warn.accept("header " + name + ": " + message);
          return false;
        }

        @Override
        public boolean isListening() {
          return true;
        }
      }, fallback, Map.of());
    } catch (RuntimeException e) {
      warn.accept("header " + name + ": encoded words cannot be decoded (" + e.getMessage() + ")");
      return s;
    }
  }

  /**
   * The bytes {@code b[start, end)} with every 8-bit byte inside a Q-encoded word written as
   * {@code =XX}, so that the word decodes in its declared charset (as Jakarta Mail and Python's
   * email read such a word); null when there is none.
   */
  static byte[] escapeRawBytesInWords(byte[] b, int start, int end) {
    ByteArrayOutputStream out = null;
    int copied = start;
    int i = start;
    while (i + 1 < end) {
      if (b[i] != '=' || b[i + 1] != '?') {
        i++;
        continue;
      }
      int charsetEnd = indexOf(b, '?', i + 2, end);
      int encodingEnd = charsetEnd < 0 ? -1 : indexOf(b, '?', charsetEnd + 1, end);
      int textEnd = encodingEnd < 0 ? -1 : indexOfEnd(b, encodingEnd + 1, end);
      if (textEnd < 0) {
        break;
      }
      boolean q = encodingEnd == charsetEnd + 2 && (b[charsetEnd + 1] == 'Q' || b[charsetEnd + 1] == 'q');
      for (int k = encodingEnd + 1; q && k < textEnd; k++) {
        if (b[k] < 0) {
          if (out == null) {
            out = new ByteArrayOutputStream(end - start + 16);
          }
          out.write(b, copied, k - copied);
          out.write('=');
          out.write(HEX[(b[k] >> 4) & 0xf]);
          out.write(HEX[b[k] & 0xf]);
          copied = k + 1;
        }
      }
      i = textEnd + 2;
    }
    if (out == null) {
      return null;
    }
    out.write(b, copied, end - copied);
    return out.toByteArray();
  }

  private static int indexOf(byte[] b, char c, int from, int end) {
    for (int i = from; i < end; i++) {
      if (b[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** Where "?=" starts from {@code from}, or -1. */
  private static int indexOfEnd(byte[] b, int from, int end) {
    for (int i = from; i + 1 < end; i++) {
      if (b[i] == '?' && b[i + 1] == '=') {
        return i;
      }
    }
    return -1;
  }
}
