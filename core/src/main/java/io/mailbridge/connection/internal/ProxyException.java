package io.mailbridge.connection.internal;

import io.mailbridge.connection.ProxySettings;
import java.io.IOException;

/**
 * Why a proxy did not open the tunnel. An {@link IOException} so that it travels through Angus
 * Mail's connect path unchanged; {@link Errors} turns it into a {@code ConnectionException} with a
 * proxy reason. The message names the proxy and the target, never the proxy password.
 */
public final class ProxyException extends IOException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, mapped one to one onto a connection failure reason. */
  public enum Kind {
    /** The proxy host is unknown, refuses connections, or cannot be reached. */
    UNREACHABLE,
    /** The proxy accepted the connection but did not answer within the read timeout. */
    TIMEOUT,
    /** The proxy wants a login, or rejected the one given. */
    AUTH,
    /** The proxy refused to open the tunnel (its rules), or does not speak the configured protocol. */
    REFUSED,
    /** The proxy could not reach the mail server. */
    TARGET_UNREACHABLE
  }

  private final Kind kind;

  ProxyException(Kind kind, ProxySettings proxy, String detail, Throwable cause) {
    super(proxy.type() + " proxy " + proxy.address() + " " + detail, cause);
    this.kind = kind;
  }

  ProxyException(Kind kind, ProxySettings proxy, String detail) {
    this(kind, proxy, detail, null);
  }

  public Kind kind() {
    return kind;
  }
}
