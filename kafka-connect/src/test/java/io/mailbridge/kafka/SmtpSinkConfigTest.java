package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Security;
import io.mailbridge.kafka.internal.SinkSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class SmtpSinkConfigTest {
  private static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("smtp.host", "smtp.example.com");
    p.put("smtp.user", "reports@example.com");
    p.put("smtp.password", "s3cret-pw");
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        p.remove(kv[i]);
      } else {
        p.put(kv[i], kv[i + 1]);
      }
    }
    return p;
  }

  private static SinkSettings settings(String... kv) {
    return new SmtpSinkConfig(props(kv)).settings();
  }

  @Test
  void mapsTheMinimalConfigToStarttlsOn587WithTheLoginAsSenderAndDomain() {
    SinkSettings s = settings();
    Endpoint smtp = s.connection().outbound().orElseThrow();
    assertThat(smtp.host()).isEqualTo("smtp.example.com");
    assertThat(smtp.security()).isEqualTo(Security.STARTTLS);
    assertThat(smtp.port()).isEqualTo(587);
    assertThat(smtp.auth()).isInstanceOf(Auth.Basic.class);
    assertThat(((Auth.Basic) smtp.auth()).password().reveal()).isEqualTo("s3cret-pw");
    assertThat(smtp.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.defaultFrom()).isEqualTo("reports@example.com");
    assertThat(s.messageIdDomain()).isEqualTo("example.com");
    assertThat(s.send().maxAttempts()).isEqualTo(3);
    assertThat(s.send().pipelining()).isTrue();
    assertThat(s.send().chunking()).as("the library's default: BDAT in flight").isTrue();
    assertThat(s.redeliveryBackoff()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void chunkingCanBeTurnedOffAndNeedsPipelining() {
    assertThat(settings("send.chunking", "false").send().chunking()).isFalse();
    assertThat(settings("send.chunking", "false").send().pipelining()).isTrue();
    // Pipelining off alone keeps to one command at a time: the default chunking follows it.
    assertThat(settings("send.pipelining", "false").send().chunking()).isFalse();
    assertThatThrownBy(() -> settings("send.pipelining", "false", "send.chunking", "true"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("send.chunking=true needs send.pipelining=true (BDAT transactions in flight are pipelined): set "
            + "send.pipelining=true, or remove send.chunking");
    assertThatThrownBy(() -> settings("send.chunking", "sometimes"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("send.chunking");
  }

  @Test
  void mapsEveryKey() {
    SinkSettings s = settings("smtp.security", "SSL_TLS", "smtp.port", "2465", "smtp.connect.timeout.ms", "1500",
        "smtp.read.timeout.ms", "2500", "mail.from.default", "Ops <ops@ops.example.org>", "send.max.attempts", "5",
        "send.backoff.ms", "10", "send.max.backoff.ms", "20", "retry.backoff.ms", "30", "send.pipelining", "false");
    Endpoint smtp = s.connection().outbound().orElseThrow();
    assertThat(smtp.security()).isEqualTo(Security.SSL_TLS);
    assertThat(smtp.port()).isEqualTo(2465);
    assertThat(smtp.readTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.defaultFrom()).isEqualTo("Ops <ops@ops.example.org>");
    assertThat(s.messageIdDomain()).as("from mail.from.default").isEqualTo("ops.example.org");
    assertThat(s.send().maxAttempts()).isEqualTo(5);
    assertThat(s.send().maxBackoff()).isEqualTo(Duration.ofMillis(20));
    assertThat(s.redeliveryBackoff()).isEqualTo(Duration.ofMillis(30));
    assertThat(s.send().pipelining()).isFalse();
  }

  @Test
  void neverShowsThePassword() {
    assertThat(settings().toString()).doesNotContain("s3cret-pw");
    assertThat(new SmtpSinkConfig(props()).toString()).doesNotContain("s3cret-pw");
  }

  @Test
  void refusesPlainTextWithoutTheOptIn() {
    assertThatThrownBy(() -> settings("smtp.security", "none"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("smtp.security=none sends the login and mail unencrypted: use starttls or ssl_tls, or set "
            + "smtp.allow.plaintext=true if this is really wanted");
    assertThat(settings("smtp.security", "none", "smtp.allow.plaintext", "true").connection().outbound().orElseThrow()
        .port()).isEqualTo(25);
  }

  @Test
  void refusesAMissingHostAnUnknownSecurityAndAPortOutOfRange() {
    assertThatThrownBy(() -> settings("smtp.host", null))
        .isInstanceOf(ConfigException.class).hasMessageContaining("\"smtp.host\"");
    assertThatThrownBy(() -> settings("smtp.security", "tls"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.security").hasMessageContaining("SSL_TLS, STARTTLS, NONE");
    assertThatThrownBy(() -> settings("smtp.port", "70000"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.port").hasMessageContaining("65535");
    assertThatThrownBy(() -> settings("smtp.host", "smtp://smtp.example.com"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("smtp.* settings rejected: smtp.host "
            + "'smtp://smtp.example.com' is not a host name");
  }

  @Test
  void refusesAUserWithoutPasswordAndAPasswordWithoutUser() {
    assertThatThrownBy(() -> settings("smtp.password", null))
        .isInstanceOf(ConfigException.class)
        .hasMessage("smtp.password is missing for smtp.user=reports@example.com: give the password (e.g. with a config "
            + "provider), or clear smtp.user for a relay without AUTH");
    assertThatThrownBy(() -> settings("smtp.user", ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage("smtp.password is set but smtp.user is empty: give the login for the password, or remove the "
            + "password for a relay without AUTH");
    assertThat(settings("smtp.user", "", "smtp.password", null, "message.id.domain", "example.com").connection()
        .outbound().orElseThrow().auth()).isEqualTo(Auth.none());
  }

  @Test
  void refusesAnUnreadableCaFile() {
    assertThatThrownBy(() -> settings("smtp.ca.file", "/nonexistent/ca.pem"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("smtp.ca.file /nonexistent/ca.pem cannot be read: give the path of a PEM CA file readable by the "
            + "Connect worker, or leave it empty for the JVM's trust store");
  }

  @Test
  void needsADomainForMessageIds() {
    assertThatThrownBy(() -> settings("smtp.user", "reports", "message.id.domain", ""))
        .isInstanceOf(ConfigException.class)
        .hasMessage("message.id.domain is empty and no domain can be taken from mail.from.default or smtp.user: set "
            + "message.id.domain (e.g. example.com)");
    assertThatThrownBy(() -> settings("message.id.domain", "exa mple.com"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("message.id.domain 'exa mple.com' is not a domain name: give e.g. example.com");
  }

  @Test
  void refusesAMaxBackoffBelowTheBackoff() {
    assertThatThrownBy(() -> settings("send.backoff.ms", "5000", "send.max.backoff.ms", "100"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("send.max.backoff.ms 100 is below send.backoff.ms 5000: raise send.max.backoff.ms");
  }

  @Test
  void connectorStartFailsFastAndValidateNamesTheKeyAtFault() {
    assertThatThrownBy(() -> new SmtpSinkConnector().start(props("smtp.security", "none")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("smtp.security=none");

    Config result = new SmtpSinkConnector().validate(props("smtp.security", "none"));
    ConfigValue security = result.configValues().stream().filter(v -> v.name().equals("smtp.security")).findFirst()
        .orElseThrow();
    assertThat(security.errorMessages()).singleElement().asString().startsWith("smtp.security=none");
    assertThat(result.configValues().stream().filter(v -> !v.name().equals("smtp.security"))
        .allMatch(v -> v.errorMessages().isEmpty())).isTrue();

    assertThat(new SmtpSinkConnector().validate(props("validate.connection.timeout.ms", "0")).configValues())
        .allMatch(v -> v.errorMessages().isEmpty());
  }

  @Test
  void reportsTheBuildVersion() {
    assertThat(new SmtpSinkConnector().version()).isNotBlank().isNotEqualTo("unknown");
  }

  @Test
  void lineBreaksInHeaderBoundSettingsAreRefusedAtConfigTime() {
    assertThatThrownBy(() -> settings("mail.from.default", "ops@example.com\r\nBcc: everyone@example.org"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("mail.from.default contains a control character");
    assertThatThrownBy(() -> settings("smtp.user", "ops@example.com\r\nRCPT TO:<x@example.org>"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("line break");
    assertThatThrownBy(() -> new SmtpSinkConfig(props("smtp.host", "smtp.example.com\r\nQUIT")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.host");
    assertThatThrownBy(() -> settings("message.id.domain", "example.com>\r\nX-Evil: 1"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("message.id.domain");
  }

  @Test
  void malformedOrSeveralSendersAreRefused() {
    assertThatThrownBy(() -> settings("mail.from.default", "not an address <"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not an e-mail address");
    assertThatThrownBy(() -> settings("mail.from.default", "a@example.com, b@example.com"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("holds 2 addresses");
  }

  @Test
  void oversizedValuesAreRefusedWithTheLimit() {
    String host = "h".repeat(300) + ".example.com";
    assertThatThrownBy(() -> settings("smtp.host", host))
        .isInstanceOf(ConfigException.class).hasMessageContaining("smtp.host is 312 characters long");
    String from = "x".repeat(2000) + "@example.com";
    assertThatThrownBy(() -> settings("mail.from.default", from))
        .isInstanceOf(ConfigException.class).hasMessageContaining("at most 998");
  }

  @Test
  void mapsTheProxyKeysAndNeverShowsTheProxyPassword() {
    SinkSettings s = settings("smtp.proxy", "socks5://relay@proxy.example.com", "smtp.proxy.password", "px-s3cret");
    Endpoint smtp = s.connection().outbound().orElseThrow();
    assertThat(smtp.proxy()).hasValueSatisfying(p -> {
      assertThat(p.type()).isEqualTo(io.mailbridge.connection.ProxySettings.Type.SOCKS5);
      assertThat(p.address()).isEqualTo("proxy.example.com:1080");
      assertThat(p.user()).contains("relay");
      assertThat(p.password().orElseThrow().reveal()).isEqualTo("px-s3cret");
    });
    assertThat(s.toString()).doesNotContain("px-s3cret");
    assertThat(settings().connection().outbound().orElseThrow().proxy()).as("default: direct").isEmpty();
  }

  @Test
  void aBadProxyIsReportedOnTheProxyKey() {
    assertThatThrownBy(() -> settings("smtp.proxy", "socks5://relay@proxy.example.com"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("smtp.proxy rejected: proxy user 'relay' has no password: give the proxy password separately "
            + "(never inside the URL)");
    Config result = new SmtpSinkConnector().validate(props("smtp.proxy", "http://proxy.example.com"));
    ConfigValue proxy = result.configValues().stream().filter(v -> v.name().equals("smtp.proxy")).findFirst()
        .orElseThrow();
    assertThat(proxy.errorMessages()).singleElement().asString().contains("has no port");
  }

  @Test
  void skipIfAlreadySentLooksInTheSentFolderOfTheSmtpLoginByDefault() {
    SinkSettings s = settings("sent.copy", "true", "skip.if.already.sent", "true");
    assertThat(s.send().copyToSent()).isTrue();
    assertThat(s.send().skipIfAlreadySent()).isTrue();
    assertThat(s.send().sentFolder()).isEmpty();
    io.mailbridge.connection.Endpoint imap = s.connection().inbound().orElseThrow();
    assertThat(imap.host()).isEqualTo("smtp.example.com");
    assertThat(imap.port()).isEqualTo(993);
    assertThat(imap.auth().user()).isEqualTo("reports@example.com");

    SinkSettings own = settings("skip.if.already.sent", "true", "sent.folder", "Outbox/Sent", "imap.host",
        "imap.example.com", "imap.port", "143", "imap.security", "starttls", "imap.user", "archive@example.com",
        "imap.password", "other-pw");
    assertThat(own.send().copyToSent()).isFalse();
    assertThat(own.send().sentFolder()).contains("Outbox/Sent");
    assertThat(own.connection().inbound().orElseThrow().address()).isEqualTo("imap.example.com:143");
    assertThat(own.connection().inbound().orElseThrow().auth().user()).isEqualTo("archive@example.com");
    assertThat(own.toString()).doesNotContain("other-pw").doesNotContain("s3cret-pw");

    assertThat(settings().connection().inbound()).as("no IMAP server without sent.copy or skip").isEmpty();
  }

  @Test
  void theSentFolderNeedsAnImapLogin() {
    assertThatThrownBy(() -> settings("skip.if.already.sent", "true", "smtp.user", null, "smtp.password", null,
        "mail.from.default", "reports@example.com"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("imap.user is missing");
    assertThatThrownBy(() -> settings("sent.copy", "true", "imap.user", "archive@example.com"))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("imap.password is missing");
  }
}
