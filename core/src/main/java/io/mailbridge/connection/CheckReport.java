package io.mailbridge.connection;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What {@link MailConnection#check()} found, one {@link EndpointReport} per configured server.
 *
 * @param endpoints reports in order inbound, outbound
 */
public record CheckReport(List<EndpointReport> endpoints) {
  public CheckReport {
    endpoints = List.copyOf(endpoints);
  }

  /** True when every endpoint connected and authenticated. */
  public boolean ok() {
    return endpoints.stream().allMatch(EndpointReport::ok);
  }

  /**
   * The result for one server.
   *
   * @param role {@code inbound} or {@code outbound}
   * @param protocol IMAP or SMTP
   * @param host host dialled
   * @param port port dialled
   * @param proxy the proxy the connection went through, as a URL without password (e.g.
   *     {@code socks5://bob@proxy.example.com:1080}); empty when connected directly
   * @param security channel protection used
   * @param user the authenticated user ({@code ""} without auth)
   * @param greeting the server's greeting line
   * @param capabilities IMAP CAPABILITY or SMTP EHLO keywords, after login
   * @param tlsProtocol negotiated TLS version, e.g. {@code TLSv1.3}, empty in plain text
   * @param cipherSuite negotiated cipher suite, empty in plain text
   * @param connectTime time to connect, secure and authenticate
   * @param roundTrip time of one NOOP round trip after login
   * @param error why it failed, empty on success
   */
  public record EndpointReport(
      String role,
      Endpoint.Protocol protocol,
      String host,
      int port,
      Optional<String> proxy,
      Security security,
      String user,
      String greeting,
      List<String> capabilities,
      Optional<String> tlsProtocol,
      Optional<String> cipherSuite,
      Duration connectTime,
      Duration roundTrip,
      Optional<io.mailbridge.MailbridgeException> error) {

    public EndpointReport {
      capabilities = List.copyOf(capabilities);
    }

    public boolean ok() {
      return error.isEmpty();
    }
  }
}
