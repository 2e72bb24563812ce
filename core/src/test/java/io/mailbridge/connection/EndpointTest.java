package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class EndpointTest {
  private static final Auth BOB = Auth.basic("bob@example.com", Secret.of("s3cret-pass"));

  @Test
  void defaultPortsFollowProtocolAndSecurity() {
    assertThat(Endpoint.imap("h").auth(BOB).build().port()).isEqualTo(993);
    assertThat(Endpoint.imap("h").auth(BOB).security(Security.STARTTLS).build().port()).isEqualTo(143);
    assertThat(Endpoint.smtp("h").build().port()).isEqualTo(465);
    assertThat(Endpoint.smtp("h").security(Security.STARTTLS).build().port()).isEqualTo(587);
    assertThat(Endpoint.smtp("h").security(Security.NONE).allowPlaintext(true).build().port()).isEqualTo(25);
  }

  @Test
  void defaultsAreSecure() {
    Endpoint e = Endpoint.imap("imap.example.com").auth(BOB).build();
    assertThat(e.security()).isEqualTo(Security.SSL_TLS);
    assertThat(e.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(e.readTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(e.trustedCertificates()).isEmpty();
  }

  @Test
  void portOutOfRangeNamesFieldAndRange() {
    assertThatThrownBy(() -> Endpoint.smtp("h").port(70000).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("outbound.port 70000 is out of range 1-65535");
    assertThatThrownBy(() -> Endpoint.imap("h").auth(BOB).port(0).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("inbound.port 0 is out of range 1-65535");
  }

  @Test
  void plaintextNeedsExplicitOptIn() {
    assertThatThrownBy(() -> Endpoint.imap("h").auth(BOB).security(Security.NONE).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("inbound.security NONE sends credentials and mail unencrypted")
        .hasMessageContaining("allowPlaintext(true)");
  }

  @Test
  void hostMustBeABareName() {
    assertThatThrownBy(() -> Endpoint.imap(" ").auth(BOB).build())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("inbound.host is empty");
    assertThatThrownBy(() -> Endpoint.imap("imaps://imap.example.com").auth(BOB).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("inbound.host 'imaps://imap.example.com' is not a host name");
    assertThatThrownBy(() -> Endpoint.smtp("smtp.example.com\r\nRCPT TO:<x>").build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("outbound.host");
    assertThatThrownBy(() -> Endpoint.smtp("a".repeat(254)).build())
        .isInstanceOf(ConfigException.class).hasMessage("outbound.host is 254 characters long: a host name has at most 253 (RFC 1035)");
  }

  @Test
  void imapNeedsALogin() {
    assertThatThrownBy(() -> Endpoint.imap("h").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("inbound.auth is missing");
  }

  @Test
  void timeoutsMustBePositive() {
    assertThatThrownBy(() -> Endpoint.smtp("h").readTimeout(Duration.ZERO).build())
        .isInstanceOf(ConfigException.class).hasMessage("outbound.readTimeout PT0S must be positive");
    assertThatThrownBy(() -> Endpoint.smtp("h").connectTimeout(Duration.ofSeconds(-1)).build())
        .isInstanceOf(ConfigException.class).hasMessage("outbound.connectTimeout PT-1S must be positive");
  }

  @Test
  void unreadableTrustFileIsRejectedAtBuild() {
    assertThatThrownBy(() -> Endpoint.smtp("h").trustedCertificates(Path.of("/nonexistent/ca.pem")).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("outbound.trustedCertificates /nonexistent/ca.pem cannot be read: give the path of a PEM CA file");
  }

  @Test
  void secretsNeverShowInToString() {
    Endpoint e = Endpoint.imap("h").auth(BOB).build();
    assertThat(e.toString()).doesNotContain("s3cret-pass").contains("bob@example.com");
    assertThat(Secret.of("s3cret-pass").toString()).isEqualTo("***");
    assertThat(Auth.oauth2("bob", () -> Secret.of("tok-123")).toString()).doesNotContain("tok-123");
    MailConnection c = MailConnection.builder().inbound(e).build();
    assertThat(c.toString()).doesNotContain("s3cret-pass");
  }

  @Test
  void userWithLineBreakIsRejected() {
    assertThatThrownBy(() -> Auth.basic("bob\r\nA1 LOGOUT", Secret.of("x")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line break");
  }

  @Test
  void connectionNeedsAtLeastOneServerOfTheRightProtocol() {
    assertThatThrownBy(() -> MailConnection.builder().build())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("connection has neither inbound nor outbound");
    assertThatThrownBy(() -> MailConnection.builder().inbound(Endpoint.smtp("h").build()).build())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("inbound must be an IMAP endpoint");
    assertThatThrownBy(() -> MailConnection.builder().outbound(Endpoint.smtp("h").build()).build().requireInbound("receive"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("receive needs an inbound (IMAP) server");
  }
}
