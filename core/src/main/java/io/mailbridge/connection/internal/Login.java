package io.mailbridge.connection.internal;

import io.mailbridge.AuthException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import jakarta.mail.MessagingException;

/**
 * Connects and authenticates through Angus (IMAP store or SMTP transport alike). With OAuth 2.0 a
 * rejected token is invalidated and the login tried once more with a fresh one: a token may expire
 * between issue and use, or be revoked early by the provider.
 */
final class Login {
  /** One connect attempt; user and credential are null for {@link Auth.None}. */
  @FunctionalInterface
  interface Attempt {
    void connect(String user, String credential) throws MessagingException;
  }

  private Login() {}

  static void run(Endpoint endpoint, Attempt attempt) {
    try {
      once(endpoint, attempt, "connect");
    } catch (AuthException e) {
      if (!(endpoint.auth() instanceof Auth.OAuth2 o)) {
        throw e;
      }
      o.tokens().invalidate();
      once(endpoint, attempt, "login after token refresh");
    }
  }

  private static void once(Endpoint endpoint, Attempt attempt, String action) {
    Auth auth = endpoint.auth();
    try {
      if (auth instanceof Auth.None) {
        attempt.connect(null, null);
      } else {
        attempt.connect(auth.user(), credential(auth));
      }
    } catch (MessagingException | RuntimeException e) {
      throw Errors.translate(endpoint, action, e);
    }
  }

  private static String credential(Auth auth) {
    if (auth instanceof Auth.Basic b) {
      return b.password().reveal();
    }
    return ((Auth.OAuth2) auth).tokens().accessToken().reveal();
  }
}
