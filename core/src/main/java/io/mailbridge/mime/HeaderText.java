package io.mailbridge.mime;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.apache.james.mime4j.util.ByteSequence;

/** Header field helpers: 8-bit bytes, unfolding, RFC 2047 words, RFC 2231 parameters, addresses. */
final class HeaderText {
  private static final Charset WINDOWS_1252 = Charset.forName("windows-1252");

  private HeaderText() {}

  /**
   * The field value (after the colon) of a raw header field, unfolded. Bytes are read as UTF-8
   * (RFC 6532); when they are not valid UTF-8 they are read as windows-1252 and a warning is added.
   */
  static String value(ByteSequence raw, String name, Consumer<String> warn) {
    byte[] b;
    int len;
    if (raw instanceof ByteArrayBuffer buffer) {
      b = buffer.buffer(); // read in place: the field is handed to us before the parser reuses its buffer
      len = buffer.length();
    } else {
      b = raw.toByteArray();
      len = b.length;
    }
    int colon = 0;
    while (colon < len && b[colon] != ':') {
      colon++;
    }
    int start = Math.min(colon + 1, len);
    boolean ascii = true;
    boolean folded = false;
    for (int i = start; i < len; i++) {
      if (b[i] < 0) {
        ascii = false;
        break;
      }
      if (b[i] == '\r' || b[i] == '\n') {
        folded = true;
      }
    }
    if (ascii && !folded) {
      // The usual field: one line of ASCII. Trimmed by position (as String.strip would) into one String.
      int end = len;
      while (start < end && isWhitespace(b[start])) {
        start++;
      }
      while (end > start && isWhitespace(b[end - 1])) {
        end--;
      }
      return new String(b, start, end - start, StandardCharsets.ISO_8859_1);
    }
    String s;
    if (ascii) {
      s = new String(b, start, len - start, StandardCharsets.ISO_8859_1);
    } else {
      byte[] escaped = EncodedWords.escapeRawBytesInWords(b, start, len);
      if (escaped != null) {
        b = escaped;
        start = 0;
        len = escaped.length;
      }
      try {
        s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b, start, len - start))
            .toString();
      } catch (CharacterCodingException e) {
        warn.accept("header " + name + " has 8-bit bytes that are not UTF-8: read as windows-1252");
        s = new String(b, start, len - start, WINDOWS_1252);
      }
    }
    return unfold(s);
  }

  /** {@link Character#isWhitespace} for an ASCII byte, as {@link String#strip} applies it. */
  private static boolean isWhitespace(byte c) {
    return c == ' ' || (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x1F);
  }

  /** Removes the line breaks of folded header lines (RFC 5322 2.2.3) and surrounding whitespace. */
  static String unfold(String s) {
    if (s.indexOf('\r') < 0 && s.indexOf('\n') < 0) {
      return s.strip();
    }
    return s.replace("\r\n", "").replace("\n", "").replace("\r", "").strip();
  }

  /** Decodes RFC 2047 encoded words ({@link EncodedWords}). */
  static String decodeWords(String s, String name, Consumer<String> warn) {
    return EncodedWords.decode(s, name, warn);
  }

  /** The addresses of an address list header ({@link Addresses}). */
  static List<String> addresses(String value, String name, Consumer<String> warn) {
    return Addresses.list(value, name, warn);
  }

  /** A structured value ({@code type/sub; a=b; c="d"}) split into its main value and parameters. */
  record Structured(String value, Map<String, String> params) {
    String param(String name) {
      return params.get(name);
    }
  }

  /**
   * Parses a Content-Type or Content-Disposition value. Parameter names are lower case; RFC 2231
   * continuations ({@code name*0*=}, {@code name*1=}) and charsets ({@code name*=UTF-8''%E2%82%AC})
   * are joined and decoded; plain values that carry RFC 2047 words (a common violation) are decoded too.
   */
  static Structured structured(String s, String field, Consumer<String> warn) {
    List<String[]> raw = new ArrayList<>();
    int i = 0;
    int n = s.length();
    int semi = indexOfUnquoted(s, 0);
    String value = s.substring(0, semi).strip().toLowerCase(Locale.ROOT);
    i = semi + 1;
    while (i < n) {
      int end = indexOfUnquoted(s, i);
      String part = s.substring(i, end).strip();
      i = end + 1;
      int eq = part.indexOf('=');
      if (eq <= 0) {
        continue;
      }
      String k = part.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String v = part.substring(eq + 1).strip();
      if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
        v = unquote(v.substring(1, v.length() - 1));
      }
      raw.add(new String[] {k, v});
    }
    Map<String, String> params = new LinkedHashMap<>();
    Map<String, TreeMap<Integer, String[]>> continued = new LinkedHashMap<>();
    for (String[] kv : raw) {
      String k = kv[0];
      int star = k.indexOf('*');
      if (star < 0) {
        params.putIfAbsent(k, decodeWords(kv[1], field, warn));
        continue;
      }
      String base = k.substring(0, star);
      String rest = k.substring(star + 1);
      boolean encoded = rest.endsWith("*") || rest.isEmpty();
      String num = rest.endsWith("*") ? rest.substring(0, rest.length() - 1) : rest;
      int index = 0;
      try {
        index = num.isEmpty() ? 0 : Integer.parseInt(num);
      } catch (NumberFormatException e) {
        warn.accept(field + " parameter " + k + " is malformed");
        continue;
      }
      continued.computeIfAbsent(base, x -> new TreeMap<>()).put(index, new String[] {kv[1], encoded ? "*" : ""});
    }
    for (Map.Entry<String, TreeMap<Integer, String[]>> e : continued.entrySet()) {
      params.put(e.getKey(), join2231(e.getKey(), e.getValue(), field, warn)); // RFC 2231 wins over the plain form
    }
    return new Structured(value, params);
  }

  // RFC 2231 3/4: the first segment may start with charset'language'; encoded segments use %XX.
  private static String join2231(String name, TreeMap<Integer, String[]> parts, String field, Consumer<String> warn) {
    Charset charset = StandardCharsets.UTF_8;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    boolean first = true;
    for (String[] p : parts.values()) {
      String v = p[0];
      boolean encoded = !p[1].isEmpty();
      if (first && encoded) {
        int q1 = v.indexOf('\'');
        int q2 = q1 < 0 ? -1 : v.indexOf('\'', q1 + 1);
        if (q2 > 0) {
          String cs = v.substring(0, q1);
          if (!cs.isEmpty()) {
            Charset known = MimeCharsets.lookup(cs);
            if (known != null) {
              charset = known;
            } else {
              warn.accept(field + " parameter " + name + " has unknown charset '" + cs + "': read as UTF-8");
            }
          }
          v = v.substring(q2 + 1);
        }
      }
      first = false;
      if (encoded) {
        for (int i = 0; i < v.length(); i++) {
          char c = v.charAt(i);
          if (c == '%' && i + 2 < v.length() && isHex(v.charAt(i + 1))
              && isHex(v.charAt(i + 2))) {
            bytes.write(Integer.parseInt(v.substring(i + 1, i + 3), 16));
            i += 2;
          } else {
            byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            bytes.write(b, 0, b.length);
          }
        }
      } else {
        byte[] b = v.getBytes(charset);
        bytes.write(b, 0, b.length);
      }
    }
    return bytes.toString(charset);
  }

  private static boolean isHex(char c) {
    return Character.digit(c, 16) >= 0;
  }

  private static int indexOfUnquoted(String s, int from) {
    boolean quoted = false;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ';' && !quoted) {
        return i;
      }
    }
    return s.length();
  }

  private static String unquote(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        c = s.charAt(++i);
      }
      b.append(c);
    }
    return b.toString();
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 77) + "...";
  }
}
