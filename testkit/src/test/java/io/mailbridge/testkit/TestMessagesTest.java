package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** The test messages as Jakarta Mail, the reference parser, reads them. */
class TestMessagesTest {

  @Test
  void messageCarriesItsSubjectAndMessageId() throws Exception {
    MimeMessage m = parse(TestMessages.message("Invoice 7", "<inv.7@example.test>"));
    assertThat(m.getSubject()).isEqualTo("Invoice 7");
    assertThat(m.getMessageID()).isEqualTo("<inv.7@example.test>");
    assertThat(m.getContent()).isEqualTo("Hello.\r\n");
  }

  @Test
  void crlfMakesEveryLineEndCrlfOnce() {
    assertThat(new String(TestMessages.crlf("a\nb\r\nc\n"), StandardCharsets.UTF_8)).isEqualTo("a\r\nb\r\nc\r\n");
    assertThat(TestMessages.crlf("ä")).containsExactly(0xC3 - 256, 0xA4 - 256);
  }

  @Test
  void headersAreTheUnfoldedHeaderBlockWithoutTheBody() {
    byte[] raw = "Subject: a\r\n long one\r\nTo: x@example.test\r\n\r\nSubject: body\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(TestMessages.headers(raw)).isEqualTo("Subject: a long one\r\nTo: x@example.test");
  }

  @Test
  void bulkMessagesHaveAnAttachmentEveryTenth() throws Exception {
    var bulk = TestMessages.bulk("from@example.test", "to@example.test", 20);
    assertThat(bulk).hasSize(20);
    assertThat(parse(bulk.get(9)).getContentType()).startsWith("multipart/mixed");
    assertThat(parse(bulk.get(0)).getContentType()).startsWith("text/plain");
    assertThat(parse(bulk.get(19)).getSubject()).isEqualTo("Bulk 20");
  }

  private static MimeMessage parse(byte[] raw) throws Exception {
    return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
  }
}
