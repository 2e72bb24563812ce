package io.mailbridge.connection;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.internal.ConnectionCheck;
import io.mailbridge.connection.internal.TlsSockets;
import io.mailbridge.metrics.Metrics;
import java.util.Optional;

/**
 * Immutable connection settings: the inbound IMAP server and/or the outbound SMTP server. Built
 * once, validated at {@link Builder#build()}, shared by every operation.
 *
 * <pre>{@code
 * MailConnection mail = MailConnection.builder()
 *     .inbound(Endpoint.imap("imap.example.com").auth(Auth.basic(user, password)).build())
 *     .outbound(Endpoint.smtp("smtp.example.com").security(Security.STARTTLS).auth(Auth.basic(user, password)).build())
 *     .build();
 * CheckReport report = mail.check();
 * }</pre>
 *
 * <p>{@link Builder#metrics(Metrics)} makes every operation on the connection report its metrics
 * (see {@link Metrics}); by default nothing is recorded.
 */
public final class MailConnection {
  private final Endpoint inbound;
  private final Endpoint outbound;

  /**
   * For a short-lived process about to connect: starts, in the background, one-time work of the
   * first TLS handshake's certificate checks that does not depend on the server (the JDK's table of
   * its public CAs), so that the handshake finds it done. Verification is unchanged.
   *
   * @return the started thread (a daemon)
   */
  public static Thread warmUpTls() {
    return TlsSockets.warmUp();
  }

  private MailConnection(Endpoint inbound, Endpoint outbound) {
    this.inbound = inbound;
    this.outbound = outbound;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().inbound(inbound).outbound(outbound);
  }

  /** The IMAP server, when configured. */
  public Optional<Endpoint> inbound() {
    return Optional.ofNullable(inbound);
  }

  /** The SMTP server, when configured. */
  public Optional<Endpoint> outbound() {
    return Optional.ofNullable(outbound);
  }

  /** The IMAP server, or a clear error naming what to configure. */
  public Endpoint requireInbound(String operation) {
    if (inbound == null) {
      throw new ConfigException(operation + " needs an inbound (IMAP) server: set inbound.host and its login");
    }
    return inbound;
  }

  /** The SMTP server, or a clear error naming what to configure. */
  public Endpoint requireOutbound(String operation) {
    if (outbound == null) {
      throw new ConfigException(operation + " needs an outbound (SMTP) server: set outbound.host and its login");
    }
    return outbound;
  }

  /**
   * Connects to each configured server, authenticates, and reports greeting, capabilities, the
   * negotiated TLS version and cipher, and the round-trip time. Never throws for a server problem:
   * failures are in the report, one per endpoint.
   */
  public CheckReport check() {
    return ConnectionCheck.run(this);
  }

  @Override
  public String toString() {
    return "MailConnection[inbound=" + inbound + ", outbound=" + outbound + "]";
  }

  /** Builder for {@link MailConnection}. */
  public static final class Builder {
    private Endpoint inbound;
    private Endpoint outbound;
    private Metrics metrics;

    public Builder inbound(Endpoint imap) {
      this.inbound = imap;
      return this;
    }

    public Builder outbound(Endpoint smtp) {
      this.outbound = smtp;
      return this;
    }

    /**
     * Where both servers' operations report metrics, e.g. {@code Metrics.micrometer(registry)};
     * replaces what the endpoints were built with. Unset: the endpoints' own (default none).
     */
    public Builder metrics(Metrics metrics) {
      this.metrics = java.util.Objects.requireNonNull(metrics, "metrics");
      return this;
    }

    public MailConnection build() {
      if (inbound == null && outbound == null) {
        throw new ConfigException("connection has neither inbound nor outbound server: set inbound.host (IMAP) "
            + "and/or outbound.host (SMTP)");
      }
      if (inbound != null && inbound.protocol() != Endpoint.Protocol.IMAP) {
        throw new ConfigException("inbound must be an IMAP endpoint: build it with Endpoint.imap(host)");
      }
      if (outbound != null && outbound.protocol() != Endpoint.Protocol.SMTP) {
        throw new ConfigException("outbound must be an SMTP endpoint: build it with Endpoint.smtp(host)");
      }
      if (metrics != null) {
        return new MailConnection(inbound == null ? null : inbound.toBuilder().metrics(metrics).build(),
            outbound == null ? null : outbound.toBuilder().metrics(metrics).build());
      }
      return new MailConnection(inbound, outbound);
    }
  }
}
