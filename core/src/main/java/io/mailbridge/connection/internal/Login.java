package io.mailbridge.connection.internal;

import io.mailbridge.connection.Errors;
import io.mailbridge.AuthException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import jakarta.mail.MessagingException;

/**
 * Connects and authenticates through Angus (IMAP store or SMTP transport alike). With OAuth 2.0 a
 * rejected token is invalidated and the login tried once more with a fresh one: a token may expire
 * between issue and use, or be revoked early by the provider. When the provider hands back the token
 * the server just refused (a fixed token, a provider that cannot refresh), the login is not tried
 * again: the same token would be refused again, and each failed login counts against the account at
 * providers that throttle or lock out.
 */
public final class Login {
  /** One connect attempt; user and credential are null for {@link Auth.None}. */
  @FunctionalInterface
  public interface Attempt {
    void connect(String user, String credential) throws MessagingException;
  }

  private Login() {}

  public static void run(Endpoint endpoint, Attempt attempt) {
    Auth auth = endpoint.auth();
    if (!(auth instanceof Auth.OAuth2 o)) {
      once(endpoint, attempt, "connect", auth instanceof Auth.Basic b ? b.password() : null);
      return;
    }
    Secret rejected = token(endpoint, o, "connect");
    try {
      once(endpoint, attempt, "connect", rejected);
    } catch (AuthException e) {
      o.tokens().invalidate();
      Secret fresh = token(endpoint, o, "login after token refresh");
      if (fresh.equals(rejected)) {
        throw e;
      }
      once(endpoint, attempt, "login after token refresh", fresh);
    }
  }

  private static Secret token(Endpoint endpoint, Auth.OAuth2 o, String action) {
    try {
      return o.tokens().accessToken();
    } catch (RuntimeException e) {
      throw Errors.translate(endpoint, action, e);
    }
  }

  private static void once(Endpoint endpoint, Attempt attempt, String action, Secret credential) {
    Auth auth = endpoint.auth();
    try {
      if (auth instanceof Auth.None) {
        attempt.connect(null, null);
      } else {
        attempt.connect(auth.user(), credential.reveal());
      }
    } catch (MessagingException | RuntimeException e) {
      throw Errors.translate(endpoint, action, e);
    }
  }
}
