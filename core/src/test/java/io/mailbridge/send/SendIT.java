package io.mailbridge.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Send through the real Postfix submission service, read back from Dovecot over IMAPS. Only bob's mailbox is used. */
@RealServer
class SendIT {
  @TempDir
  Path dir;

  private static String unique(String what) {
    return what + " " + UUID.randomUUID();
  }

  private static MimeMessage parse(byte[] raw) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }

  @Test
  void deliveredMessageHasExactlyTheHeadersRecipientsPartsNamesAndTypes(MailStack stack) throws Exception {
    Path csv = Files.writeString(dir.resolve("raw-data.csv"), "id,value\r\n1,42\r\n");
    Path pdf = Files.write(dir.resolve("report.pdf"), "%PDF-1.4 fake".getBytes(StandardCharsets.US_ASCII));
    String subject = unique("shape");
    SendResult r = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder()
        .from("Bob Sender <bob@example.test>").to("bob@example.test").cc("bob+cc@example.test")
        .bcc("bob+bcc@example.test").replyTo("bob+reply@example.test").subject(subject)
        .text("plain text body").html("<p>html <img src=\"cid:dot\"></p>")
        .attach(Attachment.file(pdf), Attachment.file(csv).name("export.csv").contentType("text/csv"),
            Attachment.bytes(new byte[] {0, 1, 2, 3}),
            Attachment.bytes(new byte[] {(byte) 0x89, 'P', 'N', 'G'}).name("dot.png").inline("dot"))
        .header("X-Mailbridge-Test", "shape").priority(Email.Priority.HIGH).build());

    assertThat(r.status()).isEqualTo(SendResult.Status.SENT);
    assertThat(r.accepted()).containsExactly("bob@example.test", "bob+cc@example.test", "bob+bcc@example.test");
    assertThat(r.rejected()).isEmpty();
    assertThat(r.serverReply()).startsWith("250");
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.properties().toAddress()).containsExactly("bob@example.test", "bob+cc@example.test",
        "bob+bcc@example.test");
    assertThat(r.properties().fromAddress()).isEqualTo("bob@example.test");
    assertThat(r.properties().subject()).isEqualTo(subject);
    assertThat(r.properties().fileName().get(2)).matches("attachment-[0-9a-f]{8}\\.bin");
    // The seed's application/binary where no type was given; the inline image keeps an image type.
    assertThat(r.properties().contentType()).containsExactly("application/binary", "text/csv",
        "application/binary", "image/png");

    // One copy per envelope recipient lands in bob's INBOX (plus-addressing).
    List<byte[]> copies = StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 3);
    assertThat(copies).hasSize(3);
    for (byte[] raw : copies) {
      String headers = TestMessages.headers(raw);
      // The MTA's trace fields (Received "for", Delivered-To, X-Original-To) name the envelope
      // recipient of each copy; what we transmitted must not name the bcc recipient anywhere.
      String ours = headers.lines().filter(l -> !l.startsWith("Received:") && !l.startsWith("Delivered-To:")
          && !l.startsWith("X-Original-To:") && !l.startsWith("Return-Path:")).reduce("", (a, b) -> a + b + "\n");
      assertThat(ours).doesNotContainIgnoringCase("bcc:").doesNotContain("bob+bcc");
      MimeMessage m = parse(raw);
      assertThat(m.getSubject()).isEqualTo(subject);
      assertThat(((InternetAddress) m.getFrom()[0]).getAddress()).isEqualTo("bob@example.test");
      assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Bob Sender");
      assertThat(m.getRecipients(Message.RecipientType.TO)).extracting(a -> ((InternetAddress) a).getAddress())
          .containsExactly("bob@example.test");
      assertThat(m.getRecipients(Message.RecipientType.CC)).extracting(a -> ((InternetAddress) a).getAddress())
          .containsExactly("bob+cc@example.test");
      assertThat(m.getHeader("Bcc")).isNull();
      assertThat(m.getReplyTo()).extracting(a -> ((InternetAddress) a).getAddress())
          .containsExactly("bob+reply@example.test");
      assertThat(m.getHeader("X-Mailbridge-Test")).containsExactly("shape");
      assertThat(m.getHeader("X-Priority")[0]).startsWith("1");
      assertThat(m.getMessageID()).isEqualTo(r.properties().messageId());

      MimeMultipart mixed = (MimeMultipart) m.getContent();
      assertThat(m.getContentType()).startsWith("multipart/mixed");
      assertThat(mixed.getCount()).isEqualTo(4);
      MimeMultipart alternative = (MimeMultipart) mixed.getBodyPart(0).getContent();
      assertThat(alternative.getBodyPart(0).getContent()).isEqualTo("plain text body");
      MimeMultipart related = (MimeMultipart) alternative.getBodyPart(1).getContent();
      assertThat(related.getBodyPart(0).getContentType()).startsWith("text/html");
      assertThat(((MimeBodyPart) related.getBodyPart(1)).getContentID()).isEqualTo("<dot>");
      assertThat(related.getBodyPart(1).getFileName()).isEqualTo("dot.png");

      assertPart(mixed.getBodyPart(1), "report.pdf", "application/binary", Files.readAllBytes(pdf));
      assertPart(mixed.getBodyPart(2), "export.csv", "text/csv", Files.readAllBytes(csv));
      assertPart(mixed.getBodyPart(3), r.properties().fileName().get(2), "application/binary",
          new byte[] {0, 1, 2, 3});
    }
  }

  private static void assertPart(jakarta.mail.BodyPart part, String name, String type, byte[] content)
      throws Exception {
    assertThat(part.getFileName()).isEqualTo(name);
    assertThat(part.getContentType()).startsWith(type);
    assertThat(part.getDisposition()).isEqualTo("attachment");
    try (InputStream in = part.getInputStream()) {
      assertThat(in.readAllBytes()).isEqualTo(content);
    }
  }

  @Test
  void utf8SubjectNamesBodiesAndFileNamesRoundTrip(MailStack stack) throws Exception {
    String subject = unique("Grüße, 日本語の件名 ✓ — Ünïcødé");
    String fileName = "Überweisung März 報告書 — très long nom de fichier pour forcer le découpage ✓.pdf";
    SendResult r = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder().from("Jürgen Größe <bob@example.test>")
        .to("Zoë Ångström 張 <bob@example.test>").subject(subject).text("Käse & Brötchen ✓ 日本")
        .attach(Attachment.bytes("données".getBytes(StandardCharsets.UTF_8)).name(fileName)).build());
    assertThat(r.status()).isEqualTo(SendResult.Status.SENT);

    MimeMessage m = parse(StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 1).get(0));
    assertThat(m.getSubject()).isEqualTo(subject);
    assertThat(((InternetAddress) m.getFrom()[0]).getPersonal()).isEqualTo("Jürgen Größe");
    assertThat(((InternetAddress) m.getRecipients(Message.RecipientType.TO)[0]).getPersonal())
        .isEqualTo("Zoë Ångström 張");
    MimeMultipart mixed = (MimeMultipart) m.getContent();
    assertThat(mixed.getBodyPart(0).getContent()).isEqualTo("Käse & Brötchen ✓ 日本");
    assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(fileName);
    assertThat(r.properties().fileName()).containsExactly(fileName);
  }

  @Test
  void internationalizedRecipientGoesOutWithSmtpUtf8(MailStack stack) throws Exception {
    // Postfix offers SMTPUTF8; bob+ü is bob's plus-address with a non-ASCII extension.
    SendResult r = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder().to("Bøb <bob+ü@example.test>")
        .subject(unique("eai")).text("x").build());
    assertThat(r.status()).as(r.error().map(Throwable::getMessage).orElse("")).isEqualTo(SendResult.Status.SENT);
    assertThat(r.accepted()).containsExactly("bob+ü@example.test");
    assertThat(r.serverReply()).startsWith("250");
    // Delivery is not checked: Dovecot 2.3's LMTP does not offer SMTPUTF8, so Postfix accepts the
    // message (above) and then bounces it at the LMTP hop ("SMTPUTF8 is required, but was not
    // offered"); the bounce goes back to bob. The bytes sent are checked in ComposerTest and
    // TransmitterTest.
  }

  @Test
  void unknownRecipientIsReportedPerRecipientAndTheOthersStillGetIt(MailStack stack) throws Exception {
    SendResult r = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder().to("bob@example.test")
        .cc("nobody-" + UUID.randomUUID() + "@example.test").subject(unique("partial")).text("x").build());
    assertThat(r.status()).isEqualTo(SendResult.Status.PARTIAL);
    assertThat(r.accepted()).containsExactly("bob@example.test");
    assertThat(r.rejected()).singleElement().satisfies(rej -> {
      assertThat(rej.address()).startsWith("nobody-");
      assertThat(rej.code()).isEqualTo(550);
      assertThat(rej.isTransient()).isFalse();
      assertThat(rej.reply()).contains("550");
    });
    assertThat(r.error()).isPresent();
    assertThat(r.serverReply()).startsWith("250");
    assertThat(StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 1)).hasSize(1);
  }

  @Test
  void messageWhoseEveryRecipientIsRefusedFailsPermanentlyWithoutRetry(MailStack stack) {
    SendResult r = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder()
        .to("nobody-" + UUID.randomUUID() + "@example.test").subject(unique("all refused")).text("x").build());
    assertThat(r.status()).isEqualTo(SendResult.Status.FAILED);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.rejected()).singleElement().satisfies(rej -> assertThat(rej.code()).isEqualTo(550));
    assertThat(r.error().orElseThrow().isRetriable()).isFalse();
    assertThat(r.error().orElseThrow().getMessage()).contains("permanent");
  }

  @Test
  void headerInjectionIsRefusedBeforeAnyConnection(MailStack stack) {
    // Port 1 has no server: reaching the network would fail differently.
    MailConnection nowhere = MailConnection.builder().outbound(TestEndpoints.submission(stack, stack.bob()).toBuilder().port(1).build())
        .build();
    Email evil = Email.builder().to("bob@example.test").subject("hi\r\nBcc: carol@example.test").text("x").build();
    Email fine = Email.builder().to("bob@example.test").subject("fine").text("x").build();
    assertThatThrownBy(() -> Send.of(nowhere).send(List.of(fine, evil))).isInstanceOf(BadInputException.class)
        .hasMessageContaining("message 2: subject contains a line break");
    assertThatThrownBy(() -> Send.of(nowhere).send(Email.builder().to("bob@example.test\r\nRCPT TO:<carol@example.test>")
        .text("x").build())).isInstanceOf(BadInputException.class).hasMessageContaining("to[0]");
    assertThatThrownBy(() -> Send.of(nowhere).send(Email.builder().to("bob@example.test").text("x")
        .attach(Attachment.bytes(new byte[1]).name("a.txt\nContent-Type: text/html")).build()))
        .isInstanceOf(BadInputException.class).hasMessageContaining("attachments[0].name");
  }

  @Test
  void sendsOverImplicitTlsToo(MailStack stack) throws Exception {
    MailConnection smtps = MailConnection.builder().outbound(TestEndpoints.smtps(stack, stack.bob())).build();
    SendResult r = Send.of(smtps).send(Email.builder().to("bob@example.test").subject(unique("smtps")).text("x").build());
    assertThat(r.status()).isEqualTo(SendResult.Status.SENT);
    assertThat(StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 1)).hasSize(1);
  }

  @Test
  void copyToSentAppendsTheSameMessageMarkedSeen(MailStack stack) throws Exception {
    Send send = Send.of(TestEndpoints.both(stack, stack.bob()), SendSettings.builder().copyToSent(true).build());
    SendResult r = send.send(Email.builder().to("bob@example.test").subject(unique("sent copy")).text("x")
        .attach(Attachment.bytes(new byte[] {7, 7}).name("seven.bin")).build());
    assertThat(r.status()).isEqualTo(SendResult.Status.SENT);
    byte[] delivered = StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 1).get(0);
    List<byte[]> copies = StackMailbox.bob(stack).fetch("Sent", r.properties().messageId(), 1);
    assertThat(copies).hasSize(1);
    String sentBody = new String(copies.get(0), StandardCharsets.ISO_8859_1);
    String deliveredText = new String(delivered, StandardCharsets.ISO_8859_1);
    // Same bytes as transmitted: the delivered copy only has the MTA's trace fields prepended.
    assertThat(deliveredText).endsWith(sentBody.substring(sentBody.indexOf("Date:")));
    assertThat(StackMailbox.bob(stack).flags("Sent", r.properties().messageId()).contains(Flags.Flag.SEEN)).isTrue();
  }
  private static String uniqueId(String what) {
    return "<" + what + "." + UUID.randomUUID() + "@example.test>";
  }

  // Sends a fresh marker through the same server and waits until it is in bob's INBOX: anything submitted
  // before it has been delivered by then too, so a count taken afterwards includes any duplicate.
  private static void drained(MailStack stack) throws Exception {
    SendResult marker = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder().to("bob@example.test")
        .subject(unique("marker")).text("x").build());
    assertThat(StackMailbox.bob(stack).fetch("INBOX", marker.messageId(), 1)).hasSize(1);
  }

  @Test
  void resultCarriesTheMessageIdAndTheServersFinalReply(MailStack stack) throws Exception {
    String id = uniqueId("traced");
    SendResult r = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder().to("bob@example.test").subject(unique("traced"))
        .text("x").messageId(id).build());
    assertThat(r.messageId()).isEqualTo(id).isEqualTo(r.properties().messageId());
    // Postfix's answer to the end of the data (after BDAT with the size), with the queue id a mail
    // admin can grep for.
    assertThat(r.serverReply()).matches("250 2\\.0\\.0 Ok: (\\d+ bytes )?queued as \\w+");
  }

  @Test
  void aResendWithTheSameMessageIdIsRecognisedFromTheSentCopyAndNotDeliveredTwice(MailStack stack) throws Exception {
    String id = uniqueId("resend");
    Email email = Email.builder().to("bob@example.test").subject(unique("resend")).text("once only").messageId(id)
        .build();
    SendSettings settings = SendSettings.builder().copyToSent(true).skipIfAlreadySent(true).build();

    SendResult first = Send.of(TestEndpoints.both(stack, stack.bob()), settings).send(email);
    assertThat(first.status()).isEqualTo(SendResult.Status.SENT);
    assertThat(StackMailbox.bob(stack).fetch("Sent", id, 1)).hasSize(1);
    assertThat(StackMailbox.bob(stack).flags("Sent", id).contains(Flags.Flag.SEEN)).isTrue();

    // A new Send (as after a restart): only the Sent folder knows the message went out.
    SendResult again = Send.of(TestEndpoints.both(stack, stack.bob()), settings).send(email);
    assertThat(again.status()).isEqualTo(SendResult.Status.ALREADY_SENT);
    assertThat(again.ok()).isTrue();
    assertThat(again.messageId()).isEqualTo(id);
    assertThat(again.attempts()).isZero();
    assertThat(again.accepted()).isEmpty();
    assertThat(again.serverReply()).isEmpty();
    drained(stack);
    assertThat(StackMailbox.bob(stack).fetch("INBOX", id, 1)).hasSize(1);
    assertThat(StackMailbox.bob(stack).fetch("Sent", id, 1)).hasSize(1);

    // Without the setting the same resend goes out: the lookup is what held it back.
    SendResult unchecked = Send.of(TestEndpoints.both(stack, stack.bob()), SendSettings.builder().copyToSent(true).build()).send(email);
    assertThat(unchecked.status()).isEqualTo(SendResult.Status.SENT);
    assertThat(StackMailbox.bob(stack).fetch("INBOX", id, 2)).hasSize(2);
  }

  @Test
  void theSameMessageIdTwiceInOneBatchIsSentOnce(MailStack stack) throws Exception {
    String id = uniqueId("batch");
    Email email = Email.builder().to("bob@example.test").subject(unique("batch twice")).text("x").messageId(id).build();
    List<SendResult> results = Send.of(TestEndpoints.both(stack, stack.bob()), SendSettings.builder().copyToSent(true)
        .skipIfAlreadySent(true).build()).send(List.of(email, email));
    assertThat(results).extracting(SendResult::status)
        .containsExactly(SendResult.Status.SENT, SendResult.Status.ALREADY_SENT);
    drained(stack);
    assertThat(StackMailbox.bob(stack).fetch("INBOX", id, 1)).hasSize(1);
    assertThat(StackMailbox.bob(stack).fetch("Sent", id, 1)).hasSize(1);
  }

  @Test
  void withoutCopyToSentTheLookupUsesWhatIsInTheFolderAndComparesTheMessageIdExactly(MailStack stack)
      throws Exception {
    // A server that files submitted mail itself (as Gmail does): the copies are there without copyToSent.
    String folder = "Filed " + UUID.randomUUID();
    String id = uniqueId("filed");
    String otherCase = id.toUpperCase(java.util.Locale.ROOT);
    try (ImapSeeder seeder = StackMailbox.bob(stack).seeder()) {
      seeder.create(folder);
      // SEARCH HEADER matches case-insensitively; a Message-ID differing in case is another message.
      seeder.append(folder, List.of(("Message-ID: " + otherCase + "\r\nSubject: look-alike\r\n\r\nx\r\n")
          .getBytes(StandardCharsets.US_ASCII)), "\\Seen");
    }
    SendSettings settings = SendSettings.builder().sentFolder(folder).skipIfAlreadySent(true).build();
    Email email = Email.builder().to("bob@example.test").subject(unique("filed")).text("x").messageId(id).build();
    assertThat(Send.of(TestEndpoints.both(stack, stack.bob()), settings).send(email).status()).isEqualTo(SendResult.Status.SENT);
    assertThat(stack.messageCount(stack.bob(), folder)).as("no copy without copyToSent").isEqualTo(1);

    try (ImapSeeder seeder = StackMailbox.bob(stack).seeder()) {
      seeder.append(folder, List.of(("Message-ID: " + id + "\r\nSubject: filed\r\n\r\nx\r\n")
          .getBytes(StandardCharsets.US_ASCII)), "\\Seen");
    }
    assertThat(Send.of(TestEndpoints.both(stack, stack.bob()), settings).send(email).status())
        .isEqualTo(SendResult.Status.ALREADY_SENT);
    drained(stack);
    assertThat(StackMailbox.bob(stack).fetch("INBOX", id, 1)).hasSize(1);
  }

  @Test
  void skipIfAlreadySentWithoutAnImapServerIsAClearError(MailStack stack) {
    MailConnection smtpOnly = MailConnection.builder().outbound(TestEndpoints.submission(stack, stack.bob())).build();
    assertThatThrownBy(() -> Send.of(smtpOnly, SendSettings.builder().skipIfAlreadySent(true).build())
        .send(Email.builder().to("bob@example.test").text("x").messageId(uniqueId("no-imap")).build()))
        .isInstanceOf(io.mailbridge.ConfigException.class).hasMessageContaining("skipIfAlreadySent");
  }
}
