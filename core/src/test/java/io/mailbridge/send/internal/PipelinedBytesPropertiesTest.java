package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendResult.Status;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.ScriptedSmtpServer;
import java.io.ByteArrayOutputStream;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.eclipse.angus.mail.util.CRLFOutputStream;

/**
 * Differential: the bytes a server receives are the same whether the message went one command at
 * a time with DATA (Angus's path), pipelined with DATA, or pipelined as BDAT chunks, streamed from
 * its parts or written out ahead of sending, for generated bodies full of dots, bare CRs and LFs,
 * and attachments around the chunk size.
 */
class PipelinedBytesPropertiesTest {
  private static final SendSettings ONE_TRY = SendSettings.builder().maxAttempts(1).chunking(true).build();

  @Provide
  Arbitrary<String> bodies() {
    return Arbitraries.strings().withChars('.', '\r', '\n', 'a', ' ', 'é', '€', '-').ofMaxLength(300);
  }

  @Property(tries = 25)
  void everyPathDeliversTheSameBytes(@ForAll("bodies") String text,
      @ForAll @IntRange(min = 0, max = 2 * Pipelined.CHUNK_BYTES) int attachmentBytes, @ForAll long seed)
      throws Exception {
    Email.Builder b = Email.builder().from("bob@example.test").to("alice@example.test").subject("differential")
        .text("x" + text);
    if (attachmentBytes > 0) {
      byte[] data = new byte[attachmentBytes];
      new Random(seed).nextBytes(data);
      b.attach(Attachment.bytes(data).name("data.bin"));
    }
    Email e = b.build();
    Composer.validate(e, 0, "");
    // Streamed from its parts, then written out ahead (as a batch sends it) for DATA and for BDAT:
    // each server below takes it in the form it was written in and in the other one.
    for (String rendered : new String[] {"", "DATA", "BDAT"}) {
      for (String mode : new String[] {"8BITMIME", "PIPELINING", "PIPELINING CHUNKING"}) {
        Composer.Composed c = Composer.compose(e, "");
        byte[] expected = canonical(c);
        if (!rendered.isEmpty()) {
          c.message().render(c.sizeUpperBound(), Long.MAX_VALUE, rendered.equals("BDAT"));
          assertThat(c.message().rendered()).isTrue();
        }
        String as = mode + (rendered.isEmpty() ? "" : ", rendered ahead for " + rendered);
        try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (k, ev, n) -> "").offering(mode.split(" "))
            .keepMessages(); Transmitter t = new Transmitter(TestEndpoints.of(server), ONE_TRY, false)) {
          assertThat(t.send(c, 0).status()).as(as).isEqualTo(Status.SENT);
          assertThat(server.messages()).as(as).singleElement().isEqualTo(expected);
          assertThat(c.transmittedBytes()).as(as).isEqualTo(canonicalLength(c));
          assertThat(server.count("BDAT")).as(as).isEqualTo(mode.contains("CHUNKING") ? 1 + expected.length
              / Pipelined.CHUNK_BYTES : 0);
        }
      }
    }
  }

  /** The message's own bytes, as writeTo gives them (what a transmission counts). */
  private static long canonicalLength(Composer.Composed c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.message().writeTo(out);
    return out.size();
  }

  /** Jakarta's bytes with CRLF line ends, ending in CRLF: what SMTP carries. */
  private static byte[] canonical(Composer.Composed c) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.message().writeTo(new CRLFOutputStream(out));
    byte[] b = out.toByteArray();
    if (b.length < 2 || b[b.length - 2] != '\r' || b[b.length - 1] != '\n') {
      out.write(new byte[] {'\r', '\n'});
    }
    return out.toByteArray();
  }
}
