package io.mailbridge.connection;

import io.mailbridge.connection.internal.Login;
import io.mailbridge.connection.internal.MailSessions;
import io.mailbridge.connection.internal.TlsSockets;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import java.io.IOException;
import java.net.Socket;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSession;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A connected, authenticated SMTP transport, reused for a whole batch and closed in {@code finally}. */
public final class SmtpClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SmtpClient.class);

  private final Endpoint endpoint;
  private final MailSessions.Opened opened;
  private final SMTPTransport transport;
  private WireOf wire;

  private SmtpClient(Endpoint endpoint, MailSessions.Opened opened, SMTPTransport transport) {
    this.endpoint = endpoint;
    this.opened = opened;
    this.transport = transport;
  }

  /** Connects, says EHLO, upgrades with STARTTLS when configured, and authenticates. */
  public static SmtpClient open(Endpoint endpoint, Properties extra, boolean recordTrace) {
    if (endpoint.protocol() != Endpoint.Protocol.SMTP) {
      throw new IllegalArgumentException("not an SMTP endpoint: " + endpoint.protocol());
    }
    MailSessions.Opened opened = MailSessions.open(endpoint, extra, recordTrace);
    SMTPTransport transport;
    try {
      transport = (SMTPTransport) opened.session().getTransport(opened.protocol());
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "connect", e);
    }
    Login.run(endpoint, (user, credential) -> transport.connect(endpoint.host(), endpoint.port(), user, credential));
    LOG.debug("smtp connected host={} port={} user={}", endpoint.host(), endpoint.port(), endpoint.auth().user());
    return new SmtpClient(endpoint, opened, transport);
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public Session session() {
    return opened.session();
  }

  public SMTPTransport transport() {
    return transport;
  }

  public Trace trace() {
    return opened.trace();
  }

  public Optional<SSLSession> tlsSession() {
    return Optional.ofNullable(opened.tls()).flatMap(TlsSockets.Secure::lastSocket).map(s -> s.getSession());
  }

  /**
   * The connection's command stream for pipelined transactions; empty when the socket is not
   * reachable (a plain connection through a proxy) or the server did not offer PIPELINING.
   *
   * @param utf8 commands may carry UTF-8 (the transaction asks for SMTPUTF8)
   */
  public Optional<SmtpWire> wire(boolean utf8) {
    if (!transport.supportsExtension("PIPELINING")) {
      return Optional.empty();
    }
    if (wire == null || wire.utf8 != utf8) {
      Optional<Socket> socket = opened.socket();
      if (socket.isEmpty()) {
        return Optional.empty();
      }
      try {
        wire = new WireOf(new SmtpWire(endpoint, socket.get(), opened.trace(), utf8), utf8);
      } catch (IOException e) {
        LOG.debug("smtp socket streams unavailable host={} error={}", endpoint.host(), e.toString());
        return Optional.empty();
      }
    }
    return Optional.of(wire.wire);
  }

  private record WireOf(SmtpWire wire, boolean utf8) {}

  /** Sends NOOP; true when the server answered. */
  public boolean noop() {
    return transport.isConnected();
  }

  /**
   * Closes the socket without a word to the server: a transaction whose data the server awaits
   * (after a 354) is then discarded, since only the final "." commits a message (RFC 5321 4.1.1.4),
   * where a QUIT would have been taken for message data.
   */
  public void abort() {
    opened.socket().ifPresent(s -> {
      try {
        s.close();
      } catch (IOException e) {
        LOG.debug("smtp abort host={} error={}", endpoint.host(), e.toString());
      }
    });
    close();
  }

  @Override
  public void close() {
    try {
      transport.close();
    } catch (MessagingException e) {
      LOG.debug("smtp close host={} error={}", endpoint.host(), e.toString());
    }
  }
}
