package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.mailbridge.ConnectionException;
import io.mailbridge.ConnectionException.Reason;
import io.mailbridge.testkit.TlsTestServer;
import io.mailbridge.testkit.TlsTestServer.Flaw;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificates and protocol versions a careful client must refuse, unless trusted explicitly. */
class CertificateIT {
  @TempDir
  Path dir;

  @BeforeAll
  static void needsOpenssl() {
    assumeTrue(TlsTestServer.available(), "the openssl command is needed to generate test certificates");
  }

  private static ConnectionException check(int port, Optional<Path> trust) {
    Endpoint.Builder b = Endpoint.imap("localhost").port(port).readTimeout(Duration.ofMillis(1500))
        .auth(Auth.basic("alice", Secret.of("pw")));
    trust.ifPresent(b::trustedCertificates);
    CheckReport.EndpointReport r = MailConnection.builder().inbound(b.build()).build().check().endpoints().get(0);
    assertThat(r.error()).containsInstanceOf(ConnectionException.class);
    return (ConnectionException) r.error().get();
  }

  @Test
  void expiredCertificateIsRefusedEvenFromATrustedCa() {
    try (TlsTestServer server = TlsTestServer.start(Flaw.EXPIRED_CERTIFICATE, dir)) {
      ConnectionException e = check(server.port(), Optional.of(server.trustAnchor()));
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.TLS_UNTRUSTED);
      assertThat(e.getMessage()).contains("expired");
    }
  }

  @Test
  void selfSignedCertificateIsRefusedUnlessTrustedExplicitly() {
    try (TlsTestServer server = TlsTestServer.start(Flaw.SELF_SIGNED, dir)) {
      ConnectionException refused = check(server.port(), Optional.empty());
      assertThat(refused.reason()).as(refused.getMessage()).isEqualTo(Reason.TLS_UNTRUSTED);
      // Trusting the certificate itself gets past TLS; the test server then never greets.
      ConnectionException trusted = check(server.port(), Optional.of(server.trustAnchor()));
      assertThat(trusted.reason()).as(trusted.getMessage()).isEqualTo(Reason.TIMEOUT);
    }
  }

  @Test
  void tls11OnlyServerIsRefused() {
    try (TlsTestServer server = TlsTestServer.start(Flaw.TLS_1_1_ONLY, dir)) {
      ConnectionException e = check(server.port(), Optional.of(server.trustAnchor()));
      assertThat(e.reason()).as(e.getMessage()).isEqualTo(Reason.TLS_HANDSHAKE);
    }
  }
}
