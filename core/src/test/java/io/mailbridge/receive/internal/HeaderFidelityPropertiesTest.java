package io.mailbridge.receive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.document.BodyFormat;
import io.mailbridge.fidelity.ReferenceParse;
import io.mailbridge.fidelity.View;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Generated hostile-but-legal header fields, read by Receive's parser in process and by the
 * reference (Jakarta Mail): raw UTF-8 (RFC 6532) and Latin-1 bytes in display names and addresses,
 * folds (with trailing whitespace before them), comments, groups (empty ones too), quoted display
 * names holding {@code @}, {@code ,} and {@code ;}, addresses separated by bare commas, CRLF or LF
 * line ends, and encoded words in UTF-8, Latin-1 and unknown charsets.
 *
 * <p>The reference reads the same characters as UTF-8, so a Latin-1 message must come out as its
 * UTF-8 twin does; an encoded word in an unknown charset must read as Latin-1 would read it.
 */
class HeaderFidelityPropertiesTest {
  private static final CorpusDocuments DOCUMENTS = new CorpusDocuments(BodyFormat.TEXT);
  private static final String ASCII_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final String LATIN1_LETTERS = ASCII_LETTERS + "äöüßéèàçñøåÄÖÜÉÑÅõ";
  private static final String UTF8_LETTERS = LATIN1_LETTERS + "łŁőűčšžαβγδθσψ日本語한국어жизнь";

  /** How one generated message is laid out on the wire. */
  record Layout(boolean lf, int foldPercent, boolean trailingSpaceBeforeFold, long seed) {}

  /** A generated header set: values as characters, before encoding and folding. */
  record Fields(String from, String to, String cc, String subject) {}

  @Property(tries = 400)
  void utf8HeadersReadAsTheReferenceReadsThem(@ForAll("utf8Fields") Fields f, @ForAll("layouts") Layout l)
      throws Exception {
    compare(f, l, StandardCharsets.UTF_8);
  }

  @Property(tries = 300)
  void latin1HeadersReadAsTheirUtf8Twins(@ForAll("latin1Fields") Fields f, @ForAll("layouts") Layout l)
      throws Exception {
    compare(f, l, StandardCharsets.ISO_8859_1);
  }

  private static void compare(Fields f, Layout l, Charset wire) throws Exception {
    byte[] forMailbridge = message(f, l, wire, false);
    byte[] forReference = message(f, l, StandardCharsets.UTF_8, true);
    View want = ReferenceParse.read(forReference);
    View got = View.of(DOCUMENTS.document(1, forMailbridge));
    String shown = new String(forMailbridge, wire);
    assertThat(got.fromAddress()).as("fromAddress of%n%s", shown).isEqualTo(want.fromAddress());
    assertThat(got.toAddress()).as("toAddress of%n%s", shown).isEqualTo(want.toAddress());
    assertThat(got.cc()).as("cc of%n%s", shown).isEqualTo(want.cc());
    assertThat(got.subject()).as("subject of%n%s", shown).isEqualTo(want.subject());
  }

  /**
   * The message's bytes. For the reference, encoded words in an unknown charset are relabelled
   * ISO-8859-1: the fallback the reference parsers apply to a charset they do not know.
   */
  static byte[] message(Fields f, Layout l, Charset wire, boolean forReference) {
    String eol = l.lf() ? "\n" : "\r\n";
    Random r = new Random(l.seed());
    String subject = forReference ? f.subject().replace("=?x-unknown-8?", "=?iso-8859-1?") : f.subject();
    StringBuilder b = new StringBuilder();
    b.append(fold("From: " + f.from(), eol, l, r)).append(eol);
    b.append(fold("To: " + f.to(), eol, l, r)).append(eol);
    b.append(fold("Cc: " + f.cc(), eol, l, r)).append(eol);
    b.append(fold("Subject: " + subject, eol, l, r)).append(eol);
    b.append("Message-ID: <generated@example.com>").append(eol);
    b.append("Date: Tue, 24 Nov 2026 09:00:00 +0000").append(eol);
    b.append("MIME-Version: 1.0").append(eol);
    b.append("Content-Type: text/plain; charset=utf-8").append(eol).append(eol);
    b.append("body").append(eol);
    return b.toString().getBytes(wire);
  }

