package io.mailbridge.connection.internal;

import io.mailbridge.connection.Errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import org.junit.jupiter.api.Test;

/**
 * Regressions found by FaultInjectionIT: a connection dropped before the SMTP greeting or during AUTH
 * is a retriable {@code CLOSED}, not a protocol error or a wrong password.
 */
class ErrorsDroppedConnectionTest {
  private static final Endpoint SMTP = Endpoint.smtp("smtp.example.com").security(Security.SSL_TLS)
      .auth(Auth.basic("alice", Secret.of("pw"))).build();

  @Test
  void droppedBeforeTheGreetingIsARetriableClose() {
    MailbridgeException e = Errors.translate(SMTP, "connect", new MessagingException(
        "Got bad greeting from SMTP host: smtp.example.com, port: 465, response: [EOF]"));
    assertThat(e).isInstanceOfSatisfying(ConnectionException.class,
        c -> assertThat(c.reason()).isEqualTo(ConnectionException.Reason.CLOSED));
    assertThat(e.isRetriable()).isTrue();
  }

  @Test
  void droppedBeforeAnyOtherReplyIsARetriableClose() {
    assertThat(Errors.translate(SMTP, "connect", new MessagingException("[EOF]")))
        .isInstanceOfSatisfying(ConnectionException.class,
            c -> assertThat(c.reason()).isEqualTo(ConnectionException.Reason.CLOSED));
  }

  @Test
  void droppedDuringAuthIsARetriableCloseNotAWrongPassword() {
    MailbridgeException e = Errors.translate(SMTP, "connect", new AuthenticationFailedException("[EOF]"));
    assertThat(e).isInstanceOfSatisfying(ConnectionException.class,
        c -> assertThat(c.reason()).isEqualTo(ConnectionException.Reason.CLOSED));
    assertThat(e.getMessage()).contains("closed during connect (while logging in)").doesNotContain("password");
  }

  @Test
  void imapConnectionDroppedByTheServerIsARetriableClose() {
    Endpoint imap = Endpoint.imap("imap.example.com").auth(Auth.basic("alice", Secret.of("pw"))).build();
    for (MessagingException e : new MessagingException[] {new MessagingException("Connection dropped by server?"),
        new MessagingException("* BYE Jakarta Mail Exception: java.io.IOException: Connection dropped by server?")}) {
      assertThat(Errors.translate(imap, "SELECT hd", e)).isInstanceOfSatisfying(ConnectionException.class,
          c -> assertThat(c.reason()).isEqualTo(ConnectionException.Reason.CLOSED));
    }
  }

  @Test
  void aRealRejectionIsStillAnAuthError() {
    assertThat(Errors.translate(SMTP, "connect", new AuthenticationFailedException("535 5.7.8 Error: authentication failed")))
        .isInstanceOf(io.mailbridge.AuthException.class);
  }
}
