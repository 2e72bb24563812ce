package io.mailbridge.connection;

import io.mailbridge.ConfigException;
import java.util.Objects;

/**
 * How Mailbridge authenticates to a server.
 *
 * <pre>{@code
 * Auth.basic("alice@example.com", Secret.of(System.getenv("MAIL_PASSWORD")))
 * Auth.oauth2("alice@example.com", tokenProvider)
 * Auth.none()   // SMTP relays that accept mail from this host without AUTH
 * }</pre>
 */
public sealed interface Auth permits Auth.Basic, Auth.OAuth2, Auth.None {

  /** User name and password (or app password), sent with SASL PLAIN/LOGIN or IMAP LOGIN. */
  static Auth basic(String user, Secret password) {
    return new Basic(user, password);
  }

  /** OAuth 2.0 bearer token for {@code user}, sent with SASL XOAUTH2 or OAUTHBEARER. */
  static Auth oauth2(String user, TokenProvider tokens) {
    return new OAuth2(user, tokens);
  }

  /** No authentication (SMTP relays on a trusted network only; IMAP always needs a login). */
  static Auth none() {
    return None.INSTANCE;
  }

  /** The user the server sees, or empty for {@link None}. */
  String user();

  /** User name and password. */
  record Basic(String user, Secret password) implements Auth {
    public Basic {
      requireUser(user);
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "Basic[user=" + user + ", password=***]";
    }
  }

  /** OAuth 2.0 access tokens from a {@link TokenProvider}. */
  record OAuth2(String user, TokenProvider tokens) implements Auth {
    public OAuth2 {
      requireUser(user);
      Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public String toString() {
      return "OAuth2[user=" + user + "]";
    }
  }

  /** No authentication. */
  enum None implements Auth {
    INSTANCE;

    @Override
    public String user() {
      return "";
    }
  }

  private static void requireUser(String user) {
    if (user == null || user.isBlank()) {
      throw new ConfigException("auth user is empty: give the mailbox login, usually the e-mail address");
    }
    if (user.indexOf('\r') >= 0 || user.indexOf('\n') >= 0) {
      throw new ConfigException("auth user contains a line break: remove CR/LF from the user name");
    }
  }
}
