package io.mailbridge.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Postfix throttling for real: the stack's throttled submission port lets a client send 3 messages
 * and open 4 connections per 5 s, then answers {@code 450 4.7.1 Error: too much mail} and
 * {@code 421 4.7.0 Error: too many connections}. Send backs off and retries until each message is
 * delivered, exactly once.
 */
@RealServer
class SendThrottleIT {
  private static final SendSettings PATIENT = SendSettings.builder().maxAttempts(10)
      .initialBackoff(Duration.ofMillis(500)).maxBackoff(Duration.ofSeconds(3)).build();

  private static MailConnection throttled(MailStack stack) {
    Endpoint e = Endpoint.smtp(stack.host()).port(stack.throttledSubmission().orElseThrow(() -> new AssertionError(
            "stack.json has no throttledSubmissionPort: restart the stack with the current scripts/mailstack")))
        .security(Security.STARTTLS).trustedCertificates(stack.ca())
        .auth(Auth.basic(stack.bob().user(), Secret.of(stack.bob().password()))).build();
    return MailConnection.builder().outbound(e).build();
  }

  @Test
  void tooMuchMailIsRetriedAfterBackoffAndEachMessageArrivesOnce(MailStack stack) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Email> mails = new ArrayList<>();
    for (int i = 1; i <= 7; i++) {
      mails.add(Email.builder().to("bob@example.test").subject("throttle " + run + " " + i).text("x").build());
    }
    List<SendResult> results = Send.of(throttled(stack), PATIENT).send(mails);
    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(SendResult.Status.SENT));
    // Only 3 per window pass: some messages needed more than one attempt.
    assertThat(results.stream().mapToInt(SendResult::attempts).sum()).isGreaterThan(7);
    for (SendResult r : results) {
      assertThat(StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 1)).hasSize(1);
    }
  }

  /**
   * BDAT transactions in flight meet the rate limit: Postfix refuses every transaction of the
   * window, passes its error limit, answers 421 and closes. None of the messages it had not
   * answered was carried out, so none may be reported UNKNOWN (that would drop it for good): each
   * is tried again and arrives, once.
   */
  @Test
  void aWindowOfBdatTransactionsCutOffByTheRateLimitLosesNothingAndDuplicatesNothing(MailStack stack)
      throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<Email> mails = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      mails.add(Email.builder().to("bob@example.test").subject("throttle-bdat " + run + " " + i).text("x").build());
    }
    SendSettings chunked = SendSettings.builder().maxAttempts(12).initialBackoff(Duration.ofMillis(500))
        .maxBackoff(Duration.ofSeconds(3)).chunking(true).build();
    List<SendResult> results = Send.of(throttled(stack), chunked).send(mails);
    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(SendResult.Status.SENT));
    for (SendResult r : results) {
      assertThat(StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 1)).hasSize(1);
    }
  }

  @Test
  void tooManyConnectionsAtTheGreetingIsRetriedNotFatal(MailStack stack) throws Exception {
    String run = UUID.randomUUID().toString().substring(0, 8);
    List<SendResult> results = new ArrayList<>();
    for (int i = 1; i <= 6; i++) {
      // A new connection per message: the 5th within the window gets 421 before EHLO.
      results.add(Send.of(throttled(stack), PATIENT).send(Email.builder().to("bob@example.test")
          .subject("throttle-conn " + run + " " + i).text("x").build()));
    }
    assertThat(results).allSatisfy(r -> assertThat(r.status()).isEqualTo(SendResult.Status.SENT));
    assertThat(results.stream().mapToInt(SendResult::attempts).sum()).isGreaterThan(6);
    for (SendResult r : results) {
      assertThat(StackMailbox.bob(stack).fetch("INBOX", r.properties().messageId(), 1)).hasSize(1);
    }
  }
}
