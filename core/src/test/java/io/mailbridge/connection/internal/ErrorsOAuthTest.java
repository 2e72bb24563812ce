package io.mailbridge.connection.internal;

import io.mailbridge.connection.Errors;
import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.AuthException;
import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.StoreClosedException;
import org.junit.jupiter.api.Test;

class ErrorsOAuthTest {
  private static final Endpoint OAUTH = Endpoint.imap("outlook.office365.com")
      .auth(Auth.oauth2("alice@contoso.com", () -> Secret.of("tok"))).build();
  private static final Endpoint BASIC = Endpoint.imap("outlook.office365.com")
      .auth(Auth.basic("alice@contoso.com", Secret.of("pw"))).build();

  @Test
  void byeSayingTheTokenExpiredIsAnAuthErrorSoCallersRefreshAndReconnect() {
    // Microsoft 365 ends IMAP sessions whose token expired with this BYE.
    StoreClosedException bye = new StoreClosedException(null, "* BYE Session invalidated - AccessTokenExpired");
    MailbridgeException e = Errors.translate(OAUTH, "fetch", bye);
    assertThat(e).isInstanceOf(AuthException.class).hasMessageContaining("access token expired")
        .hasMessageContaining("reconnect with a fresh token");
    // The same BYE without OAuth is just a closed connection.
    assertThat(Errors.translate(BASIC, "fetch", new StoreClosedException(null, "* BYE Server shutting down")))
        .isInstanceOf(ConnectionException.class);
  }

  @Test
  void rejectedTokenSaysWhatToCheck() {
    MailbridgeException e = Errors.translate(OAUTH, "connect",
        new AuthenticationFailedException("[AUTHENTICATIONFAILED] Authentication failed."));
    assertThat(e).isInstanceOf(AuthException.class)
        .hasMessageContaining("XOAUTH2 login rejected for 'alice@contoso.com'")
        .hasMessageContaining("the access token was refused").hasMessageNotContaining("password");
  }
}
