package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.io.InputStream;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Connection use and the SIZE check against the real Postfix, seen through the protocol trace. */
@RealServer
class TransmitterIT {
  private static Endpoint submission(MailStack stack) {
    return Endpoint.smtp(stack.host()).port(stack.submissionPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(stack.bob().user(), Secret.of(stack.bob().password())))
        .build();
  }

  private static Composer.Composed compose(Email e) {
    Composer.validate(e, 0, "bob@example.test");
    return Composer.compose(e, "bob@example.test");
  }

  private static long count(List<String> trace, String prefix) {
    return trace.stream().filter(l -> l.startsWith(prefix)).count();
  }

  @Test
  void aBatchOfTwentyGoesOverOneAuthenticatedConnection(MailStack stack) {
    String run = UUID.randomUUID().toString();
    try (Transmitter t = new Transmitter(submission(stack), SendSettings.defaults(), true)) {
      for (int i = 0; i < 20; i++) {
        SendResult r = t.send(compose(Email.builder().to("bob@example.test").subject("batch " + run + " " + i)
            .text("x").attach(Attachment.bytes(new byte[20 * 1024]).name("a.bin")).build()), i);
        assertThat(r.status()).isEqualTo(SendResult.Status.SENT);
      }
      List<String> trace = t.client().orElseThrow().trace().lines();
      assertThat(count(trace, "STARTTLS")).isEqualTo(1);
      // mail.debug.auth=false keeps the AUTH exchange out of the trace; Angus notes its success once.
      assertThat(trace.stream().filter(l -> l.matches("DEBUG SMTP: AUTH \\S+ succeeded")).count()).isEqualTo(1);
      assertThat(count(trace, "MAIL FROM:")).isEqualTo(20);
      assertThat(count(trace, "RSET")).isZero();
      assertThat(trace).noneMatch(l -> l.contains(stack.bob().password()));
    }
  }

  @Test
  void messageOverPostfixsSizeLimitFailsBeforeMailFrom(MailStack stack) {
    try (Transmitter t = new Transmitter(submission(stack), SendSettings.defaults(), true)) {
      // Whatever SIZE Postfix announces (50 MiB by default), send 3/4 of it raw plus 1 MiB:
      // base64 makes that more than the limit. A stream of unknown length: the size is measured by
      // streaming it once into a counter.
      t.send(compose(Email.builder().to("bob@example.test").subject("size probe " + UUID.randomUUID()).text("x")
          .build()), 0);
      long limit = Long.parseLong(t.client().orElseThrow().transport().getExtensionParameter("SIZE"));
      long raw = limit / 4 * 3 + 1024 * 1024;
      Email big = Email.builder().to("bob@example.test").subject("too big " + UUID.randomUUID()).text("x")
          .attach(Attachment.stream(() -> zeros(raw)).name("big.bin")).build();
      SendResult r = t.send(compose(big), 1);
      assertThat(r.status()).isEqualTo(SendResult.Status.FAILED);
      assertThat(r.error().orElseThrow()).isInstanceOf(BadInputException.class)
          .hasMessageContaining("over the server's SIZE limit").hasMessageContaining("nothing was sent");
      List<String> trace = t.client().orElseThrow().trace().lines();
      assertThat(count(trace, "MAIL FROM:")).isEqualTo(1); // the probe only
    }
  }

  static InputStream zeros(long n) {
    return new InputStream() {
      long left = n;

      @Override
      public int read() {
        if (left <= 0) {
          return -1;
        }
        left--;
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left <= 0) {
          return -1;
        }
        int k = (int) Math.min(len, left);
        java.util.Arrays.fill(b, off, off + k, (byte) 0);
        left -= k;
        return k;
      }
    };
  }
}