  /** RFC 5322 2.2.3: a fold is a line break before whitespace; never inside an encoded word or quotes. */
  private static String fold(String line, String eol, Layout l, Random r) {
    StringBuilder out = new StringBuilder();
    boolean quoted = false;
    boolean encoded = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
        quoted = !quoted;
      }
      if (c == '=' && i + 1 < line.length() && line.charAt(i + 1) == '?') {
        encoded = true;
      }
      if (c == '?' && i + 1 < line.length() && line.charAt(i + 1) == '=') {
        encoded = false;
      }
      if (c == ' ' && !quoted && !encoded && i > line.indexOf(':') + 1 && r.nextInt(100) < l.foldPercent()) {
        if (l.trailingSpaceBeforeFold()) {
          out.append("  ");
        }
        out.append(eol).append(r.nextBoolean() ? ' ' : '\t');
        continue;
      }
      out.append(c);
    }
    return out.toString();
  }

  @Provide
  Arbitrary<Layout> layouts() {
    return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 60),
        Arbitraries.of(true, false), Arbitraries.longs()).as(Layout::new);
  }

  @Provide
  Arbitrary<Fields> utf8Fields() {
    return fields(UTF8_LETTERS);
  }

  @Provide
  Arbitrary<Fields> latin1Fields() {
    return fields(LATIN1_LETTERS);
  }

  private static Arbitrary<Fields> fields(String letters) {
    return Combinators.combine(addressList(letters), addressList(letters), addressList(letters), subject(letters))
        .as(Fields::new);
  }

  private static Arbitrary<String> word(String letters) {
    return Arbitraries.strings().withChars(letters.toCharArray()).ofMinLength(1).ofMaxLength(8);
  }

  private static Arbitrary<String> asciiWord() {
    return word("abcdefghijklmnopqrstuvwxyz");
  }

  private static Arbitrary<String> address(String letters) {
    Arbitrary<String> local = word(letters).list().ofMinSize(1).ofMaxSize(2).map(w -> String.join(".", w));
    Arbitrary<String> domain = Combinators.combine(word(letters).list().ofMinSize(1).ofMaxSize(2), asciiWord())
        .as((labels, tld) -> String.join(".", labels) + "." + tld);
    return Combinators.combine(local, domain).as((a, d) -> a + "@" + d);
  }

  private static Arbitrary<String> phrase(String letters) {
    Arbitrary<List<String>> words = word(letters).list().ofMinSize(1).ofMaxSize(3);
    Arbitrary<String> atoms = words.map(w -> String.join(" ", w));
    Arbitrary<String> quoted = Combinators.combine(words, Arbitraries.of("@", ",", ";", ":", ".", " @ ", ", "))
        .as((w, special) -> "\"" + String.join(" ", w) + special + w.get(0) + "\"");
    Arbitrary<String> encoded = words.map(w -> "=?utf-8?B?"
        + Base64.getEncoder().encodeToString(String.join(" ", w).getBytes(StandardCharsets.UTF_8)) + "?=");
    return Arbitraries.oneOf(atoms, quoted, encoded);
  }

  private static Arbitrary<String> mailbox(String letters) {
    Arbitrary<String> addr = address(letters);
    Arbitrary<String> comment = word(letters).list().ofMinSize(1).ofMaxSize(2).map(w -> "(" + String.join(" ", w) + ")");
    return Arbitraries.oneOf(
        addr,
        addr.map(a -> "<" + a + ">"),
        Combinators.combine(phrase(letters), addr).as((p, a) -> p + " <" + a + ">"),
        Combinators.combine(addr, comment).as((a, c) -> a + " " + c),
        Combinators.combine(phrase(letters), comment, addr).as((p, c, a) -> p + " " + c + " <" + a + ">"));
  }

  private static Arbitrary<String> addressList(String letters) {
    Arbitrary<String> mailboxes = mailbox(letters).list().ofMinSize(1).ofMaxSize(3).map(m -> String.join(", ", m));
    // Group names are atoms: Jakarta Mail misreads a quoted group name holding ':' (it returns the name as an address).
    Arbitrary<String> groupName = word(letters).list().ofMinSize(1).ofMaxSize(3).map(w -> String.join(" ", w));
    Arbitrary<String> group = Combinators.combine(groupName,
        mailbox(letters).list().ofMinSize(0).ofMaxSize(2))
        .as((name, members) -> name + ": " + String.join(", ", members) + ";");
    Arbitrary<String> entry = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, mailboxes), net.jqwik.api.Tuple.of(1, group),
        net.jqwik.api.Tuple.of(1, Arbitraries.just("undisclosed-recipients:;")));
    return entry.list().ofMinSize(1).ofMaxSize(2).map(e -> String.join(", ", e));
  }

  private static Arbitrary<String> subject(String letters) {
    Arbitrary<String> plain = word(letters).list().ofMinSize(1).ofMaxSize(4).map(w -> String.join(" ", w));
    Arbitrary<String> b64 = plain.map(s -> "=?utf-8?B?" + Base64.getEncoder().encodeToString(
        s.getBytes(StandardCharsets.UTF_8)) + "?=");
    Arbitrary<String> latin1Q = word(LATIN1_LETTERS).map(s -> "=?iso-8859-1?Q?" + q(s, StandardCharsets.ISO_8859_1) + "?=");
    Arbitrary<String> unknown = asciiWord().map(s -> "=?x-unknown-8?Q?" + s + "?=");
    return Arbitraries.oneOf(plain, b64, latin1Q, unknown).list().ofMinSize(1).ofMaxSize(3)
        .map(parts -> String.join(" ", parts));
  }

  /** RFC 2047 Q encoding of every byte outside the safe ASCII letters. */
  private static String q(String s, Charset cs) {
    StringBuilder b = new StringBuilder();
    for (byte x : s.getBytes(cs)) {
      int c = x & 0xff;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        b.append((char) c);
      } else {
        b.append('=').append(String.format("%02X", c));
      }
    }
    return b.toString();
  }
}
