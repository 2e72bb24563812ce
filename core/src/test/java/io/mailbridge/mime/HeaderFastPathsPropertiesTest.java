package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.base.Ascii;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeUtility;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.james.mime4j.util.ByteArrayBuffer;

/**
 * Every hand-written shortcut of the header path against the general path it stands for, on
 * generated input with 8-bit bytes (UTF-8 and Latin-1), folds (CRLF and LF), trailing white space
 * and the characters that make addresses hard: the plain-address reader against the general
 * address reader and Jakarta Mail's {@link InternetAddress}, header value trimming against
 * decode-unfold-strip with Jakarta's {@link MimeUtility#unfold}, the ASCII helpers against the JDK.
 */
class HeaderFastPathsPropertiesTest {

  @Provide
  Arbitrary<String> addressValues() {
    Arbitrary<String> piece = Arbitraries.of("a", "Z", "0", "9", ".", "-", "_", "+", "@", " ", "  ", "<", ">", "\"",
        "(", ")", ",", ";", ":", "\\", "[", "]", "é", "ö", "\u00ff", "日本", "ab", "example", "com", "bench",
        "=?utf-8?q?x?=", "\t");
    Arbitrary<String> local = Arbitraries.of("a", "Z", "0", "ab", "_", "+", "-", "bench", "x9", "jöhn", "a.b");
    Arbitrary<String> domain = Arbitraries.of("a", "example", "com", "0", "-", "b-c", "EXAMPLE", "mächine");
    Arbitrary<String> phrase = Arbitraries.of("Bench", " ", "Sender", ".", "-", "_", "J", "9", "", "Jöhn", "@", "Doe");
    Arbitrary<String> addr = Combinators.combine(local.list().ofMinSize(1).ofMaxSize(3),
        domain.list().ofMinSize(1).ofMaxSize(3)).as((l, d) -> String.join(".", l) + "@" + String.join(".", d));
    Arbitrary<String> named = Combinators.combine(phrase.list().ofMaxSize(4), addr, Arbitraries.of("", " ", "  "))
        .as((p, a, tail) -> String.join("", p) + "<" + a + ">" + tail);
    Arbitrary<String> value = Arbitraries.oneOf(addr, named);
    return Combinators.combine(value, piece, Arbitraries.integers().between(0, 200), Arbitraries.integers()
        .between(0, 2)).as((v, p, at, insert) -> {
          if (insert > 0) {
            return v; // two in three unchanged: the shapes the shortcut takes
          }
          int i = Math.min(at, v.length());
          return v.substring(0, i) + p + v.substring(i);
        });
  }

  @Property(tries = 1500)
  void thePlainAddressReaderGivesWhatTheGeneralPathAndJakartaGive(@ForAll("addressValues") String value)
      throws Exception {
    String fast = Addresses.simpleAddress(value);
    net.jqwik.api.statistics.Statistics.collect(fast != null ? "shortcut" : "general");
    net.jqwik.api.statistics.Statistics.coverage(c -> c.check("shortcut").percentage(p -> p > 30));
    if (fast == null) {
      return; // not a shape the shortcut takes: the general path reads it
    }
    assertThat(Addresses.general(value, "To", w -> { })).containsExactly(fast);
    InternetAddress[] jakarta = InternetAddress.parseHeader(value, false);
    assertThat(jakarta).hasSize(1);
    assertThat(jakarta[0].getAddress()).isEqualTo(fast);
    assertThat(Addresses.list(value, "To", w -> { })).containsExactly(fast);
  }

