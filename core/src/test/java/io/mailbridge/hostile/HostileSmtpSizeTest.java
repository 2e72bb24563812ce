package io.mailbridge.hostile;

import static io.mailbridge.hostile.HostileFixture.READ_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.SmtpScript;
import org.junit.jupiter.api.Test;

/**
 * The SMTP SIZE a server announces (RFC 1870): an invalid one is no limit, with a warning in the
 * result; a valid 20-digit one is a limit no message reaches; a real one is enforced before MAIL.
 */
class HostileSmtpSizeTest {

  private static SendResult send(String size) {
    try (HostileServer s = HostileServer.start(SmtpScript.server()
        .ehlo("250-hostile.test\r\n250-SIZE " + size + "\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n").build())) {
      return assertTimeoutPreemptively(READ_TIMEOUT.multipliedBy(2), () -> Send.of(HostileFixture.smtp(s))
          .send(Email.builder().from("bob@hostile.test").to("alice@hostile.test").subject("Hello").text("Hi.").build()));
    }
  }

  @Test
  void invalidSizeIsSentWithAWarningInTheResult() {
    for (String size : new String[] {"-5", "abc", "123456789012345678901234"}) {
      SendResult r = send(size);
      assertThat(r.status()).as("SIZE %s", size).isEqualTo(SendResult.Status.SENT);
      assertThat(r.warnings()).as("SIZE %s", size).singleElement().satisfies(w ->
          assertThat(w).contains("invalid SIZE", "'" + size + "'", "not checked"));
    }
  }

  @Test
  void twentyDigitSizeIsALimitNoMessageReaches() {
    SendResult r = send("99999999999999999999");
    assertThat(r.status()).isEqualTo(SendResult.Status.SENT);
    assertThat(r.warnings()).isEmpty();
  }

  @Test
  void realSizeLimitIsStillEnforced() {
    SendResult r = send("100");
    assertThat(r.status()).isEqualTo(SendResult.Status.FAILED);
    assertThat(r.error().orElseThrow()).hasMessageContaining("SIZE limit of 100 bytes");
  }
}
