package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendSettings;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ComposerTest {
  @TempDir
  Path dir;

  private static Email.Builder base() {
    return Email.builder().from("bob@example.test").to("alice@example.test");
  }

  private static byte[] raw(Composer.Composed c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.message().writeTo(out);
    return out.toByteArray();
  }

  private static MimeMessage parse(byte[] raw) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }

  private static Composer.Composed compose(Email e) {
    Composer.validate(e, 0, "");
    return Composer.compose(e, "");
  }

  @Test
  void textAndHtmlGoAsAlternativeInsideMixedWithAttachments() throws Exception {
    Path csv = Files.writeString(dir.resolve("data.csv"), "a,b\r\n1,2\r\n");
    Composer.Composed c = Composer.compose(base().subject("Report").text("plain body").html("<p>html body</p>")
        .attach(Attachment.file(csv), Attachment.bytes(new byte[] {1, 2, 3}).name("x.pdf")).build(), "",
        SendSettings.builder().contentTypeFromName(true).build());
    MimeMessage m = parse(raw(c));
    assertThat(m.getContentType()).startsWith("multipart/mixed");
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(mixed.getCount()).isEqualTo(3);
    MimeMultipart alt = (MimeMultipart) mixed.getBodyPart(0).getContent();
    assertThat(mixed.getBodyPart(0).getContentType()).startsWith("multipart/alternative");
    assertThat(alt.getBodyPart(0).getContentType()).startsWith("text/plain");
    assertThat(alt.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo("data.csv");
    assertThat(mixed.getBodyPart(1).getContentType()).startsWith("text/csv");
    assertThat(new String(mixed.getBodyPart(1).getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
        .isEqualTo("a,b\r\n1,2\r\n");
    assertThat(c.properties().fileName()).containsExactly("data.csv", "x.pdf");
    assertThat(c.properties().contentType()).containsExactly("text/csv", "application/pdf");
    assertThat(c.properties().attachmentsCount()).contains(2);
  }

  @Test
  void textOnlyMessageIsASinglePart() throws Exception {
    MimeMessage m = parse(raw(compose(base().text("hello").build())));
    assertThat(m.getContentType()).startsWith("text/plain").contains("UTF-8");
    assertThat(m.getContent()).isEqualTo("hello");
  }

  @Test
  void inlineImagesGoInRelatedWithContentId() throws Exception {
    MimeMessage m = parse(raw(compose(base().text("t").html("<img src=\"cid:logo\">")
        .attach(Attachment.bytes(new byte[] {9}).name("logo.png").inline("logo")).build())));
    MimeMultipart alt = (MimeMultipart) m.getContent();
    MimeMultipart related = (MimeMultipart) alt.getBodyPart(1).getContent();
    assertThat(alt.getBodyPart(1).getContentType()).startsWith("multipart/related");
    MimeBodyPart img = (MimeBodyPart) related.getBodyPart(1);
    assertThat(img.getContentID()).isEqualTo("<logo>");
    assertThat(img.getDisposition()).isEqualTo("inline");
    assertThat(img.getContentType()).startsWith("image/png");
  }

  @Test
  void bccIsInTheEnvelopeButNeverInTheHeaders() throws Exception {
    Composer.Composed c = compose(base().cc("carol@example.test").bcc("secret@example.test").text("x").build());
    String raw = new String(raw(c), StandardCharsets.US_ASCII);
    // No Bcc header line (a random Message-ID may contain the letters "bcc"), and the address nowhere.
    assertThat(raw).doesNotContainPattern("(?im)^bcc\\s*:").doesNotContain("secret@example.test");
    assertThat(c.envelope()).extracting(a -> a.getAddress())
        .containsExactly("alice@example.test", "carol@example.test", "secret@example.test");
    assertThat(c.properties().toAddress())
        .containsExactly("alice@example.test", "carol@example.test", "secret@example.test");
    assertThat(c.properties().bcc()).containsExactly("secret@example.test");
  }

  @Test
  void unsetFileNameAndContentTypeGetTheSeedDefaults() throws Exception {
    Path pdf = Files.write(dir.resolve("scan.PDF"), new byte[] {1});
    Composer.Composed c = compose(base().text("x").attach(
        Attachment.bytes(new byte[] {1}),
        Attachment.bytes(new byte[] {1}).contentType("application/pdf"),
        Attachment.file(pdf),
        Attachment.bytes(new byte[] {1}).name("strange.zzqq"),
        Attachment.bytes(new byte[] {1}).name("legacy.dat").contentType("application/binary")).build());
    assertThat(c.properties().fileName().get(0)).matches("attachment-[0-9a-f]{8}\\.bin");
    assertThat(c.properties().fileName().get(1)).matches("attachment-[0-9a-f]{8}\\.pdf");
    assertThat(c.properties().fileName().subList(2, 5)).containsExactly("scan.PDF", "strange.zzqq", "legacy.dat");
    // The seed: "If you do not set the Content-Type in Send operations, the value is set to
    // application/binary for all attachments."
    assertThat(c.properties().contentType()).containsExactly("application/binary", "application/pdf",
        "application/binary", "application/binary", "application/binary");
    MimeMultipart mixed = (MimeMultipart) parse(raw(c)).getContent();
    assertThat(mixed.getBodyPart(3).getContentType()).startsWith("application/binary");
    assertThat(mixed.getBodyPart(5).getContentType()).startsWith("application/binary");
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(c.properties().fileName().get(0));
  }

  @Test
  void contentTypesAreGuessedFromTheNameOnlyWhenAskedAndAGivenDefaultAppliesToTheRest() throws Exception {
    Path pdf = Files.write(dir.resolve("scan.PDF"), new byte[] {1});
    Email e = base().text("x").attach(Attachment.bytes(new byte[] {1}), Attachment.file(pdf),
        Attachment.bytes(new byte[] {1}).name("strange.zzqq"),
        Attachment.bytes(new byte[] {1}).name("legacy.dat").contentType("application/binary")).build();
    Composer.Composed guessed = Composer.compose(e, "", SendSettings.builder().contentTypeFromName(true).build());
    assertThat(guessed.properties().contentType()).containsExactly("application/binary", "application/pdf",
        "application/binary", "application/binary");
    Composer.Composed fixed = Composer.compose(e, "", SendSettings.builder().attachmentContentType("text/plain").build());
    assertThat(fixed.properties().contentType()).containsExactly("text/plain", "text/plain", "text/plain",
        "application/binary");
    assertThat(((MimeMultipart) parse(raw(fixed)).getContent()).getBodyPart(2).getContentType()).startsWith("text/plain");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> SendSettings.builder().attachmentContentType("pdf").build())
        .isInstanceOf(io.mailbridge.ConfigException.class).hasMessageContaining("send.attachmentContentType 'pdf'");
  }

  @Test
  void nonAsciiSubjectNamesAndBodiesAreEncodedAndRoundTrip() throws Exception {
    String name = "Überweisung März 報告書 — très long nom de fichier pour forcer le découpage.pdf";
    Composer.Composed c = compose(Email.builder().from("Jürgen Größe <bob@example.test>")
        .to("Zoë Ångström <alice@example.test>").subject("Grüße aus Köln — 日本語の件名 ✓")
        .text("Käse & Brötchen ✓").attach(Attachment.bytes(new byte[] {1, 2}).name(name)).build());
    byte[] bytes = raw(c);
    String raw = new String(bytes, StandardCharsets.ISO_8859_1);
    assertThat(raw.lines().takeWhile(l -> !l.isEmpty())).allMatch(l -> l.chars().allMatch(ch -> ch < 128));
    assertThat(raw).contains("filename*0*=UTF-8''").contains("name=\"=?UTF-8?B?");
    MimeMessage m = parse(bytes);
    assertThat(m.getSubject()).isEqualTo("Grüße aus Köln — 日本語の件名 ✓");
    assertThat(((jakarta.mail.internet.InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Jürgen Größe");
    assertThat(((jakarta.mail.internet.InternetAddress) m.getRecipients(Message.RecipientType.TO)[0]).getPersonal()).isEqualTo("Zoë Ångström");
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(mixed.getBodyPart(0).getContent()).isEqualTo("Käse & Brötchen ✓");
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(name);
  }

  @Test
  void internationalizedAddressesAreWrittenAsUtf8AndNeedSmtpUtf8() throws Exception {
    Email eai = base().to("Jürgen <jürgen@exämple.test>").subject("Grüße").text("x").build();
    Composer.Composed c = compose(eai);
    assertThat(c.needsSmtpUtf8()).isTrue();
    assertThat(compose(base().to("Jürgen <j@example.test>").text("x").build()).needsSmtpUtf8()).isFalse();
    String raw = new String(raw(c), StandardCharsets.UTF_8);
    // RFC 6532: address fields in raw UTF-8 (allowed once SMTPUTF8 is used); the subject stays RFC 2047.
    assertThat(raw).contains("To: alice@example.test, \"Jürgen\" <jürgen@exämple.test>")
        .contains("Subject: =?UTF-8?");
    assertThat(c.envelope()[1].getAddress()).isEqualTo("jürgen@exämple.test");
  }

  @Test
  void messageIdIsRandomAtTheSenderDomainUnlessGiven() {
    Composer.Composed a = compose(base().text("x").build());
    Composer.Composed b = compose(base().text("x").build());
    assertThat(a.properties().messageId()).matches("<[0-9a-f]{32}@example\\.test>");
    assertThat(a.properties().messageId()).isNotEqualTo(b.properties().messageId());
    assertThat(compose(base().messageId("<given@x.test>").text("x").build()).properties().messageId())
        .isEqualTo("<given@x.test>");
  }

  @Test
  void customHeadersAndPriorityAreWritten() throws Exception {
    MimeMessage m = parse(raw(compose(base().header("X-Ticket", "Nº 42").priority(Email.Priority.HIGH)
        .text("x").build())));
    assertThat(jakarta.mail.internet.MimeUtility.decodeText(m.getHeader("X-Ticket")[0])).isEqualTo("Nº 42");
    assertThat(m.getHeader("X-Priority")[0]).startsWith("1");
    assertThat(m.getHeader("Importance")[0]).isEqualTo("high");
  }

  @Test
  void measuredSizeEqualsTheWrittenBytes() throws Exception {
    Composer.Composed c = compose(base().text("x").attach(Attachment.bytes(new byte[100_000]).name("z.bin")).build());
    assertThat(ServerSize.measure(c.message())).isEqualTo(raw(c).length);
    assertThat(c.sizeUpperBound().getAsLong()).isGreaterThanOrEqualTo(raw(c).length);
  }

  // --- validation: every rule, type and message ---

  private static void rejected(Email e, String... fragments) {
    assertThatThrownBy(() -> Composer.validate(e, 0, "")).isInstanceOf(BadInputException.class)
        .message().contains(fragments);
  }

  @Test
  void lineBreaksInSubjectAreRefused() {
    rejected(base().subject("Hi\r\nBcc: victim@evil.test").build(), "message 1: subject", "line break (CR)",
        "header injection");
    rejected(base().subject("Hi\nX: y").build(), "subject", "line break (LF)");
    rejected(base().subject("Hi\0").build(), "subject", "NUL");
  }

  @Test
  void lineBreaksInAddressesAndDisplayNamesAreRefused() {
    rejected(base().to("x@example.test\r\nBcc: v@evil.test").build(), "to[1]", "line break");
    rejected(base().cc("\"Evil\r\nBcc: v@evil.test\" <c@example.test>").build(), "cc[0]", "line break");
    rejected(Email.builder().from("Bob\n <bob@example.test>").to("a@example.test").build(), "from", "line break");
    rejected(base().replyTo("r@example.test\r").build(), "replyTo[0]", "line break");
    rejected(base().bcc("b@example.test\n").build(), "bcc[0]", "line break");
  }

  @Test
  void lineBreaksInFileNamesHeadersAndTypesAreRefused() {
    rejected(base().attach(Attachment.bytes(new byte[1]).name("a.pdf\r\nContent-Type: text/html")).build(),
        "attachments[0].name", "line break");
    rejected(base().attach(Attachment.bytes(new byte[1]).contentType("text/plain\r\nX: y")).build(),
        "attachments[0].contentType", "line break");
    rejected(base().header("X-Custom", "v\r\nBcc: v@evil.test").build(), "header 'X-Custom'", "line break");
    rejected(base().header("X-Bad\r\nBcc", "v").build(), "header name", "not a valid field name");
    rejected(base().header("Bcc", "v@evil.test").build(), "header 'Bcc' is set by Mailbridge itself");
    rejected(base().header("Content-Type", "text/html").build(), "header 'Content-Type'");
    rejected(base().messageId("<a@b>\r\nX: y").build(), "messageId", "line break");
    rejected(base().attach(Attachment.bytes(new byte[1]).inline("lo\ngo")).build(), "attachments[0].contentId");
  }

  @Test
  void invalidAddressesNameTheField() {
    rejected(base().cc("not an address").build(), "cc[0] 'not an address' is not a valid address");
    rejected(base().to("bob@").build(), "to[1]", "not a valid address");
    rejected(Email.builder().from("a@x.test, b@x.test").to("c@x.test").build(), "from", "exactly one address");
    rejected(Email.builder().from("a@x.test").build(), "no recipient");
    rejected(Email.builder().to("a@x.test").build(), "from is missing");
  }

  @Test
  void missingOrUnreadableFilesAndBadTypesAreRefused() throws Exception {
    rejected(base().attach(Attachment.file(dir.resolve("nope.pdf"))).build(), "attachments[0] file", "does not exist");
    rejected(base().attach(Attachment.file(dir)).build(), "attachments[0]", "not a regular file");
    rejected(base().attach(Attachment.bytes(new byte[1]).contentType("not a type")).build(),
        "attachments[0].contentType 'not a type' is not a MIME type");
    rejected(base().messageId("no-brackets@x").build(), "messageId", "<unique@domain>");
  }

  @Test
  void theOutboundLoginIsTheDefaultSender() {
    Email e = Email.builder().to("a@example.test").text("x").build();
    Composer.validate(e, 0, "bob@example.test");
    assertThat(Composer.compose(e, "bob@example.test").properties().fromAddress()).isEqualTo("bob@example.test");
  }
}
