package io.mailbridge.connection;

import io.mailbridge.connection.internal.ProxyException;
import io.mailbridge.AuthException;
import io.mailbridge.ConnectionException;
import io.mailbridge.ConnectionException.Reason;
import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.connection.ServerInput;
import io.mailbridge.connection.ServerViolation;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * Turns what Jakarta Mail and the JDK throw into one {@link MailbridgeException} that says what
 * failed, where, and what to do. The single place where connection errors are classified.
 */
public final class Errors {
  private Errors() {}

  /**
   * @param endpoint where it happened
   * @param action what was being done, e.g. "connect" or "login"
   */
  public static MailbridgeException translate(Endpoint endpoint, String action, Throwable error) {
    if (error instanceof MailbridgeException m) {
      return m;
    }
    List<Throwable> chain = chain(error);
    String role = endpoint.protocol().role();
    for (Throwable t : chain) {
      // First: a server beyond a bound is a protocol error to report, not a dropped connection to retry.
      String violation = t instanceof ServerViolation v ? v.getMessage() : after(t.getMessage(), ServerViolation.MARKER);
      if (violation != null) {
        return protocolError(endpoint, action, violation, error);
      }
    }
    for (Throwable t : chain) {
      // First: a failure at the proxy must not be mistaken for one at the mail server.
      if (t instanceof ProxyException p) {
        Reason reason = switch (p.kind()) {
          case UNREACHABLE -> Reason.PROXY_UNREACHABLE;
          case TIMEOUT -> Reason.TIMEOUT;
          case AUTH -> Reason.PROXY_AUTH;
          case REFUSED -> Reason.PROXY_REFUSED;
          case TARGET_UNREACHABLE -> Reason.PROXY_TARGET_UNREACHABLE;
        };
        String hint = p.kind() == ProxyException.Kind.TIMEOUT
            ? " (raise " + role + ".readTimeout if the proxy is slow)" : "";
        return new ConnectionException(reason, endpoint.protocol() + " " + endpoint.address() + ": " + p.getMessage()
            + hint, error);
      }
    }
    String where = endpoint.protocol() + " " + endpoint.route();
    for (Throwable t : chain) {
      if (t instanceof UnknownHostException) {
        return new ConnectionException(Reason.UNKNOWN_HOST, where + ": host '" + endpoint.host()
            + "' is unknown: check " + role + ".host (typo? DNS?)", error);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof ConnectException || t instanceof NoRouteToHostException) {
        return new ConnectionException(Reason.REFUSED, where + ": connection refused: check " + role
            + ".port and that the server is running and reachable", error);
      }
      // Angus turns a read failure into a synthetic "* BYE Jakarta Mail Exception: <exception>" text.
      if (t instanceof SocketTimeoutException || lower(t).contains("exception: java.net.sockettimeoutexception")) {
        String slow = t.getMessage() != null && t.getMessage().contains(ServerInput.SLOW)
            ? " (" + ServerText.shown(t.getMessage().substring(t.getMessage().indexOf("IMAP server ") >= 0
                ? t.getMessage().indexOf("IMAP server ") : 0).strip()) + ")" : "";
        return new ConnectionException(Reason.TIMEOUT, where + ": no answer within the timeout during "
            + action + slow + ": check host, port and firewall, or raise " + role + ".readTimeout", error);
      }
    }
    for (Throwable t : chain) {
      String msg = lower(t);
      if (t instanceof SSLException || t instanceof java.security.cert.CertificateException) {
        if (msg.contains("subject alternative") || msg.contains("no name matching")
            || msg.contains("hostname") || msg.contains("verify identity")) {
          return new ConnectionException(Reason.TLS_HOSTNAME, where + ": the server certificate is not issued "
              + "for '" + endpoint.host() + "': connect with the name the certificate carries", error);
        }
      }
    }
    for (Throwable t : chain) {
      if (t instanceof java.security.cert.CertificateExpiredException
          || t instanceof java.security.cert.CertificateNotYetValidException
          || lower(t).contains("validity check failed")) {
        return new ConnectionException(Reason.TLS_UNTRUSTED, where + ": the server certificate has expired or is "
            + "not yet valid: the server admin must renew it (check this machine's clock too)", error);
      }
    }
    for (Throwable t : chain) {
      String msg = lower(t);
      if (t instanceof CertPathBuilderException || t instanceof CertPathValidatorException
          || msg.contains("pkix path") || msg.contains("certification path")) {
        return new ConnectionException(Reason.TLS_UNTRUSTED, where + ": the server certificate is not trusted: "
            + "give the server's CA with " + role + ".trustedCertificates (PEM) if you trust it", error);
      }
    }
    for (Throwable t : chain) {
      String msg = lower(t);
      if (msg.contains("starttls") && (msg.contains("not support") || msg.contains("required"))) {
        return new ConnectionException(Reason.STARTTLS_UNAVAILABLE, where + ": the server does not offer "
            + "STARTTLS, so the connection was refused rather than continue unencrypted: use security SSL_TLS "
            + "(port " + Endpoint.defaultPort(endpoint.protocol(), Security.SSL_TLS) + ") or ask the server admin", error);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof SSLException) {
        return new ConnectionException(Reason.TLS_HANDSHAKE, where + ": TLS could not be negotiated ("
            + t.getMessage() + "): check " + role + ".security matches the port (SSL_TLS for "
            + Endpoint.defaultPort(endpoint.protocol(), Security.SSL_TLS) + ") and that the server speaks TLS 1.2+", error);
      }
    }
    for (Throwable t : chain) {
      // Before the auth checks: a throttled LOGIN ("NO [UNAVAILABLE]", "NO [THROTTLED]") is a
      // temporary refusal to retry later, not a wrong password.
      if (Throttle.matches(t.getMessage())) {
        return new ConnectionException(Reason.THROTTLED, where + ": the server is throttling this client during "
            + action + " (" + ServerText.shown(t.getMessage().strip()) + "): backing off; if it keeps happening lower the number of "
            + "connections or set a rate limit", error);
      }
    }
    for (Throwable t : chain) {
      // Angus SMTP reports a connection lost during AUTH as an authentication failure with the
      // server "reply" [EOF]: that is a network failure to retry, not a wrong password.
      if (t instanceof AuthenticationFailedException && lower(t).strip().equals("[eof]")) {
        return new ConnectionException(Reason.CLOSED, where + ": the connection was closed during " + action
            + " (while logging in): retry; if it keeps happening check the server's connection limits", error);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof AuthenticationFailedException && endpoint.auth() instanceof Auth.OAuth2 o) {
        String detail = t.getMessage() == null ? "" : " (" + ServerText.shown(t.getMessage().strip()) + ")";
        return new AuthException(where + ": " + o.mechanism() + " login rejected for '" + o.user() + "'" + detail
            + ": the access token was refused (expired or revoked, issued for another user, or without the "
            + "IMAP/SMTP scope): log in again, or check the OAuth scopes and that the user matches the login", error);
      }
      if (endpoint.auth() instanceof Auth.OAuth2 && tokenExpired(lower(t))) {
        // e.g. Microsoft "* BYE Session invalidated - AccessTokenExpired": an auth problem the
        // caller fixes by refreshing the token and reconnecting, not a network one.
        return new AuthException(where + ": the server ended the session because the access token expired ("
            + ServerText.shown(t.getMessage().strip()) + "): reconnect with a fresh token", error);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof AuthenticationFailedException) {
        String detail = t.getMessage() == null ? "" : " (" + ServerText.shown(t.getMessage().strip()) + ")";
        return new AuthException(where + ": login rejected for '" + endpoint.auth().user() + "'" + detail
            + ": check the user name and password (or app password), or use OAuth 2.0", error);
      }
    }
    for (Throwable t : chain) {
      // Angus SMTP reports a connection closed before a reply as "[EOF]" (greeting: "bad greeting ... response: [EOF]").
      // Angus IMAP: "Connection dropped by server?", also wrapped as "* BYE Jakarta Mail Exception: ...".
      if (t instanceof EOFException || t instanceof SocketException || lower(t).strip().endsWith("[eof]")
          || lower(t).contains("connection dropped by server")
          || t instanceof jakarta.mail.StoreClosedException || t instanceof jakarta.mail.FolderClosedException) {
        return new ConnectionException(Reason.CLOSED, where + ": the connection was closed during " + action
            + ": retry; if it keeps happening check the server's connection limits", error);
      }
    }
    for (Throwable t : chain) {
      if (t instanceof IndexOutOfBoundsException || t instanceof NumberFormatException
          || t instanceof NegativeArraySizeException || t instanceof org.eclipse.angus.mail.iap.ParsingException) {
        return protocolError(endpoint, action, "a response that cannot be parsed (" + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + ServerText.shown(t.getMessage())) + ")", error);
      }
    }
    String detail = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage().strip();
    return new ProtocolException(where + ": " + action + " failed: " + ServerText.shown(detail), false, error);
  }

  /**
   * The server broke the protocol or went beyond a bound: not retriable as such (the caller decides,
   * e.g. a long-running listener reconnects after a backoff).
   */
  public static ProtocolException protocolError(Endpoint endpoint, String action, String whatItSent, Throwable cause) {
    return new ProtocolException(endpoint.protocol() + " " + endpoint.route() + ": protocol error during "
        + ServerText.shown(action, 120) + ": the server " + ServerText.shown(whatItSent, 600)
        + ": the server is broken or not what it claims; report it to the server's admin", false, cause);
  }

  private static String after(String text, String marker) {
    if (text == null) {
      return null;
    }
    int i = text.indexOf(marker);
    return i < 0 ? null : text.substring(i + marker.length()).strip();
  }

  /** A BYE or error text saying the OAuth access token expired (Microsoft, Gmail wordings). */
  static boolean tokenExpired(String lowerMessage) {
    return lowerMessage.contains("accesstokenexpired") || lowerMessage.contains("token expired")
        || lowerMessage.contains("token has expired") || lowerMessage.contains("token is expired");
  }

  private static String lower(Throwable t) {
    return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
  }

  private static List<Throwable> chain(Throwable error) {
    List<Throwable> out = new ArrayList<>();
    Throwable t = error;
    while (t != null && out.size() < 20 && !out.contains(t)) {
      out.add(t);
      Throwable next = t.getCause();
      if (next == null && t instanceof MessagingException me) {
        next = me.getNextException();
      }
      t = next;
    }
    return out;
  }
}
