package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.AuthException;
import io.mailbridge.ConnectionException;
import io.mailbridge.ConnectionException.Reason;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.CheckReport.EndpointReport;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

@RealServer
class ConnectionCheckIT {

  private static Endpoint.Builder imap(MailStack s, int port, Security security) {
    return Endpoint.imap(s.host()).port(port).security(security).trustedCertificates(s.ca())
        .auth(Auth.basic(s.alice().user(), Secret.of(s.alice().password())));
  }

  private static Endpoint.Builder smtp(MailStack s, int port, Security security) {
    return Endpoint.smtp(s.host()).port(port).security(security).trustedCertificates(s.ca())
        .auth(Auth.basic(s.alice().user(), Secret.of(s.alice().password())));
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

  private static void assertSecure(EndpointReport r) {
    assertThat(r.error()).isEmpty();
    assertThat(r.ok()).isTrue();
    assertThat(r.tlsProtocol()).hasValueSatisfying(v -> assertThat(v).isIn("TLSv1.2", "TLSv1.3"));
    assertThat(r.cipherSuite()).hasValueSatisfying(v -> assertThat(v).startsWith("TLS_"));
    assertThat(r.roundTrip()).isPositive();
  }

  @Test
  void imapsCheckReportsTlsAndCapabilities(MailStack s) {
    EndpointReport r = check(imap(s, s.imapsPort(), Security.SSL_TLS).build());
    assertSecure(r);
    assertThat(r.greeting()).startsWith("* OK");
    assertThat(r.capabilities()).contains("IDLE", "MOVE", "UIDPLUS", "CONDSTORE", "SPECIAL-USE");
    assertThat(r.user()).isEqualTo(s.alice().user());
  }

  @Test
  void imapStarttlsUpgradesBeforeLogin(MailStack s) {
    EndpointReport r = check(imap(s, s.imapPort(), Security.STARTTLS).build());
    assertSecure(r);
    assertThat(r.capabilities()).contains("IDLE", "MOVE");
  }

  @Test
  void smtpsCheckReportsExtensions(MailStack s) {
    EndpointReport r = check(smtp(s, s.smtpsPort(), Security.SSL_TLS).build());
    assertSecure(r);
    assertThat(r.greeting()).startsWith("220 ");
    assertThat(r.capabilities()).anyMatch(c -> c.startsWith("SIZE"))
        .contains("PIPELINING", "8BITMIME").anyMatch(c -> c.startsWith("AUTH") && c.contains("PLAIN"));
  }

  @Test
  void submissionStarttlsCheckReportsExtensionsAfterUpgrade(MailStack s) {
    EndpointReport r = check(smtp(s, s.submissionPort(), Security.STARTTLS).build());
    assertSecure(r);
    // The EHLO after STARTTLS is the one that counts: AUTH is only offered there.
    assertThat(r.capabilities()).anyMatch(c -> c.startsWith("AUTH")).doesNotContain("STARTTLS");
  }

  @Test
  void wrongPasswordIsAnAuthErrorWithoutThePassword(MailStack s) {
    String wrong = "not-" + s.alice().password();
    EndpointReport r = check(imap(s, s.imapsPort(), Security.SSL_TLS)
        .auth(Auth.basic(s.alice().user(), Secret.of(wrong))).build());
    assertThat(r.error()).containsInstanceOf(AuthException.class);
    MailbridgeException e = r.error().get();
    assertThat(e.getMessage()).contains("login rejected for '" + s.alice().user() + "'")
        .contains(s.host() + ":" + s.imapsPort()).doesNotContain(wrong);
    assertThat(e.isRetriable()).isFalse();

    EndpointReport smtp = check(smtp(s, s.submissionPort(), Security.STARTTLS)
        .auth(Auth.basic(s.alice().user(), Secret.of(wrong))).build());
    assertThat(smtp.error()).containsInstanceOf(AuthException.class);
    assertThat(smtp.error().get().getMessage()).doesNotContain(wrong);
  }

  @Test
  void untrustedCertificateIsRefused(MailStack s) {
    // The JDK's default trust store does not know the stack's private CA.
    Endpoint e = Endpoint.imap(s.host()).port(s.imapsPort())
        .auth(Auth.basic(s.alice().user(), Secret.of(s.alice().password()))).build();
    assertReason(check(e), Reason.TLS_UNTRUSTED, "not trusted");
    Endpoint sub = Endpoint.smtp(s.host()).port(s.submissionPort()).security(Security.STARTTLS)
        .auth(Auth.basic(s.alice().user(), Secret.of(s.alice().password()))).build();
    assertReason(check(sub), Reason.TLS_UNTRUSTED, "not trusted");
  }

  @Test
  void wrongHostNameIsRefused(MailStack s) {
    Endpoint e = imap(s, s.imapsPort(), Security.SSL_TLS).host(s.wrongHost()).build();
    assertReason(check(e), Reason.TLS_HOSTNAME, "not issued for '" + s.wrongHost() + "'");
    Endpoint sub = smtp(s, s.submissionPort(), Security.STARTTLS).host(s.wrongHost()).build();
    assertReason(check(sub), Reason.TLS_HOSTNAME, "not issued for");
  }

  @Test
  void theTlsWarmUpLeavesTheHostNameCheckAsStrict(MailStack s) throws Exception {
    MailConnection.warmUpTls().join(); // the JDK's table of public CAs is ready before the handshake
    Endpoint e = imap(s, s.imapsPort(), Security.SSL_TLS).host(s.wrongHost()).build();
    assertReason(check(e), Reason.TLS_HOSTNAME, "not issued for '" + s.wrongHost() + "'");
    assertThat(check(imap(s, s.imapsPort(), Security.SSL_TLS).build()).ok()).isTrue();
  }

  @Test
  void smtpServerWithoutStarttlsIsRefusedNotUsedInPlainText(MailStack s) {
    // The stack's injection port offers no STARTTLS.
    Endpoint e = smtp(s, s.smtpPort(), Security.STARTTLS).build();
    assertReason(check(e), Reason.STARTTLS_UNAVAILABLE, "does not offer STARTTLS");
  }

  @Test
  void tlsOnAPlainPortIsAHandshakeError(MailStack s) {
    Endpoint e = smtp(s, s.smtpPort(), Security.SSL_TLS).readTimeout(Duration.ofSeconds(5)).build();
    EndpointReport r = check(e);
    assertThat(r.error()).containsInstanceOf(ConnectionException.class);
    assertThat(((ConnectionException) r.error().get()).reason()).isIn(Reason.TLS_HANDSHAKE, Reason.TIMEOUT);
  }

  @Test
  void refusedPortAndUnknownHostHaveTheirOwnReasons(MailStack s) {
    assertReason(check(imap(s, freePort(), Security.SSL_TLS).build()), Reason.REFUSED, "refused");
    assertReason(check(imap(s, 993, Security.SSL_TLS).host("no-such-host.invalid").build()),
        Reason.UNKNOWN_HOST, "'no-such-host.invalid' is unknown");
  }

  @Test
  void silentServerTimesOut(MailStack s) throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread t = new Thread(() -> {
        try (Socket ignored = silent.accept()) {
          Thread.sleep(5000);
        } catch (IOException | InterruptedException e) {
          // done
        }
      });
      t.setDaemon(true);
      t.start();
      Endpoint e = imap(s, silent.getLocalPort(), Security.STARTTLS).host("127.0.0.1")
          .readTimeout(Duration.ofMillis(500)).build();
      assertReason(check(e), Reason.TIMEOUT, "no answer within the timeout");
    }
  }

  private static void assertReason(EndpointReport r, Reason reason, String text) {
    assertThat(r.ok()).isFalse();
    assertThat(r.error()).containsInstanceOf(ConnectionException.class);
    ConnectionException e = (ConnectionException) r.error().get();
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage()).contains(text);
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
