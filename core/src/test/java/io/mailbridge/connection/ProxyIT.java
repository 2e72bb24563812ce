package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConnectionException;
import io.mailbridge.ConnectionException.Reason;
import io.mailbridge.connection.CheckReport.EndpointReport;
import io.mailbridge.document.MailDocument;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.Filter;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.ProxyServer;
import io.mailbridge.testkit.RealServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * IMAP and SMTP through real proxies (microsocks for SOCKS5, tinyproxy for HTTP CONNECT) to the
 * real Dovecot/Postfix stack. The mail host is {@code localhost}: its name goes to the proxy
 * unresolved (the proxy logs it as given), and the certificate is checked against it.
 */
@RealServer
class ProxyIT {
  private static final String PROXY_USER = "relay";
  private static final String PROXY_PASSWORD = "Px-" + UUID.randomUUID();
  private static final String MAIL_HOST = "localhost";

  @TempDir
  Path cache;

  private static ProxyServer start(ProxySettings.Type type, MailStack s) {
    return type == ProxySettings.Type.SOCKS5 ? ProxyServer.socks5(PROXY_USER, PROXY_PASSWORD)
        : ProxyServer.http(PROXY_USER, PROXY_PASSWORD, s.imapsPort(), s.imapPort(), s.smtpsPort(), s.submissionPort());
  }

  private static ProxySettings settings(ProxySettings.Type type, ProxyServer p, String password) {
    return new ProxySettings(type, p.host(), p.port(), Optional.empty(), Optional.empty())
        .withCredentials(PROXY_USER, Secret.of(password));
  }

  private static Endpoint.Builder imap(MailStack s, int port, Security security, ProxySettings proxy) {
    return Endpoint.imap(MAIL_HOST).port(port).security(security).trustedCertificates(s.ca()).proxy(proxy)
        .auth(Auth.basic(s.bob().user(), Secret.of(s.bob().password())));
  }

  private static Endpoint.Builder smtp(MailStack s, int port, Security security, ProxySettings proxy) {
    return Endpoint.smtp(MAIL_HOST).port(port).security(security).trustedCertificates(s.ca()).proxy(proxy)
        .auth(Auth.basic(s.bob().user(), Secret.of(s.bob().password())));
  }

  private static EndpointReport check(Endpoint e) {
    MailConnection.Builder b = MailConnection.builder();
    if (e.protocol() == Endpoint.Protocol.IMAP) {
      b.inbound(e);
    } else {
      b.outbound(e);
    }
    return b.build().check().endpoints().get(0);
  }

  private static void assertSecureVia(EndpointReport r, ProxySettings proxy) {
    assertThat(r.error()).isEmpty();
    assertThat(r.tlsProtocol()).hasValueSatisfying(v -> assertThat(v).isIn("TLSv1.2", "TLSv1.3"));
    assertThat(r.proxy()).contains(proxy.toString());
    assertThat(r.proxy().get()).doesNotContain(PROXY_PASSWORD);
  }

  @ParameterizedTest
  @EnumSource(ProxySettings.Type.class)
  void checkOverEverySecurityModeGoesThroughTheProxy(ProxySettings.Type type, MailStack s) {
    try (ProxyServer p = start(type, s)) {
      ProxySettings proxy = settings(type, p, PROXY_PASSWORD);

      EndpointReport imaps = check(imap(s, s.imapsPort(), Security.SSL_TLS, proxy).build());
      assertSecureVia(imaps, proxy);
      assertThat(imaps.greeting()).startsWith("* OK");
      EndpointReport imapStarttls = check(imap(s, s.imapPort(), Security.STARTTLS, proxy).build());
      assertSecureVia(imapStarttls, proxy);
      assertThat(imapStarttls.capabilities()).contains("IDLE");
      EndpointReport smtps = check(smtp(s, s.smtpsPort(), Security.SSL_TLS, proxy).build());
      assertSecureVia(smtps, proxy);
      assertThat(smtps.greeting()).startsWith("220 ");
      EndpointReport submission = check(smtp(s, s.submissionPort(), Security.STARTTLS, proxy).build());
      assertSecureVia(submission, proxy);
      assertThat(submission.capabilities()).anyMatch(c -> c.startsWith("AUTH"));

      // The proxy opened one tunnel per check, to the name the client gave (resolved by the proxy).
      assertThat(p.awaitTunnels(4)).containsExactly(MAIL_HOST + ":" + s.imapsPort(), MAIL_HOST + ":" + s.imapPort(),
          MAIL_HOST + ":" + s.smtpsPort(), MAIL_HOST + ":" + s.submissionPort());
      assertThat(String.join("\n", p.lines())).doesNotContain(PROXY_PASSWORD);
    }
  }

