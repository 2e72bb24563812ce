package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Header shapes seen in real-world mail that established parsers (Jakarta Mail, Python's email,
 * the Ruby mail gem) read, each as its smallest example: what Receive reports must be what they read.
 */
class RealWorldHeadersTest {
  /** What the parse handed to the sink for one part. */
  record Stored(String partPath, String fileName, String contentType, long size) {}

  static MessageParser.Parsed<Stored> parse(byte[] raw) throws Exception {
    return MessageParser.parse(new ByteArrayInputStream(raw), MessageParser.Body.TEXT, false, 1 << 20, (in, part) -> {
      try {
        long n = in.transferTo(java.io.OutputStream.nullOutputStream());
        return new Stored(part.path(), part.fileName(), part.contentType(), n);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  /** The header lines (LF is written as CRLF) in the given charset, an empty line and a body. */
  static byte[] message(Charset charset, String... headers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String h : headers) {
      out.writeBytes(h.getBytes(charset));
      out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.writeBytes("\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void rawUtf8AddressesComeThroughWhole() throws Exception {
    MessageParser.Parsed<Stored> p = parse(message(StandardCharsets.UTF_8, "From: \"Jöhn Doe\" <jdöe@mächine.example>",
        "To: \"Märy Smith\" <märy@exämple.net>, Ünïcödé <ü@exämple.net>"));
    assertThat(p.from()).containsExactly("jdöe@mächine.example");
    assertThat(p.to()).containsExactly("märy@exämple.net", "ü@exämple.net");
  }

  @Test
  void latin1AndInvalidBytesInADisplayNameLeaveTheAddressWhole() throws Exception {
    assertThat(parse(message(StandardCharsets.ISO_8859_1, "From: \"Jörgen Schmürgen\" <schmuergen@example.com>"))
        .from()).containsExactly("schmuergen@example.com");
    byte[] twoInvalid = message(StandardCharsets.ISO_8859_1,
        "From: Here2There \u00ff\u00fe Travelers <info@here2there-travelers-msgs.net>");
    MessageParser.Parsed<Stored> p = parse(twoInvalid);
    assertThat(p.from()).containsExactly("info@here2there-travelers-msgs.net");
  }

  @Test
  void anAtSignInAnUnquotedDisplayNameIsPartOfTheName() throws Exception {
    assertThat(parse(message(StandardCharsets.US_ASCII, "To: smith@gmail.com, Mikel@Lindsaar <raasdnil@gmail.com>"))
        .to()).containsExactly("smith@gmail.com", "raasdnil@gmail.com");
  }

  @Test
  void addressesSeparatedOnlyBySpaceAreTwoAddresses() throws Exception {
    MessageParser.Parsed<Stored> p = parse(message(StandardCharsets.US_ASCII, "From: tim@example.com concierge@example.com",
        "To: john.doe@example.com  john@example.net, x@example.org"));
    assertThat(p.from()).containsExactly("tim@example.com", "concierge@example.com");
    assertThat(p.to()).containsExactly("john.doe@example.com", "john@example.net", "x@example.org");
  }

  @Test
  void aGroupIsItsMembersAndAnEmptyGroupNoAddress() throws Exception {
    MessageParser.Parsed<Stored> p = parse(message(StandardCharsets.US_ASCII, "To: undisclosed-recipients:;",
        "Cc: <Undisclosed-Recipient:@mailman.example.com;>",
        "Bcc: A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;, after@x.test",
        "Reply-To: Team: ;"));
    assertThat(p.to()).isEmpty();
    assertThat(p.cc()).isEmpty();
    assertThat(p.bcc()).containsExactly("c@a.test", "joe@where.test", "jdoe@one.test", "after@x.test");
    assertThat(p.replyTo()).isEmpty();
    assertThat(p.warnings()).noneMatch(w -> w.contains("@mailman") && !w.contains("no valid address"));
  }

  @Test
  void anEncodedWordInAnUnknownCharsetIsReadAsLatin1WithAWarning() throws Exception {
    MessageParser.Parsed<Stored> p = parse(message(StandardCharsets.US_ASCII, "Subject: =?NONE?B?VEVTVA=?= =?x-unknown?Q?caf=E9?="));
    assertThat(p.subject()).isEqualTo("TESTcafé");
    assertThat(p.warnings()).anyMatch(w -> w.contains("NONE") && w.contains("unknown charset"));
  }

  @Test
  void utf7EncodedWordsAreDecoded() throws Exception {
    MessageParser.Parsed<Stored> p = parse(message(StandardCharsets.US_ASCII,
        "Subject: =?utf-7?Q?Die_Hasen_und_die_Fr+APY-sche?="));
    assertThat(p.subject()).isEqualTo("Die Hasen und die Frösche");
  }

  @Test
  void rawEightBitBytesInsideAnEncodedWordAreReadInTheDeclaredCharset() throws Exception {
    assertThat(parse(message(StandardCharsets.ISO_8859_1, "Subject: =?iso-8859-1?Q?Die_Fr\u00f6sche?=")).subject())
        .isEqualTo("Die Frösche");
    assertThat(parse(message(StandardCharsets.UTF_8, "Subject: =?utf-8?Q?Die_Fr\u00f6sche?= und Kröten")).subject())
        .isEqualTo("Die Frösche und Kröten");
  }

  @Test
  void repeatedAddressFieldsAddUpAndTheFirstSubjectCounts() throws Exception {
    MessageParser.Parsed<Stored> p = parse(message(StandardCharsets.US_ASCII, "From: first@example.com",
        "From: second@example.com", "Cc: a@example.com", "Cc: b@example.com, c@example.com", "Subject: first",
        "Subject: second"));
    assertThat(p.from()).containsExactly("first@example.com", "second@example.com");
    assertThat(p.cc()).containsExactly("a@example.com", "b@example.com", "c@example.com");
    assertThat(p.subject()).isEqualTo("first");
  }

  @Test
  void aLocalPartAloneIsReportedAndCommentsAreNotPartOfTheAddress() throws Exception {
    MessageParser.Parsed<Stored> p = parse(message(StandardCharsets.US_ASCII, "To: root, Undisclosed Recipients@example.com",
        "Cc: Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>"));
    assertThat(p.to()).containsExactly("root", "Undisclosed Recipients@example.com");
    assertThat(p.cc()).containsExactly("pete@silly.test");
  }
}