  @Provide
  Arbitrary<byte[]> headerFields() {
    Arbitrary<String> text = Arbitraries.of("Subject", "x", "y z", " ", "\t", "é", "ö", "日本", ";", "\"q\"", "=?",
        "?=", "(c)", "\u000b", "\u001c").list().ofMaxSize(8).map(l -> String.join("", l));
    Arbitrary<String> fold = Arbitraries.of("\r\n ", "\r\n\t", "\n ", "\n\t", "\r\n  ");
    Arbitrary<Charset> charset = Arbitraries.of(StandardCharsets.UTF_8, StandardCharsets.ISO_8859_1);
    Arbitrary<String> trailing = Arbitraries.of("", " ", "  ", "\t", " \t ");
    return Combinators.combine(text.list().ofMinSize(1).ofMaxSize(4), fold, charset, trailing)
        .as((lines, f, cs, t) -> ("Subject:" + String.join(f, lines) + t).getBytes(cs));
  }

  /** The general path: bytes decoded (UTF-8, else windows-1252), unfolded by Jakarta, stripped. */
  private static String general(byte[] field) {
    int colon = 0;
    while (field[colon] != ':') {
      colon++;
    }
    byte[] v = Arrays.copyOfRange(field, colon + 1, field.length);
    String s;
    try {
      s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v)).toString();
    } catch (CharacterCodingException e) {
      s = new String(v, Charset.forName("windows-1252"));
    }
    return MimeUtility.unfold(s).strip();
  }

  @Property(tries = 1500)
  void headerValueTrimmingIsDecodeUnfoldStrip(@ForAll("headerFields") byte[] field, @ForAll("spare") int spare) {
    // read in place from a parser's buffer that is longer than the field, with stale bytes after it
    byte[] backing = Arrays.copyOf(field, field.length + spare);
    Arrays.fill(backing, field.length, backing.length, (byte) 'x');
    List<String> warnings = new ArrayList<>();
    String fast = HeaderText.value(new ByteArrayBuffer(backing, field.length, true), "Subject", warnings::add);
    assertThat(fast).isEqualTo(general(field));
  }

  @Provide
  Arbitrary<Integer> spare() {
    return Arbitraries.of(0, 1, 50);
  }

  @Provide
  Arbitrary<String> latin1() {
    return Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(30);
  }

  @Provide
  Arbitrary<String> names() {
    return Arbitraries.of("to", "cc", "bcc", "from", "date", "subject", "reply-to", "message-id", "content-id",
        "content-type", "content-disposition", "content-transfer-encoding", "boundary", "charset", "x");
  }

  @Property(tries = 2000)
  void theAsciiHelpersAnswerAsTheJdkOnLatin1Text(@ForAll("latin1") String s, @ForAll("names") String name,
      @ForAll boolean sameLetters) {
    String t = sameLetters ? mixCase(name, s.hashCode()) + (s.isEmpty() ? "" : s.substring(0, 1)) : s;
    assertThat(Ascii.equalsIgnoreCase(t, name)).as("'%s' '%s'", t, name).isEqualTo(t.equalsIgnoreCase(name));
    assertThat(Ascii.startsWithIgnoreCase(t, name)).as("'%s' '%s'", t, name)
        .isEqualTo(t.regionMatches(true, 0, name, 0, name.length()));
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      assertThat(Ascii.isLetterOrDigit(c)).isEqualTo(c < 128 && Character.isLetterOrDigit(c));
    }
  }

  private static final Set<String> TRACKED = Set.of("to", "cc", "bcc", "from", "date", "subject", "reply-to",
      "message-id", "content-id", "content-type", "content-disposition");

  @Property(tries = 2000)
  void trackedFieldNamesAreFoundAsLowerCasingWouldFindThem(@ForAll("latin1") String s, @ForAll("names") String name,
      @ForAll boolean sameLetters) {
    String t = sameLetters ? mixCase(name, s.hashCode()) : s;
    String lower = t.toLowerCase(Locale.ROOT);
    assertThat(MessageParser.tracked(t)).as("'%s'", t).isEqualTo(TRACKED.contains(lower) ? lower : null);
  }

  private static String mixCase(String name, int seed) {
    StringBuilder b = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      b.append(((seed >> (i % 31)) & 1) == 1 ? Character.toUpperCase(c) : c);
    }
    return b.toString();
  }
}
