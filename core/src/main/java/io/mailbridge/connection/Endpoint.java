package io.mailbridge.connection;

import io.mailbridge.ConfigException;
import io.mailbridge.metrics.Metrics;
import io.mailbridge.metrics.Recorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One server Mailbridge talks to: the inbound IMAP server or the outbound SMTP server.
 *
 * <pre>{@code
 * Endpoint imap = Endpoint.imap("imap.example.com")          // SSL/TLS on 993 by default
 *     .auth(Auth.basic("bob@example.com", Secret.fromFile(Path.of("/run/secrets/mail"))))
 *     .build();
 * Endpoint smtp = Endpoint.smtp("smtp.example.com").security(Security.STARTTLS) // port 587
 *     .auth(...).build();
 * }</pre>
 *
 * @param protocol IMAP or SMTP
 * @param host server host name or IP literal
 * @param port TCP port; default by protocol and security: IMAP 993 (SSL/TLS) or 143, SMTP 465
 *     (SSL/TLS), 587 (STARTTLS) or 25 (none)
 * @param security channel protection, default {@link Security#SSL_TLS}
 * @param auth credentials, default none (only valid for SMTP)
 * @param connectTimeout TCP connect timeout, default 30 s
 * @param readTimeout timeout for each server answer, default 60 s
 * @param trustedCertificates PEM file with the CA certificates to trust instead of the JDK's
 *     default trust store; empty means the JDK's defaults
 * @param allowPlaintext explicit opt-in required for {@link Security#NONE}
 * @param proxy the SOCKS5 or HTTP CONNECT proxy to connect through, default none (direct); the
 *     timeouts above apply to the proxy too: {@code connectTimeout} to reaching it,
 *     {@code readTimeout} to each of its answers
 * @param metrics where operations on this server report their metrics, default {@link Metrics#none()}
 *     (usually set for both servers with {@link MailConnection.Builder#metrics(Metrics)})
 * @param limits bounds on what the server may send, default {@link ServerLimits#defaults()}; the
 *     read timeout bounds the time to a complete response line (or SMTP reply), not only the gap
 *     between two bytes
 */
public record Endpoint(
    Protocol protocol,
    String host,
    int port,
    Security security,
    Auth auth,
    Duration connectTimeout,
    Duration readTimeout,
    Optional<Path> trustedCertificates,
    boolean allowPlaintext,
    Optional<ProxySettings> proxy,
    Metrics metrics,
    ServerLimits limits) {

  /** Which protocol the endpoint speaks. */
  public enum Protocol {
    IMAP("inbound"),
    SMTP("outbound");

    private final String role;

    Protocol(String role) {
      this.role = role;
    }

    /** {@code inbound} or {@code outbound}: the name used in messages and settings. */
    public String role() {
      return role;
    }
  }

  public Endpoint {
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(limits, "limits");
    String field = protocol.role();
    if (host == null || host.isBlank()) {
      throw new ConfigException(field + ".host is empty: give the " + protocol + " server name");
    }
    if (host.length() > 253) {
      throw new ConfigException(field + ".host is " + host.length() + " characters long: a host name has at most "
          + "253 (RFC 1035)");
    }
    if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
      throw new ConfigException(field + ".host '" + host.strip() + "' is not a host name: give only the name, "
          + "without scheme, user or path (e.g. imap.example.com)");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException(field + ".port " + port + " is out of range 1-65535");
    }
    Objects.requireNonNull(security, field + ".security");
    Objects.requireNonNull(auth, field + ".auth");
    if (protocol == Protocol.IMAP && auth instanceof Auth.None) {
      throw new ConfigException(field + ".auth is missing: IMAP needs a login, use Auth.basic(...) or Auth.oauth2(...)");
    }
    if (security == Security.NONE && !allowPlaintext) {
      throw new ConfigException(field + ".security NONE sends credentials and mail unencrypted: use SSL_TLS or "
          + "STARTTLS, or set allowPlaintext(true) if this is really wanted");
    }
    connectTimeout = positive(field + ".connectTimeout", connectTimeout);
    readTimeout = positive(field + ".readTimeout", readTimeout);
    Objects.requireNonNull(trustedCertificates, field + ".trustedCertificates");
    trustedCertificates.ifPresent(p -> {
      if (!Files.isReadable(p)) {
        throw new ConfigException(field + ".trustedCertificates " + p + " cannot be read: give the path of a PEM CA file");
      }
    });
    Objects.requireNonNull(proxy, field + ".proxy");
    Objects.requireNonNull(metrics, field + ".metrics");
  }

  private static Duration positive(String field, Duration d) {
    Objects.requireNonNull(d, field);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException(field + " " + d + " must be positive");
    }
    if (d.toMillis() > Integer.MAX_VALUE) {
      throw new ConfigException(field + " " + d + " is too long: at most 24 days");
    }
    return d;
  }

  /** The port used when none is given. */
  public static int defaultPort(Protocol protocol, Security security) {
    return switch (protocol) {
      case IMAP -> security == Security.SSL_TLS ? 993 : 143;
      case SMTP -> switch (security) {
        case SSL_TLS -> 465;
        case STARTTLS -> 587;
        case NONE -> 25;
      };
    };
  }

  /** Starts an inbound (IMAP) endpoint. */
  public static Builder imap(String host) {
    return new Builder(Protocol.IMAP).host(host);
  }

  /** Starts an outbound (SMTP) endpoint. */
  public static Builder smtp(String host) {
    return new Builder(Protocol.SMTP).host(host);
  }

  public Builder toBuilder() {
    Builder b = new Builder(protocol).host(host).port(port).security(security).auth(auth)
        .connectTimeout(connectTimeout).readTimeout(readTimeout).allowPlaintext(allowPlaintext).metrics(metrics)
        .limits(limits);
    trustedCertificates.ifPresent(b::trustedCertificates);
    proxy.ifPresent(b::proxy);
    return b;
  }

  /** {@code host:port}, for messages. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /**
   * The mailbox tag of metrics, health and document keys: {@code user@host:port}, or
   * {@code host:port} without a login.
   */
  public String mailbox() {
    String user = auth.user();
    return (user == null || user.isEmpty() ? "" : user + "@") + host + ":" + port;
  }

  /**
   * Where operations on this server report: a no-op recorder unless the endpoint has
   * {@link Metrics#micrometer} metrics, so the calls cost nothing by default.
   */
  public Recorder recorder() {
    return Recorder.of(metrics, mailbox(),
        auth instanceof Auth.OAuth2 o ? Optional.of(o.tokens()) : Optional.<TokenProvider>empty(),
        TokenProvider::refreshes);
  }

  /** {@code host:port}, followed by {@code via <proxy>} when connecting through one, for messages. */
  public String route() {
    return address() + proxy.map(p -> " via " + p.type() + " proxy " + p.address()).orElse("");
  }

  /** Builder; {@link #build()} validates and names the field to fix. */
  public static final class Builder {
    private final Protocol protocol;
    private String host;
    private Integer port;
    private Security security = Security.SSL_TLS;
    private Auth auth = Auth.none();
    private Duration connectTimeout = Duration.ofSeconds(30);
    private Duration readTimeout = Duration.ofSeconds(60);
    private Path trustedCertificates;
    private boolean allowPlaintext;
    private ProxySettings proxy;
    private Metrics metrics = Metrics.none();
    private ServerLimits limits = ServerLimits.defaults();

    private Builder(Protocol protocol) {
      this.protocol = protocol;
    }

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder security(Security security) {
      this.security = security;
      return this;
    }

    public Builder auth(Auth auth) {
      this.auth = auth;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Builder readTimeout(Duration timeout) {
      this.readTimeout = timeout;
      return this;
    }

    public Builder trustedCertificates(Path pemFile) {
      this.trustedCertificates = pemFile;
      return this;
    }

    public Builder allowPlaintext(boolean allow) {
      this.allowPlaintext = allow;
      return this;
    }

    /** Connect through this proxy; {@code null} connects directly (the default). */
    public Builder proxy(ProxySettings proxy) {
      this.proxy = proxy;
      return this;
    }

    /** Where operations on this server report metrics (default {@link Metrics#none()}). */
    public Builder metrics(Metrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** Bounds on what the server may send (default {@link ServerLimits#defaults()}). */
    public Builder limits(ServerLimits limits) {
      this.limits = limits;
      return this;
    }

    public Endpoint build() {
      Security sec = security == null ? Security.SSL_TLS : security;
      int p = port != null ? port : defaultPort(protocol, sec);
      return new Endpoint(protocol, host, p, security, auth, connectTimeout, readTimeout,
          Optional.ofNullable(trustedCertificates), allowPlaintext, Optional.ofNullable(proxy), metrics, limits);
    }
  }
}
