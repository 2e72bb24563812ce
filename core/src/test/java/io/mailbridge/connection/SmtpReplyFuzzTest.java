package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import org.eclipse.angus.mail.util.LineInputStream;

/**
 * Fuzz target for what an SMTP server sends: the bytes through {@link ServerInput} read reply by
 * reply the way Angus's SMTP transport reads them ({@link LineInputStream}, multi-line replies
 * joined), and the text made safe to show with {@link ServerText}. A normal build runs the seeds in
 * {@code SmtpReplyFuzzTestInputs/read} only; {@code JAZZER_FUZZ=1} fuzzes (SECURITY.md). The only
 * allowed failure is an {@link IOException}; a reply longer than the bound must never be returned.
 */
class SmtpReplyFuzzTest {
  private static final Endpoint ENDPOINT = Endpoint.smtp("127.0.0.1").port(25).security(Security.NONE)
      .allowPlaintext(true).readTimeout(Duration.ofSeconds(60))
      .limits(ServerLimits.defaults().withMaxLineBytes(4096).withMaxSmtpReplyBytes(8192)).build();

  @FuzzTest(maxDuration = "30s")
  void read(byte[] raw) {
    try {
      LineInputStream in = new LineInputStream(new ServerInput(new ByteArrayInputStream(raw), ENDPOINT), true);
      StringBuilder reply = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null) {
        reply.append(line).append('\n');
        assertThat(reply.length()).isLessThanOrEqualTo(8192 + 4096);
        if (line.length() < 4 || line.charAt(3) != '-') {
          String shown = ServerText.shown(reply.toString());
          assertThat(shown.chars().filter(c -> c < 0x20 || (c >= 0x7f && c <= 0x9f)).count()).isZero();
          assertThat(shown.length()).isLessThanOrEqualTo(ServerText.MAX_CHARS * 6 + 1);
          reply.setLength(0);
        }
      }
    } catch (IOException expected) {
      assertThat(expected.getMessage()).isNotBlank();
    }
  }
}
