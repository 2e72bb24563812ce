package io.mailbridge;

/**
 * The server could not be reached or a secure channel could not be set up. {@link #reason()} names
 * the cause precisely so callers and the CLI can react (and tests can tell the cases apart).
 */
public final class ConnectionException extends MailbridgeException {
  private static final long serialVersionUID = 1L;

  /** Why the connection failed. */
  public enum Reason {
    /** The host name does not resolve. */
    UNKNOWN_HOST(false),
    /** Nothing listens on the port, or a firewall rejected the connection. */
    REFUSED(true),
    /** No answer within the connect or read timeout. */
    TIMEOUT(true),
    /** The server's certificate is not signed by a trusted authority. */
    TLS_UNTRUSTED(false),
    /** The certificate is valid but not issued for the host name that was dialled. */
    TLS_HOSTNAME(false),
    /** TLS could not be negotiated (protocol version, cipher suites, garbage instead of TLS). */
    TLS_HANDSHAKE(false),
    /** STARTTLS was required but the server does not offer it: never continue in plain text. */
    STARTTLS_UNAVAILABLE(false),
    /** The connection dropped or the server closed it. */
    CLOSED(true),
    /** The proxy host is unknown, refuses connections or does not answer. */
    PROXY_UNREACHABLE(true),
    /** The proxy requires a login, or rejected the one given. */
    PROXY_AUTH(false),
    /** The proxy refused the tunnel to the mail server (its rules), or speaks another proxy protocol. */
    PROXY_REFUSED(false),
    /** The proxy could not reach the mail server (unknown to the proxy's DNS, refused, unreachable). */
    PROXY_TARGET_UNREACHABLE(true),
    /**
     * The server asks the client to slow down: an IMAP {@code [THROTTLED]} or {@code [UNAVAILABLE]}
     * response code (RFC 5530), a {@code BYE} or SMTP 421/4.7.x reply with rate-limit text. Retry
     * after a backoff, at least as long as the server suggested.
     */
    THROTTLED(true);

    private final boolean retriable;

    Reason(boolean retriable) {
      this.retriable = retriable;
    }
  }

  private final Reason reason;

  public ConnectionException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  @Override
  public boolean isRetriable() {
    return reason.retriable;
  }
}
