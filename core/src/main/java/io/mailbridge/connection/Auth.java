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

  /** OAuth 2.0 bearer token for {@code user}, sent with SASL XOAUTH2 (Gmail, Microsoft 365, Dovecot). */
  static Auth oauth2(String user, TokenProvider tokens) {
    return new OAuth2(user, tokens, OAuth2.Mechanism.XOAUTH2);
  }

  /** OAuth 2.0 bearer token for {@code user}, sent with the given SASL mechanism. */
  static Auth oauth2(String user, TokenProvider tokens, OAuth2.Mechanism mechanism) {
    return new OAuth2(user, tokens, mechanism);
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

  /**
   * OAuth 2.0 access tokens from a {@link TokenProvider}, sent with {@code mechanism}
   * (default {@link Mechanism#XOAUTH2}).
   */
  record OAuth2(String user, TokenProvider tokens, Mechanism mechanism) implements Auth {
    /** The SASL mechanism that carries the token. */
    public enum Mechanism {
      /** Google's XOAUTH2: what Gmail and Microsoft 365 document; Dovecot supports it too. */
      XOAUTH2,
      /** The standard one, RFC 7628 OAUTHBEARER (Dovecot, Yahoo; Gmail too). */
      OAUTHBEARER
    }

    public OAuth2 {
      requireUser(user);
      Objects.requireNonNull(tokens, "tokens");
      Objects.requireNonNull(mechanism, "mechanism");
    }

    public OAuth2(String user, TokenProvider tokens) {
      this(user, tokens, Mechanism.XOAUTH2);
    }

    @Override
    public String toString() {
      return "OAuth2[user=" + user + ", mechanism=" + mechanism + "]";
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