  @ParameterizedTest
  @EnumSource(ProxySettings.Type.class)
  void sendsAndReceivesThroughTheProxy(ProxySettings.Type type, MailStack s) throws Exception {
    try (ProxyServer p = start(type, s)) {
      ProxySettings proxy = settings(type, p, PROXY_PASSWORD);
      MailConnection mail = MailConnection.builder()
          .outbound(smtp(s, s.submissionPort(), Security.STARTTLS, proxy).build())
          .inbound(imap(s, s.imapsPort(), Security.SSL_TLS, proxy).build())
          .build();
      String subject = "via " + type + " " + UUID.randomUUID();

      SendResult sent = Send.of(mail).send(Email.builder().to(s.bob().user()).subject(subject)
          .text("through the tunnel").build());
      assertThat(sent.status()).isEqualTo(SendResult.Status.SENT);

      List<MailDocument> docs = receiveBySubject(mail, subject);
      assertThat(docs).singleElement().satisfies(d -> {
        assertThat(d.properties().subject()).isEqualTo(subject);
        assertThat(d.properties().messageId()).isEqualTo(sent.properties().messageId());
      });
      assertThat(p.tunnels()).startsWith(MAIL_HOST + ":" + s.submissionPort())
          .contains(MAIL_HOST + ":" + s.imapsPort())
          .allMatch(t -> t.equals(MAIL_HOST + ":" + s.submissionPort()) || t.equals(MAIL_HOST + ":" + s.imapsPort()));
    }
  }

