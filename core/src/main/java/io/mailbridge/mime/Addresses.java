package io.mailbridge.mime;

import io.mailbridge.base.Ascii;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.james.mime4j.dom.address.Address;
import org.apache.james.mime4j.dom.address.Group;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.field.address.LenientAddressParser;
import org.apache.james.mime4j.stream.ParserCursor;
import org.apache.james.mime4j.util.ByteArrayBuffer;

/**
 * The addr-specs of an address list header (RFC 5322 3.4 with the obsolete forms of 4.4, RFC 6532
 * UTF-8), read as Jakarta Mail's lenient {@link InternetAddress#parseHeader} reads them: an
 * unquoted display name may hold '@' or ','-free text of any kind, a group stands for its members
 * (an empty group for none). Beyond it, as Python's email and the Ruby mail gem read them:
 * addresses separated only by white space are several addresses, comments and white space inside
 * an addr-spec are not part of it, an obsolete source route is dropped, and what has no local part
 * is not an address.
 */
final class Addresses {
  private Addresses() {}

  /** The addresses of a header value (unfolded, not RFC 2047 decoded), in order. */
  static List<String> list(String value, String name, Consumer<String> warn) {
    if (value.isEmpty()) {
      return List.of();
    }
    String simple = simpleAddress(value);
    if (simple != null) {
      return List.of(simple); // what the general path gives for it (HeaderFastPathsPropertiesTest), without its parse
    }
    return general(value, name, warn);
  }

  /** {@link #list} without the shortcut for the common shapes. */
  static List<String> general(String value, String name, Consumer<String> warn) {
    List<String> out = new ArrayList<>();
    try {
      for (InternetAddress a : InternetAddress.parseHeader(value, false)) {
        if (a.isGroup()) {
          for (InternetAddress m : a.getGroup(false)) {
            addSpec(out, m.getAddress());
          }
        } else {
          addSpec(out, a.getAddress());
        }
      }
    } catch (AddressException | RuntimeException e) {
      // Jakarta gives up on some damage (an unclosed quote or bracket) that mime4j reads past
      out.clear();
      mime4j(out, value);
    }
    if (out.isEmpty() && !isEmptyGroups(value)) {
      warn.accept("header " + name + " has no valid address: '" + HeaderText.abbreviate(value) + "'");
    }
    return List.copyOf(out); // immutable: the document keeps it without copying
  }

  /** mime4j's lenient parser over the value's UTF-8 bytes (its String form counts characters as bytes). */
  private static void mime4j(List<String> out, String value) {
    byte[] b = value.getBytes(StandardCharsets.UTF_8);
    for (Address a : LenientAddressParser.DEFAULT.parseAddressList(new ByteArrayBuffer(b, b.length, false),
        new ParserCursor(0, b.length))) {
      if (a instanceof Mailbox m) {
        addSpec(out, m.getAddress());
      } else if (a instanceof Group g) {
        g.getMailboxes().forEach(m -> addSpec(out, m.getAddress()));
      }
    }
  }

  /** Whether the value is only groups without members ("undisclosed-recipients:;"): no address, and no warning. */
  private static boolean isEmptyGroups(String value) {
    String v = value.strip();
    return v.endsWith(";") && v.indexOf(':') > 0 && v.indexOf('@') < 0;
  }

  /**
   * Adds the addr-spec {@code raw} as Jakarta gives it, cleaned: comments outside quotes removed
   * (RFC 5322 3.4.1: CFWS is not part of the address), an obsolete route ("@a,@b:user@host", 4.4)
   * dropped; white space between two addr-specs makes two addresses.
   */
  static void addSpec(List<String> out, String raw) {
    if (raw == null || raw.isEmpty()) {
      return;
    }
    StringBuilder cur = new StringBuilder(raw.length());
    StringBuilder whole = new StringBuilder(raw.length());
    List<String> words = new ArrayList<>(2);
    boolean quoted = false;
    int depth = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (depth > 0) {
        if (c == '\\') {
          i++;
        } else if (c == '(') {
          depth++;
        } else if (c == ')') {
          depth--;
        }
        continue;
      }
      if (c != '(') {
        whole.append(c);
      }
      if (quoted) {
        cur.append(c);
        if (c == '\\' && i + 1 < raw.length()) {
          cur.append(raw.charAt(++i));
          whole.append(raw.charAt(i));
        } else if (c == '"') {
          quoted = false;
        }
      } else if (c == '"') {
        quoted = true;
        cur.append(c);
      } else if (c == '(') {
        depth = 1;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        if (cur.length() > 0) {
          words.add(cur.toString());
          cur.setLength(0);
        }
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      words.add(cur.toString());
    }
    int withAt = 0;
    for (String w : words) {
      if (w.indexOf('@') > 0) {
        withAt++;
      }
    }
    if (withAt > 1) {
      for (String w : words) {
        addOne(out, w);
      }
    } else {
      addOne(out, whole.toString().strip()); // as Jakarta gives it, less comments
    }
  }

  private static void addOne(List<String> out, String spec) {
    String s = spec;
    if (s.startsWith("@")) {
      int colon = s.indexOf(':');
      if (colon < 0) {
        return; // "@domain": no local part
      }
      s = s.substring(colon + 1); // RFC 5322 4.4 obs-route
    }
    if (!s.isEmpty()) {
      out.add(s); // a local part alone ("root") too, as the reference parsers report it
    }
  }

  /**
   * The address of the most common shapes, {@code local@domain} and {@code Display Name <local@domain>}
   * with a plain display name (letters, digits, spaces, '.', '-', '_') and plain address characters;
   * null for anything else, which takes the general path.
   */
  static String simpleAddress(String v) {
    int lt = v.indexOf('<');
    if (lt < 0) {
      return isSimpleAddrSpec(v, 0, v.length()) ? v : null;
    }
    for (int i = 0; i < lt; i++) {
      char c = v.charAt(i);
      if (!(Ascii.isLetterOrDigit(c) || c == ' ' || c == '.' || c == '-' || c == '_')) {
        return null;
      }
    }
    int gt = v.indexOf('>', lt);
    if (gt < 0) {
      return null;
    }
    for (int i = gt + 1; i < v.length(); i++) {
      if (v.charAt(i) != ' ') {
        return null;
      }
    }
    return isSimpleAddrSpec(v, lt + 1, gt) ? v.substring(lt + 1, gt) : null;
  }

  /** local@domain: local of [A-Za-z0-9_+-] runs joined by single dots, domain of [A-Za-z0-9-] labels. */
  private static boolean isSimpleAddrSpec(String s, int from, int to) {
    int at = s.indexOf('@', from);
    if (at <= from || at >= to - 1) {
      return false;
    }
    return dotted(s, from, at, true) && dotted(s, at + 1, to, false);
  }

  private static boolean dotted(String s, int from, int to, boolean local) {
    boolean inRun = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '.') {
        if (!inRun) {
          return false; // leading or double dot
        }
        inRun = false;
      } else if (Ascii.isLetterOrDigit(c) || c == '-' || (local && (c == '_' || c == '+'))) {
        inRun = true;
      } else {
        return false;
      }
    }
    return inRun; // no trailing dot
  }
}
