package io.mailbridge.connection;

import io.mailbridge.ConfigException;
import java.util.Objects;

/**
 * How Mailbridge authenticates to a server.
 *
 * <pre>{@code
 * Auth.basic("alice@example.com", Secret.of(System.getenv("MAIL_PASSWORD")))
 * Auth.basic("alice@example.com", password, Auth.Basic.Mechanism.LOGIN)   // IMAP LOGIN command only
 * Auth.oauth2("alice@example.com", tokenProvider)
 * Auth.none()   // SMTP relays that accept mail from this host without AUTH
 * }</pre>
 */
public sealed interface Auth permits Auth.Basic, Auth.OAuth2, Auth.None {

  /**
   * User name and password (or app password), sent the best way the server offers ({@link
   * Basic.Mechanism#AUTO}): SASL PLAIN, else SASL LOGIN, else the IMAP LOGIN command.
   */
  static Auth basic(String user, Secret password) {
    return new Basic(user, password);
  }

  /** User name and password, sent with the given mechanism. */
  static Auth basic(String user, Secret password, Basic.Mechanism mechanism) {
    return new Basic(user, password, mechanism);
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

  /** User name and password, sent with {@code mechanism} (default {@link Mechanism#AUTO}). */
  record Basic(String user, Secret password, Mechanism mechanism) implements Auth {
    /** How the password is sent. */
    public enum Mechanism {
      /** SASL PLAIN when the server offers it, else SASL LOGIN, else the IMAP LOGIN command. */
      AUTO,
      /**
       * IMAP: the LOGIN command only (RFC 3501 6.2.3), for servers whose SASL exchange is broken;
       * SMTP: SASL LOGIN only.
       */
      LOGIN,
      /** SASL PLAIN only (RFC 4616); an IMAP server that does not offer it gets the LOGIN command. */
      PLAIN
    }

    public Basic {
      requireUser(user);
      Objects.requireNonNull(password, "password");
      Objects.requireNonNull(mechanism, "mechanism");
    }

    public Basic(String user, Secret password) {
      this(user, password, Mechanism.AUTO);
    }

    @Override
    public String toString() {
      return "Basic[user=" + user + ", password=***" + (mechanism == Mechanism.AUTO ? "" : ", mechanism=" + mechanism) + "]";
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
