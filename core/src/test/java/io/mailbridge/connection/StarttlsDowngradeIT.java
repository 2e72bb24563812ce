package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.ConnectionException;
import io.mailbridge.ConnectionException.Reason;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.CheckReport.EndpointReport;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * An attacker between Mailbridge and the server removes STARTTLS or refuses it: Mailbridge must
 * refuse to go on, and must not have sent the credentials in plain text.
 */
@RealServer
class StarttlsDowngradeIT {

  private static EndpointReport checkThrough(MailStack s, FaultProxy proxy, Endpoint.Protocol protocol) {
    Auth auth = Auth.basic(s.alice().user(), Secret.of(s.alice().password()));
    MailConnection.Builder b = MailConnection.builder();
    if (protocol == Endpoint.Protocol.IMAP) {
      b.inbound(Endpoint.imap("127.0.0.1").port(proxy.port()).security(Security.STARTTLS)
          .trustedCertificates(s.ca()).readTimeout(Duration.ofSeconds(5)).auth(auth).build());
    } else {
      b.outbound(Endpoint.smtp("127.0.0.1").port(proxy.port()).security(Security.STARTTLS)
          .trustedCertificates(s.ca()).readTimeout(Duration.ofSeconds(5)).auth(auth).build());
    }
    return b.build().check().endpoints().get(0);
  }

  private static void assertRefusedWithoutCredentials(MailStack s, FaultProxy proxy, EndpointReport r) {
    assertThat(r.ok()).isFalse();
    MailbridgeException e = r.error().orElseThrow();
    assertThat(e).isInstanceOf(ConnectionException.class);
    assertThat(((ConnectionException) e).reason()).as(e.getMessage()).isEqualTo(Reason.STARTTLS_UNAVAILABLE);
    String sent = proxy.clientSent().toUpperCase(java.util.Locale.ROOT);
    assertThat(sent).doesNotContain(" LOGIN ").doesNotContain("AUTHENTICATE").doesNotContain("AUTH PLAIN")
        .doesNotContain("AUTH LOGIN");
    assertThat(proxy.clientSent()).doesNotContain(s.alice().password());
  }

  @Test
  void imapCapabilityWithoutStarttlsIsRefused(MailStack s) {
    try (FaultProxy proxy = FaultProxy.to(s.host(), s.imapPort())) {
      proxy.rewriteServerLines(l -> l.replace(" STARTTLS", "").replace(" LOGINDISABLED", ""));
      assertRefusedWithoutCredentials(s, proxy, checkThrough(s, proxy, Endpoint.Protocol.IMAP));
    }
  }

  @Test
  void imapStarttlsAnsweredWithAnErrorIsRefused(MailStack s) {
    try (FaultProxy proxy = FaultProxy.to(s.host(), s.imapPort())) {
      proxy.interceptClientLines(l -> l.toUpperCase(java.util.Locale.ROOT).endsWith(" STARTTLS")
          ? l.substring(0, l.indexOf(' ')) + " NO STARTTLS unavailable" : null);
      EndpointReport r = checkThrough(s, proxy, Endpoint.Protocol.IMAP);
      assertThat(r.ok()).isFalse();
      assertThat(proxy.clientSent()).doesNotContain(s.alice().password());
      assertThat(proxy.clientSent().toUpperCase(java.util.Locale.ROOT)).doesNotContain(" LOGIN ");
    }
  }

  @Test
  void smtpEhloWithoutStarttlsIsRefused(MailStack s) {
    try (FaultProxy proxy = FaultProxy.to(s.host(), s.submissionPort())) {
      proxy.rewriteServerLines(l -> l.startsWith("250") && l.substring(4).startsWith("STARTTLS")
          ? l.substring(0, 4) + "X-STRIPPED" : l);
      assertRefusedWithoutCredentials(s, proxy, checkThrough(s, proxy, Endpoint.Protocol.SMTP));
    }
  }

  @Test
  void smtpStarttlsAnsweredWithAnErrorIsRefused(MailStack s) {
    try (FaultProxy proxy = FaultProxy.to(s.host(), s.submissionPort())) {
      proxy.interceptClientLines(l -> l.equalsIgnoreCase("STARTTLS") ? "454 4.7.0 TLS not available" : null);
      EndpointReport r = checkThrough(s, proxy, Endpoint.Protocol.SMTP);
      assertThat(r.ok()).isFalse();
      assertThat(proxy.clientSent()).doesNotContain(s.alice().password());
      assertThat(proxy.clientSent().toUpperCase(java.util.Locale.ROOT)).doesNotContain("AUTH ");
    }
  }

  @Test
  void droppedConnectionDuringGreetingIsAClearRetriableError(MailStack s) {
    try (FaultProxy proxy = FaultProxy.to(s.host(), s.imapsPort())) {
      proxy.dropAfterServerBytes(100); // inside the TLS handshake
      EndpointReport r = MailConnection.builder().inbound(Endpoint.imap("localhost").port(proxy.port())
          .trustedCertificates(s.ca()).readTimeout(Duration.ofSeconds(5))
          .auth(Auth.basic(s.alice().user(), Secret.of(s.alice().password()))).build()).build().check()
          .endpoints().get(0);
      assertThat(r.error()).containsInstanceOf(ConnectionException.class);
      ConnectionException e = (ConnectionException) r.error().get();
      assertThat(e.reason()).as(e.getMessage()).isIn(Reason.CLOSED, Reason.TLS_HANDSHAKE);
    }
  }
}
