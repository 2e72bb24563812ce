package io.mailbridge.kafka.internal;

import io.mailbridge.connection.Endpoint;

/**
 * Rewrites the library's field names in an error message ({@code inbound.port},
 * {@code outbound.readTimeout}, {@code security SSL_TLS} ...) into the connector keys the operator
 * sets ({@code imap.port}, {@code smtp.read.timeout.ms}, {@code imap.security=ssl_tls} ...).
 */
public final class ConnectorKeys {
  private ConnectorKeys() {}

  /**
   * @param message the library's message (may be null)
   * @param protocol whose keys: IMAP ({@code imap.*}) or SMTP ({@code smtp.*})
   * @param serverPrefix prefix of the host, port, user and password keys of this server, e.g.
   *     {@code imap.} or {@code mailbox.sales.imap.}
   */
  public static String speak(String message, Endpoint.Protocol protocol, String serverPrefix) {
    if (message == null) {
      return null;
    }
    String role = protocol.role() + ".";
    String keys = protocol == Endpoint.Protocol.IMAP ? "imap." : "smtp.";
    return message
        .replace(role + "host", serverPrefix + "host")
        .replace(role + "port", serverPrefix + "port")
        .replace(role + "readTimeout", keys + "read.timeout.ms")
        .replace(role + "connectTimeout", keys + "connect.timeout.ms")
        .replace(role + "trustedCertificates", keys + "ca.file")
        .replace(role + "security", keys + "security")
        .replace(role + "allowPlaintext", keys + "allow.plaintext")
        .replace("use security SSL_TLS", "use " + keys + "security=ssl_tls")
        .replace("security matches the port (SSL_TLS", "security matches " + serverPrefix + "port (ssl_tls");
  }

  /** {@link #speak} for the top-level {@code imap.*} or {@code smtp.*} keys. */
  public static String speak(String message, Endpoint.Protocol protocol) {
    return speak(message, protocol, protocol == Endpoint.Protocol.IMAP ? "imap." : "smtp.");
  }
}
