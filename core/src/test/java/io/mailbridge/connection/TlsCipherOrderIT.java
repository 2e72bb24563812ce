package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.CheckReport.EndpointReport;
import io.mailbridge.connection.internal.TlsSockets;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI's launcher offers ChaCha20-Poly1305 first (fast before the JIT's C2 compiler reaches the
 * JDK's AES-GCM code): the real Dovecot and Postfix then choose it, over implicit TLS and STARTTLS;
 * without the setting the JDK's own order stands (AES-GCM first).
 */
@RealServer
class TlsCipherOrderIT {
  @AfterEach
  void clear() {
    System.clearProperty(TlsSockets.CHACHA20_FIRST_PROPERTY);
  }

  private static List<String> ciphers(MailStack s) {
    Auth auth = Auth.basic(s.alice().user(), Secret.of(s.alice().password()));
    CheckReport report = MailConnection.builder()
        .inbound(Endpoint.imap(s.host()).port(s.imapsPort()).security(Security.SSL_TLS).trustedCertificates(s.ca())
            .auth(auth).build())
        .outbound(Endpoint.smtp(s.host()).port(s.submissionPort()).security(Security.STARTTLS)
            .trustedCertificates(s.ca()).auth(auth).build())
        .build().check();
    return report.endpoints().stream().map(r -> {
      assertThat(r.error()).isEmpty();
      return r.cipherSuite().orElseThrow();
    }).toList();
  }

  @Test
  void chacha20FirstIsWhatTheServersChoose(MailStack s) {
    System.setProperty(TlsSockets.CHACHA20_FIRST_PROPERTY, "true");
    assertThat(ciphers(s)).hasSize(2).allMatch(c -> c.contains("CHACHA20_POLY1305"));
  }

  @Test
  void withoutItTheJdkOrderStands(MailStack s) {
    assertThat(ciphers(s)).hasSize(2).allMatch(c -> c.contains("AES") && c.contains("GCM"));
  }
}
