package io.mailbridge.connection.internal;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ProxySettings;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.Trace;
import jakarta.mail.Session;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/** Builds the Jakarta Mail {@link Session} for one endpoint: TLS policy, timeouts, sockets, proxy, trace. */
public final class MailSessions {
  static {
    // Without a named provider Jakarta Mail 2.1 runs a ServiceLoader scan for every header block and
    // body part (jakartaee/mail-api#861): 1.4-3x slower. Respect a value the user set.
    if (System.getProperty("jakarta.mail.util.StreamProvider") == null) {
      System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    }
  }

  private MailSessions() {}

  /** A session plus the objects needed to inspect it after connecting. */
  public record Opened(Session session, String protocol, TlsSockets.Secure tls, TlsSockets.NoDelay plain, Trace trace) {
    /**
     * The socket the connection speaks over now (the TLS one after STARTTLS); empty when it was
     * made by a factory that does not record it (a plain connection through a proxy).
     */
    public Optional<Socket> socket() {
      if (tls != null) {
        return tls.lastSocket().map(s -> s);
      }
      return plain == null ? Optional.empty() : plain.lastSocket();
    }
  }

  /**
   * @param extra additional Angus properties, with the protocol prefix already applied
   * @param recordTrace keep the redacted protocol trace in memory (for check and tests)
   */
  public static Opened open(Endpoint endpoint, Properties extra, boolean recordTrace) {
    String base = endpoint.protocol() == Endpoint.Protocol.IMAP ? "imap" : "smtp";
    String protocol = endpoint.security() == Security.SSL_TLS ? base + "s" : base;
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put(p + "connectiontimeout", Long.toString(endpoint.connectTimeout().toMillis()));
    props.put(p + "timeout", Long.toString(endpoint.readTimeout().toMillis()));
    TlsSockets.Secure tls = null;
    TlsSockets.NoDelay plain = null;
    if (endpoint.security() != Security.NONE) {
      tls = new TlsSockets.Secure(TlsSockets.context(endpoint.trustedCertificates()), endpoint.host(), endpoint);
      props.put(p + "ssl.socketFactory", tls);
      props.put(p + "ssl.protocols", String.join(" ", TlsSockets.PROTOCOLS));
      props.put(p + "ssl.checkserveridentity", "true");
    }
    // Without this Angus retries a failed connect with the JDK's default factory, which replaces
    // the real error (e.g. a host name mismatch) with a misleading one and ignores our TLS policy.
    props.put(p + "socketFactory.fallback", "false");
    if (endpoint.security() == Security.SSL_TLS) {
      props.put(p + "ssl.enable", "true");
    } else {
      plain = new TlsSockets.NoDelay(endpoint);
      props.put(p + "socketFactory", plain);
    }
    if (endpoint.proxy().isPresent()) {
      ProxySettings proxy = endpoint.proxy().get();
      if (endpoint.security() == Security.SSL_TLS) {
        // Given an SSLSocketFactory, Angus connects a socket of its own directly to the server: hand
        // it a plain factory whose sockets tunnel first and then do TLS with our Secure settings.
        props.remove(p + "ssl.socketFactory");
        props.put(p + "socketFactory", new ProxySockets.Tls(proxy, endpoint.host(), tls));
      } else {
        // STARTTLS upgrades this tunnelled socket later with ssl.socketFactory (Secure).
        props.put(p + "socketFactory", new ProxySockets.Plain(proxy, endpoint.host(), endpoint));
        plain = null;
      }
    }
    if (endpoint.security() == Security.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      // Fail closed: never fall back to plain text when STARTTLS is missing or fails.
      props.put(p + "starttls.required", "true");
    }
    if (endpoint.protocol() == Endpoint.Protocol.SMTP) {
      props.put(p + "auth", Boolean.toString(!(endpoint.auth() instanceof Auth.None)));
    }
    if (endpoint.auth() instanceof Auth.OAuth2 o) {
      if (o.mechanism() == Auth.OAuth2.Mechanism.OAUTHBEARER) {
        // Not built into Angus: our javax.security.sasl client, through Angus's SASL path. The
        // same name in auth.mechanisms leaves nothing to fall back to (never LOGIN with a token).
        OAuthBearerSasl.register();
        props.put(p + "sasl.enable", "true");
        props.put(p + "sasl.mechanisms", OAuthBearerSasl.MECHANISM);
        props.put(p + "auth.mechanisms", OAuthBearerSasl.MECHANISM);
      } else {
        props.put(p + "auth.mechanisms", "XOAUTH2");
        props.put(p + "sasl.mechanisms", "XOAUTH2");
      }
    }
    if (endpoint.auth() instanceof Auth.Basic b && b.mechanism() != Auth.Basic.Mechanism.AUTO) {
      // IMAP: an empty list leaves Angus only the LOGIN command; PLAIN falls back to it when the
      // server does not offer AUTH=PLAIN. SMTP has no LOGIN command: the name is the SASL mechanism.
      boolean imapLogin = endpoint.protocol() == Endpoint.Protocol.IMAP && b.mechanism() == Auth.Basic.Mechanism.LOGIN;
      props.put(p + "auth.mechanisms", imapLogin ? "" : b.mechanism().name());
    }
    props.put("mail.debug.auth", "false");
    props.putAll(extra);

    List<String> secrets = new ArrayList<>();
    if (endpoint.auth() instanceof Auth.Basic b) {
      secrets.add(b.password().reveal());
    }
    endpoint.proxy().flatMap(ProxySettings::password).ifPresent(pw -> secrets.add(pw.reveal()));
    Trace trace = new Trace(secrets, recordTrace);
    Session session = Session.getInstance(props);
    if (trace.wanted()) {
      session.setDebugOut(trace.stream());
      session.setDebug(true);
    }
    return new Opened(session, protocol, tls, plain, trace);
  }
}
