package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.document.Attachment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MessageParserTest {
  private final Map<String, byte[]> stored = new LinkedHashMap<>();

  private MessageParser.Parsed<Attachment> parse(String raw, MessageParser.Body format) throws Exception {
    return parse(raw.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8), format);
  }

  private MessageParser.Parsed<Attachment> parse(byte[] raw, MessageParser.Body format) throws Exception {
    return MessageParser.parse(new ByteArrayInputStream(raw), format, true, 1 << 20, this::store);
  }

  private Attachment store(InputStream in, Part meta) {
    try {
      byte[] b = in.readAllBytes();
      stored.put(meta.path(), b);
      return new Attachment(meta.path(), meta.fileName(), meta.contentType(), b.length, sha(b),
          meta.inline(), meta.contentId(), Optional.empty(), Optional.empty());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static String sha(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void messagesParsedOneAfterAnotherOnAThreadKeepTheirOwnResultsAndWarnings() throws Exception {
    String good = """
        From: a@example.com
        Subject: first
        Message-ID: <first@example.com>
        Date: Tue, 24 Nov 2026 10:00:00 +0000
        Content-Type: multipart/mixed; boundary="b1"

        --b1
        Content-Type: text/plain

        body one
        --b1
        Content-Type: application/octet-stream; name="a.bin"
        Content-Transfer-Encoding: base64

        AAEC
        --b1--
        """;
    String warned = """
        From: b@example.com
        Subject: second
        Date: not a date

        body two
        """;
    StringBuilder tooDeep = new StringBuilder("Subject: deep\nContent-Type: multipart/mixed; boundary=\"b0\"\n\n");
    for (int level = 0; level < 60; level++) {
      tooDeep.append("--b").append(level).append("\nContent-Type: multipart/mixed; boundary=\"b").append(level + 1)
          .append("\"\n\n");
    }
    tooDeep.append("inner\n");
    for (int round = 0; round < 3; round++) {
      MessageParser.Parsed<Attachment> one = parse(good, MessageParser.Body.TEXT);
      assertThat(one.subject()).isEqualTo("first");
      assertThat(one.text()).contains("body one");
      assertThat(one.attachments()).singleElement().satisfies(a -> assertThat(a.size()).isEqualTo(3));
      assertThat(one.warnings()).isEmpty();
      MessageParser.Parsed<Attachment> two = parse(warned, MessageParser.Body.TEXT);
      assertThat(two.subject()).isEqualTo("second");
      assertThat(two.attachments()).isEmpty();
      assertThat(two.warnings()).anyMatch(w -> w.contains("Date")).noneMatch(w -> w.contains("first"));
      MessageParser.Parsed<Attachment> deep = parse(tooDeep.toString(), MessageParser.Body.TEXT); // ends the parse early
      assertThat(deep.warnings()).anyMatch(w -> w.contains("nesting"));
    }
  }

  @Test
  void headerNamesAreMatchedInAnyCase() throws Exception {
    MessageParser.Parsed<Attachment> p = parse("""
        FROM: invoices@example.com
        tO: alice@example.test
        SUBJECT: Shouting
        message-id: <loud@example.com>
        DATE: Tue, 24 Nov 2026 10:00:00  +0100
        X-Other: ignored

        Body.
        """, MessageParser.Body.TEXT);
    assertThat(p.from()).containsExactly("invoices@example.com");
    assertThat(p.to()).containsExactly("alice@example.test");
    assertThat(p.subject()).isEqualTo("Shouting");
    assertThat(p.messageId()).isEqualTo("<loud@example.com>");
    assertThat(p.date()).hasValueSatisfying(d -> assertThat(d.getHour()).isEqualTo(10));
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void textBodiesOfAnyLengthAreReadWholeOrCutAtTheLimit() throws Exception {
    for (int len : new int[] {0, 1, 32 * 1024 - 1, 32 * 1024, 32 * 1024 + 1, 100_000, 300_000}) {
      StringBuilder body = new StringBuilder(len);
      for (int i = 0; body.length() < len; i++) {
        body.append((char) ('a' + i % 26));
        if (i % 70 == 69 && body.length() < len - 1) {
          body.append("\r\n");
        }
      }
      body.setLength(len);
      byte[] raw = ("From: a@example.com\r\nSubject: long\r\nMessage-ID: <l@x>\r\n"
          + "Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body)
          .getBytes(StandardCharsets.UTF_8);
      MessageParser.Parsed<Attachment> whole = MessageParser.parse(new ByteArrayInputStream(raw), MessageParser.Body.TEXT, false,
          1 << 20, this::store);
      assertThat(whole.text()).as("length %d", len).hasValue(body.toString());
      assertThat(whole.warnings()).isEmpty();
      MessageParser.Parsed<Attachment> cut = MessageParser.parse(new ByteArrayInputStream(raw), MessageParser.Body.TEXT, false,
          50_000, this::store);
      assertThat(cut.text()).as("length %d cut", len).hasValue(body.substring(0, Math.min(len, 50_000)));
      assertThat(cut.warnings().stream().anyMatch(w -> w.contains("kept the first 50000"))).isEqualTo(len > 50_000);
    }
  }

  @Test
  void plainMessageGivesHeadersAndText() throws Exception {
    MessageParser.Parsed<Attachment> p = parse("""
        From: "Invoices Dept" <invoices@example.com>
        To: alice@example.test, Bob <bob@example.test>
        Cc: carol@example.test
        Reply-To: billing@example.com
        Subject: Invoice 42
        Date: Tue, 24 Nov 2026 10:00:00 +0100
        Message-ID: <inv-42@example.com>
        Content-Type: text/plain; charset=UTF-8

        Please pay.
        """, MessageParser.Body.TEXT);
    assertThat(p.from()).containsExactly("invoices@example.com");
    assertThat(p.to()).containsExactly("alice@example.test", "bob@example.test");
    assertThat(p.cc()).containsExactly("carol@example.test");
    assertThat(p.replyTo()).containsExactly("billing@example.com");
    assertThat(p.subject()).isEqualTo("Invoice 42");
    assertThat(p.messageId()).isEqualTo("<inv-42@example.com>");
    assertThat(p.date()).hasValueSatisfying(d -> assertThat(d.toString()).isEqualTo("2026-11-24T10:00+01:00"));
    assertThat(p.text()).hasValue("Please pay.\r\n");
    assertThat(p.attachments()).isEmpty();
    assertThat(p.warnings()).isEmpty();
    assertThat(p.headers()).containsKey("Subject");
  }

  static final String NESTED = """
      From: a@example.com
      To: b@example.com
      Subject: nested
      Date: Tue, 24 Nov 2026 10:00:00 +0000
      Message-ID: <n@x>
      MIME-Version: 1.0
      Content-Type: multipart/mixed; boundary="outer"

      --outer
      Content-Type: multipart/alternative; boundary="alt"

      --alt
      Content-Type: text/plain; charset=ISO-8859-1
      Content-Transfer-Encoding: quoted-printable

      Gr=FC=DFe
      --alt
      Content-Type: multipart/related; boundary="rel"

      --rel
      Content-Type: text/html; charset=UTF-8

      <p>Hello <img src="cid:logo@x"></p>
      --rel
      Content-Type: image/png
      Content-ID: <logo@x>
      Content-Disposition: inline
      Content-Transfer-Encoding: base64

      iVBORw0KGgo=
      --rel--
      --alt--
      --outer
      Content-Type: application/pdf; name="=?UTF-8?B?UmVjaG51bmcgTcOkcnoucGRm?="
      Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%E2%82%AC.pdf
      Content-Transfer-Encoding: base64

      JVBERi0xLjQK
      --outer
      Content-Type: message/rfc822
      Content-Disposition: attachment

      From: x@example.com
      Subject: forwarded

      inner body
      --outer--
      """;

  @Test
  void nestedMultipartGivesBodiesInlinePartsAttachmentsAndForwardedMessage() throws Exception {
    MessageParser.Parsed<Attachment> p = parse(NESTED, MessageParser.Body.TEXT);
    assertThat(p.text()).hasValueSatisfying(t -> assertThat(t).startsWith("Grüße"));
    assertThat(p.attachments()).extracting(Attachment::partPath).containsExactly("1.2.2", "2", "3");
    Attachment img = p.attachments().get(0);
    assertThat(img.inline()).isTrue();
    assertThat(img.contentId()).hasValue("logo@x");
    assertThat(img.contentType()).isEqualTo("image/png");
    assertThat(stored.get("1.2.2")).startsWith(0x89, 'P', 'N', 'G');
    Attachment pdf = p.attachments().get(1);
    assertThat(pdf.fileName()).isEqualTo("Rechnung März €.pdf"); // RFC 2231 wins over the name parameter
    assertThat(pdf.inline()).isFalse();
    assertThat(new String(stored.get("2"), StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4\n");
    Attachment fwd = p.attachments().get(2);
    assertThat(fwd.contentType()).isEqualTo("message/rfc822");
    assertThat(fwd.fileName()).isEqualTo("part-3.eml");
    assertThat(new String(stored.get("3"), StandardCharsets.US_ASCII)).startsWith("From: x@example.com")
        .contains("inner body");
    assertThat(p.warnings()).isEmpty();
    assertThat(parse(NESTED, MessageParser.Body.HTML).text()).hasValueSatisfying(t -> assertThat(t).startsWith("<p>Hello"));
  }

  @Test
  void decodesRfc2047SubjectsAndNamesAndRfc2231Continuations() throws Exception {
    MessageParser.Parsed<Attachment> p = parse("""
        From: =?UTF-8?Q?J=C3=BCrgen?= <j@example.com>
        Subject: =?UTF-8?B?UmVjaG51bmcg4oKsIDQy?= =?ISO-8859-1?Q?_f=FCr_M=E4rz?=
        Date: 24 Nov 2026 10:00:00 +0000
        Message-ID: <x@y>
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: text/plain

        hi
        --b
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename*0*=UTF-8''%E6%97%A5%E6%9C%AC; filename*1=".txt"

        x
        --b--
        """, MessageParser.Body.TEXT);
    assertThat(p.subject()).isEqualTo("Rechnung € 42 für März");
    assertThat(p.from()).containsExactly("j@example.com");
    assertThat(p.attachments().get(0).fileName()).isEqualTo("日本.txt");
  }

  @Test
  void eightBitHeadersAreReadAsUtf8OrWindows1252WithWarning() throws Exception {
    byte[] utf8 = "Subject: Grüße aus Köln\r\nFrom: a@x.com\r\nDate: 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <a@b>\r\n\r\nx"
        .getBytes(StandardCharsets.UTF_8);
    MessageParser.Parsed<Attachment> p = parse(utf8, MessageParser.Body.TEXT);
    assertThat(p.subject()).isEqualTo("Grüße aus Köln");
    assertThat(p.warnings()).isEmpty();
    byte[] latin = "Subject: Grüße\r\nFrom: a@x.com\r\n\r\nx".getBytes(StandardCharsets.ISO_8859_1);
    MessageParser.Parsed<Attachment> q = parse(latin, MessageParser.Body.TEXT);
    assertThat(q.subject()).isEqualTo("Grüße");
    assertThat(q.warnings()).anyMatch(w -> w.contains("not UTF-8"))
        .anyMatch(w -> w.contains("no Message-ID")).anyMatch(w -> w.contains("no Date"));
  }

  @Test
  void brokenEncodingsUnknownCharsetsAndMissingBoundaryStillGiveADocument() throws Exception {
    MessageParser.Parsed<Attachment> p = parse("""
        From: a@x.com
        Subject: broken
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: text/plain; charset=x-no-such-charset
        Content-Transfer-Encoding: quoted-printable

        caf=E9 =ZZ broken soft=
        --b
        Content-Type: application/octet-stream; name=a.bin
        Content-Transfer-Encoding: base64

        AAEC!!!Aw==@@@
        --b
        """, MessageParser.Body.TEXT);
    assertThat(p.subject()).isEqualTo("broken");
    assertThat(p.text()).hasValueSatisfying(t -> assertThat(t).startsWith("caf"));
    assertThat(p.warnings()).anyMatch(w -> w.contains("unknown charset 'x-no-such-charset'"));
    assertThat(p.attachments()).hasSize(1);
    assertThat(stored.get("2")).startsWith(0, 1, 2);

    MessageParser.Parsed<Attachment> noBoundary = parse("""
        From: a@x.com
        Subject: no boundary
        Content-Type: multipart/mixed

        --x
        Content-Type: text/plain

        text
        --x--
        """, MessageParser.Body.TEXT);
    assertThat(noBoundary.subject()).isEqualTo("no boundary");
    assertThat(noBoundary.text()).hasValueSatisfying(t -> assertThat(t).contains("text"));
  }

  @Test
  void hostileAttachmentNamesAreSanitisedWithAWarning() throws Exception {
    MessageParser.Parsed<Attachment> p = parse("""
        From: a@x.com
        Subject: evil
        Content-Type: multipart/mixed; boundary=b

        --b
        Content-Type: text/plain

        x
        --b
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename="../../etc/passwd"

        root
        --b
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename="CON"

        c
        --b
        Content-Type: application/octet-stream
        Content-Disposition: attachment; filename=""

        e
        --b--
        """, MessageParser.Body.TEXT);
    assertThat(p.attachments()).extracting(Attachment::fileName).containsExactly("passwd", "_CON", "part-4.bin");
    assertThat(p.warnings()).anyMatch(w -> w.contains("sanitised to 'passwd'"));
  }

  @Test
  void htmlOnlyMessageGivesTextForTheTextFormat() throws Exception {
    MessageParser.Parsed<Attachment> p = parse("""
        From: a@x.com
        Content-Type: text/html

        <html><body><p>Hello &amp; welcome</p><script>x()</script></body></html>
        """, MessageParser.Body.TEXT);
    assertThat(p.text()).hasValue("Hello & welcome");
  }

  @Test
  void messageThatCannotBeParsedAtAllThrows() {
    byte[] hostile = ("From: a@x.com\r\nSubject: " + "x".repeat(2_000_000) + "\r\n\r\nbody")
        .getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> parse(hostile, MessageParser.Body.TEXT)).isInstanceOf(Exception.class);
  }

  /** What a reference document is built from: the header block of a multipart message, no body. */
  @Test
  void headerBlockAloneGivesTheTrackedFieldsWithoutSpuriousWarnings() throws Exception {
    String header = """
        From: Ann <ann@example.com>
        To: bob@example.com
        Subject: =?UTF-8?Q?Gro=C3=9Fe_Datei?=
        Date: Tue, 24 Nov 2026 10:00:00 +0000
        Message-ID: <big@example.com>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="b1"

        """;
    MessageParser.Parsed<Attachment> whole = parse(header, MessageParser.Body.TEXT);
    assertThat(whole.warnings()).as("a full parse sees a multipart without parts").isNotEmpty();
    MessageParser.Parsed<Attachment> p = MessageParser.parseHeader(new ByteArrayInputStream(
        header.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)), MessageParser.Body.TEXT, false,
        MessageParser.Limits.defaults(1 << 20));
    assertThat(p.subject()).isEqualTo("Große Datei");
    assertThat(p.from()).containsExactly("ann@example.com");
    assertThat(p.messageId()).isEqualTo("<big@example.com>");
    assertThat(p.attachments()).isEmpty();
    assertThat(p.warnings()).isEmpty();
  }

  @Test
  void trackedFieldNamesMatchAsEqualsIgnoreCaseWouldForEveryLatin1Name() {
    // mime4j gives field names as ISO-8859-1 characters: try each one in every position of each name.
    java.util.List<String> names = java.util.List.of("to", "cc", "bcc", "from", "date", "subject", "reply-to",
        "message-id", "content-id", "content-type", "content-disposition");
    for (String n : names) {
      for (int pos = 0; pos < n.length(); pos++) {
        for (char c = 0; c <= 0xFF; c++) {
          String name = n.substring(0, pos) + c + n.substring(pos + 1);
          String expected = names.stream().filter(name::equalsIgnoreCase).findFirst().orElse(null);
          assertThat(MessageParser.tracked(name)).as("'%s'", name).isEqualTo(expected);
        }
      }
      assertThat(MessageParser.tracked(n.toUpperCase(java.util.Locale.ROOT))).isEqualTo(n);
    }
  }
}
