package io.mailbridge.connection;

import io.mailbridge.connection.Errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.AuthException;
import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ThrottleTest {
  private static final Endpoint IMAP = Endpoint.imap("imap.example.com")
      .auth(Auth.basic("bob@example.com", Secret.of("pw"))).build();

  @Test
  void throttledResponseCodeIsARetriableThrottlingError() {
    MailbridgeException e = Errors.translate(IMAP, "fetch",
        new MessagingException("A7 NO [THROTTLED] Request is throttled. Suggested Backoff Time: 5000 milliseconds"));
    assertThat(e).isInstanceOf(ConnectionException.class).hasMessageContaining("throttling this client during fetch")
        .hasMessageContaining("[THROTTLED]");
    assertThat(((ConnectionException) e).reason()).isEqualTo(ConnectionException.Reason.THROTTLED);
    assertThat(e.isRetriable()).isTrue();
  }

  @Test
  void serverSuggestionLengthensTheBackoffButNeverShortensIt() {
    MailbridgeException e = Errors.translate(IMAP, "fetch",
        new MessagingException("NO Request is throttled. Suggested Backoff Time: 5000 milliseconds"));
    assertThat(Throttle.delay(e, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(5));
    assertThat(Throttle.delay(e, Duration.ofSeconds(8))).isEqualTo(Duration.ofSeconds(8));
    MailbridgeException closed = Errors.translate(IMAP, "fetch", new StoreClosedException(null, "* BYE shutting down"));
    assertThat(Throttle.delay(closed, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void byeWithRateLimitTextIsThrottlingNotAClosedConnection() {
    MailbridgeException e = Errors.translate(IMAP, "idle",
        new StoreClosedException(null, "* BYE Account exceeded command or bandwidth limits"));
    assertThat(Throttle.is(e)).isTrue();
  }

  @Test
  void temporarilyUnavailableLoginIsRetriedNotReportedAsAWrongPassword() {
    MailbridgeException e = Errors.translate(IMAP, "login",
        new AuthenticationFailedException("[UNAVAILABLE] Temporary authentication failure."));
    assertThat(e).isNotInstanceOf(AuthException.class);
    assertThat(Throttle.is(e)).isTrue();
    assertThat(Errors.translate(IMAP, "login", new AuthenticationFailedException("[AUTHENTICATIONFAILED] failed")))
        .isInstanceOf(AuthException.class);
  }
}
