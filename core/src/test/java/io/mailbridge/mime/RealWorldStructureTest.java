package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.mailbridge.mime.RealWorldHeadersTest.Stored;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Message structures seen in real-world mail, each as its smallest example. */
class RealWorldStructureTest {
  private static MessageParser.Parsed<Stored> parse(String lf) throws Exception {
    return RealWorldHeadersTest.parse(lf.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aLeadingMboxFromLineIsSkippedWithAWarning() throws Exception {
    MessageParser.Parsed<Stored> p = parse("""
        From sender@example.com Tue May 10 11:28:07 2005
        From: sender@example.com
        To: rcpt@example.com
        Subject: from an mbox archive
        Content-Type: multipart/mixed; boundary="b"

        --b
        Content-Type: text/plain

        hello
        --b
        Content-Type: application/pdf; name="invoice.pdf"

        %PDF
        --b--
        """);
    assertThat(p.subject()).isEqualTo("from an mbox archive");
    assertThat(p.from()).containsExactly("sender@example.com");
    assertThat(p.to()).containsExactly("rcpt@example.com");
    assertThat(p.text()).contains("hello");
    assertThat(p.attachments()).extracting(Stored::fileName).containsExactly("invoice.pdf");
    assertThat(p.warnings()).anyMatch(w -> w.contains("mbox"));
  }

  @Test
  void aHeaderLineWithoutColonAfterAFoldIsSkippedAndTheRestOfTheHeaderAndTheBodyRead() throws Exception {
    // The line after "<invalid.   " lost its leading space: not a continuation, not a field.
    MessageParser.Parsed<Stored> p = parse("""
        From: <a@example.net>
        Content-Type: multipart/alternative; boundary="----_001"
        References: <baz@bar.net>, <invalid.  \s
        something@bar.net>
        Subject: after the bad line
        To: <b@example.com>

        This is a multi-part message in MIME format.

        ------_001
        Content-Type: text/plain; charset="utf-8"

        foo

        ------_001
        Content-Type: text/html; charset="utf-8"

        <p>foo</p>

        ------_001--
        """);
    assertThat(p.subject()).isEqualTo("after the bad line");
    assertThat(p.to()).containsExactly("b@example.com");
    assertThat(p.text()).hasValueSatisfying(t -> assertThat(t.strip()).isEqualTo("foo"));
    assertThat(p.attachments()).isEmpty();
  }

  @Test
  void attachmentsInsideAForwardedMessageAreReportedWithTheirPartPathBesideTheMessage() throws Exception {
    MessageParser.Parsed<Stored> p = parse("""
        From: a@example.com
        Subject: Fwd: invoice
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: text/plain

        see the forwarded mail
        --outer
        Content-Type: message/rfc822

        From: billing@example.org
        Subject: invoice
        Content-Type: multipart/mixed; boundary="inner"

        --inner
        Content-Type: text/plain

        your invoice
        --inner
        Content-Type: application/pdf; name="invoice.pdf"
        Content-Transfer-Encoding: base64

        JVBERi0xLjQK
        --inner--

        --outer--
        """);
    assertThat(p.from()).containsExactly("a@example.com");
    assertThat(p.text()).hasValueSatisfying(t -> assertThat(t).contains("see the forwarded mail"));
    assertThat(p.attachments()).extracting(Stored::partPath, Stored::contentType, Stored::fileName)
        .containsExactly(tuple("2", "message/rfc822", "part-2.eml"), tuple("2.2", "application/pdf", "invoice.pdf"));
    assertThat(p.attachments().get(1).size()).isEqualTo(9); // "%PDF-1.4\n"
  }

  @Test
  void textPartsWithoutANameOrAttachmentDispositionAreNotAttachments() throws Exception {
    MessageParser.Parsed<Stored> p = parse("""
        From: list@example.com
        Subject: digest and footer
        Content-Type: multipart/mixed; boundary="m"

        --m
        Content-Type: text/plain

        the body
        --m
        Content-Type: text/plain

        a second text part
        --m
        Content-Type: multipart/digest; boundary="d"

        --d
        Content-Type: text/plain

        --d

        From: member@example.com
        Subject: a digest member

        member body
        --d--
        --m
        Content-Type: text/plain; charset=us-ascii
        Content-Disposition: inline

        _______________________________________________
        list mailing list
        --m
        Content-Type: text/plain
        Content-Disposition: attachment

        a text attachment without a name
        --m
        Content-Type: text/plain; name="notes.txt"

        named text
        --m
        Content-Type: image/png

        PNG
        --m--
        """);
    assertThat(p.text()).hasValueSatisfying(t -> assertThat(t).startsWith("the body"));
    assertThat(p.attachments()).extracting(Stored::partPath, Stored::contentType)
        .containsExactly(tuple("3.2", "message/rfc822"), tuple("5", "text/plain"), tuple("6", "text/plain"),
            tuple("7", "image/png"));
  }

  @Test
  void aFromFieldWithSpaceBeforeTheColonIsAFieldNotAnMboxLine() throws Exception {
    MessageParser.Parsed<Stored> p = parse("""
        From : old@example.com
        Subject: obsolete form

        body
        """);
    assertThat(p.from()).containsExactly("old@example.com");
    assertThat(p.subject()).isEqualTo("obsolete form");
    assertThat(p.warnings()).noneMatch(w -> w.contains("mbox"));
  }
}
