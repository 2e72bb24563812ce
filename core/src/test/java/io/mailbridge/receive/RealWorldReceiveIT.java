package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.MailDocument;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real-world shapes that once lost a message's header or the message itself, through the whole
 * receive path against real Dovecot: a leading mbox envelope line, and a header line without a
 * colon after a fold in front of a multipart body (mime4j failed on it).
 */
@RealServer
class RealWorldReceiveIT {
  private static final String MBOX = """
      From sender@example.com Tue May 10 11:28:07 2005
      From: sender@example.com
      To: rcpt@example.com
      Subject: from an mbox archive
      Message-ID: <mbox@example.com>
      Content-Type: multipart/mixed; boundary="b"

      --b
      Content-Type: text/plain

      hello
      --b
      Content-Type: application/pdf; name="invoice.pdf"
      Content-Transfer-Encoding: base64

      JVBERi0xLjQK
      --b--
      """;

  private static final String BAD_FOLD = """
      From: <folded@example.net>
      Subject: a bad fold
      To: <b@example.com>
      Message-ID: <fold@example.net>
      MIME-version: 1.0
      Content-Type: multipart/alternative; boundary="----_001_5973_47T00ZN9.15SY2428"
      References: <foo@bar.net>
      References: <baz@bar.net>, <invalid.  \s
      something@bar.net>

      This is a multi-part message in MIME format.

      ------_001_5973_47T00ZN9.15SY2428
      Content-Type: text/plain;
        charset="utf-8"
      Content-Transfer-Encoding: 7Bit

      foo

      ------_001_5973_47T00ZN9.15SY2428
      Content-Type: text/html;
        charset="utf-8"
      Content-Transfer-Encoding: 7Bit

      <p>foo</p>

      ------_001_5973_47T00ZN9.15SY2428--
      """;

  @Test
  void anMboxEnvelopeLineAndAHeaderLineWithoutColonLoseNothing(MailStack stack) throws Exception {
    String folder = "rw-shapes";
    stack.resetFolder(stack.alice(), folder);
    StackMailbox.alice(stack).append(folder, List.of(TestMessages.crlf(MBOX), TestMessages.crlf(BAD_FOLD)), "");

    List<MailDocument> docs = new ArrayList<>();
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice()))
        .run(ReceiveSettings.builder().folder(folder).build(), docs::add);

    assertThat(r.skipped()).isEmpty();
    docs.sort(Comparator.comparing(d -> d.properties().uid().orElse(0L)));
    assertThat(docs).hasSize(2);
    MailDocument mbox = docs.get(0);
    assertThat(mbox.properties().subject()).isEqualTo("from an mbox archive");
    assertThat(mbox.properties().fromAddress()).isEqualTo("sender@example.com");
    assertThat(mbox.properties().toAddress()).containsExactly("rcpt@example.com");
    assertThat(mbox.attachments()).extracting(Attachment::fileName).containsExactly("invoice.pdf");
    assertThat(mbox.warnings()).anyMatch(w -> w.contains("mbox"));
    MailDocument fold = docs.get(1);
    assertThat(fold.properties().subject()).isEqualTo("a bad fold");
    assertThat(fold.properties().fromAddress()).isEqualTo("folded@example.net");
    assertThat(fold.text()).hasValueSatisfying(t -> assertThat(t.strip()).isEqualTo("foo"));
    assertThat(fold.attachments()).isEmpty();
  }
}