  private List<MailDocument> receiveBySubject(MailConnection mail, String subject) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<MailDocument> docs = new ArrayList<>();
      Receive.of(mail).run(ReceiveSettings.builder().folder("INBOX").filter(Filter.subject(subject))
          .cacheDir(cache).build(), docs::add);
      if (!docs.isEmpty() || System.nanoTime() > deadline) {
        return docs;
      }
      Thread.sleep(200);
    }
  }

  @ParameterizedTest
  @EnumSource(ProxySettings.Type.class)
  void wrongProxyPasswordIsAProxyAuthErrorAndNothingIsSent(ProxySettings.Type type, MailStack s) {
    try (ProxyServer p = start(type, s)) {
      String wrong = "wrong-" + PROXY_PASSWORD;
      ProxySettings proxy = settings(type, p, wrong);
      MailConnection mail = MailConnection.builder()
          .outbound(smtp(s, s.submissionPort(), Security.STARTTLS, proxy).build()).build();
      String subject = "must not arrive " + UUID.randomUUID();
      int before = s.messageCount(s.bob(), "INBOX");

      assertThatThrownBy(() -> Send.of(mail).send(Email.builder().to(s.bob().user()).subject(subject).text("x")
          .build()).orThrow())
          .isInstanceOfSatisfying(ConnectionException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PROXY_AUTH);
            assertThat(e.isRetriable()).isFalse();
            assertThat(e.getMessage()).contains(p.host() + ":" + p.port(), "'" + PROXY_USER + "'",
                MAIL_HOST + ":" + s.submissionPort()).doesNotContain(wrong).doesNotContain(PROXY_PASSWORD)
                .doesNotContain("\n");
          });
      EndpointReport r = check(imap(s, s.imapsPort(), Security.SSL_TLS, proxy).build());
      assertThat(r.error()).hasValueSatisfying(e -> assertThat(((ConnectionException) e).reason())
          .isEqualTo(Reason.PROXY_AUTH));
      assertThat(p.tunnels()).isEmpty();
      assertThat(s.messageCount(s.bob(), "INBOX")).isEqualTo(before);
    }
  }

  @ParameterizedTest
  @EnumSource(ProxySettings.Type.class)
  void proxyThatWantsALoginSaysSo(ProxySettings.Type type, MailStack s) {
    try (ProxyServer p = start(type, s)) {
      ProxySettings anonymous = new ProxySettings(type, p.host(), p.port(), Optional.empty(),
          Optional.empty());
      EndpointReport r = check(imap(s, s.imapsPort(), Security.SSL_TLS, anonymous).build());
      assertThat(r.error()).hasValueSatisfying(e -> {
        assertThat(((ConnectionException) e).reason()).isEqualTo(Reason.PROXY_AUTH);
        assertThat(e.getMessage()).contains("requires a login");
      });
      assertThat(p.tunnels()).isEmpty();
    }
  }

  @Test
  void httpProxyDenyingTheTargetIsRefusedAndNothingIsSent(MailStack s) {
    // CONNECT allowed to the IMAP ports only: the submission port is against the proxy's rules.
    try (ProxyServer p = ProxyServer.http(PROXY_USER, PROXY_PASSWORD, s.imapsPort())) {
      ProxySettings proxy = settings(ProxySettings.Type.HTTP, p, PROXY_PASSWORD);
      MailConnection mail = MailConnection.builder()
          .outbound(smtp(s, s.submissionPort(), Security.STARTTLS, proxy).build()).build();
      int before = s.messageCount(s.bob(), "INBOX");

      assertThatThrownBy(() -> Send.of(mail).send(Email.builder().to(s.bob().user()).subject("denied")
          .text("x").build()).orThrow())
          .isInstanceOfSatisfying(ConnectionException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PROXY_REFUSED);
            assertThat(e.isRetriable()).isFalse();
            assertThat(e.getMessage()).contains("refused the tunnel to " + MAIL_HOST + ":" + s.submissionPort(), "403",
                p.host() + ":" + p.port()).doesNotContain(PROXY_PASSWORD);
          });
      assertThat(p.tunnels()).isEmpty();
      assertThat(s.messageCount(s.bob(), "INBOX")).isEqualTo(before);
    }
  }

  @Test
  void socksProxyThatCannotReachTheTargetSaysSo(MailStack s) throws IOException {
    int closed;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = free.getLocalPort();
    }
    try (ProxyServer p = ProxyServer.socks5(PROXY_USER, PROXY_PASSWORD)) {
      EndpointReport r = check(imap(s, closed, Security.SSL_TLS, settings(ProxySettings.Type.SOCKS5, p, PROXY_PASSWORD))
          .build());
      assertThat(r.error()).hasValueSatisfying(e -> {
        assertThat(((ConnectionException) e).reason()).isEqualTo(Reason.PROXY_TARGET_UNREACHABLE);
        assertThat(e.getMessage()).contains("could not reach " + MAIL_HOST + ":" + closed, "connection refused");
      });
    }
  }

  @Test
  void certificateIsCheckedAgainstTheMailHostNotTheProxy(MailStack s) {
    // The stack's certificate names localhost and 127.0.0.1, not wrongHost: through the tunnel the
    // check must still be made against the mail host that was asked for.
    try (ProxyServer p = ProxyServer.socks5(PROXY_USER, PROXY_PASSWORD)) {
      Endpoint e = Endpoint.imap(s.wrongHost()).port(s.imapsPort()).trustedCertificates(s.ca())
          .proxy(settings(ProxySettings.Type.SOCKS5, p, PROXY_PASSWORD))
          .auth(Auth.basic(s.bob().user(), Secret.of(s.bob().password()))).build();
      EndpointReport r = check(e);
      assertThat(r.error()).hasValueSatisfying(err ->
          assertThat(((ConnectionException) err).reason()).isEqualTo(Reason.TLS_HOSTNAME));
      assertThat(p.awaitTunnels(1)).containsExactly(s.wrongHost() + ":" + s.imapsPort());
    }
  }

  @Test
  void unreachableProxyNamesTheProxy(MailStack s) throws IOException {
    int closed;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = free.getLocalPort();
    }
    ProxySettings proxy = ProxySettings.socks5("127.0.0.1", closed);
    EndpointReport r = check(imap(s, s.imapsPort(), Security.SSL_TLS, proxy).build());
    assertThat(r.error()).hasValueSatisfying(e -> {
      assertThat(((ConnectionException) e).reason()).isEqualTo(Reason.PROXY_UNREACHABLE);
      assertThat(e.isRetriable()).isTrue();
      assertThat(e.getMessage()).startsWith("IMAP " + MAIL_HOST + ":" + s.imapsPort() + ": SOCKS5 proxy 127.0.0.1:"
          + closed + " cannot be reached");
    });
  }

  @Test
  void silentProxyTimesOutDuringTheHandshake(MailStack s) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread acceptor = new Thread(() -> {
        List<Socket> held = new ArrayList<>();
        try {
          while (true) {
            held.add(silent.accept()); // accept, read nothing, answer nothing
          }
        } catch (IOException closedAtEnd) {
          held.forEach(h -> {
            try {
              h.close();
            } catch (IOException ignored) {
              // closing
            }
          });
        }
      });
      acceptor.start();
      ProxySettings proxy = ProxySettings.http("127.0.0.1", silent.getLocalPort());
      EndpointReport r = check(imap(s, s.imapsPort(), Security.SSL_TLS, proxy)
          .readTimeout(Duration.ofMillis(300)).build());
      assertThat(r.error()).hasValueSatisfying(e -> {
        assertThat(((ConnectionException) e).reason()).isEqualTo(Reason.TIMEOUT);
        assertThat(e.getMessage()).contains("HTTP proxy 127.0.0.1:" + silent.getLocalPort(), "did not answer");
      });
      silent.close();
      acceptor.join(5000);
    }
  }
}
