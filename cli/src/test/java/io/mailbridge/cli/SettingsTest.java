package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.ProxySettings;
import io.mailbridge.connection.Security;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
  @TempDir
  Path dir;

  private Path yaml() throws Exception {
    Path f = dir.resolve("mailbridge.yaml");
    Files.writeString(f, """
        profiles:
          default:
            user: file-user@example.com
            passwordFile: %s
            imap: { host: imap.file.example, port: 1993, security: ssl_tls }
            smtp: { host: smtp.file.example, security: starttls }
          work:
            user: work@example.com
            password: from-yaml
            imap: { host: imap.work.example }
        """.formatted(dir.resolve("pw")));
    Files.writeString(dir.resolve("pw"), "file-secret\n");
    return f;
  }

  @Test
  void flagsBeatEnvironmentBeatFile() throws Exception {
    Path f = yaml();
    Map<String, String> env = Map.of("MAILBRIDGE_IMAP_HOST", "imap.env.example", "MAILBRIDGE_IMAP_PORT", "2993",
        "HOME", dir.toString());
    Settings s = Settings.resolve(Map.of("imap.port", "3993"), env, Optional.of(f), Optional.empty());
    assertThat(s.get("imap.host")).contains("imap.env.example");
    assertThat(s.origin("imap.host")).isEqualTo("environment MAILBRIDGE_IMAP_HOST");
    assertThat(s.get("imap.port")).contains("3993");
    assertThat(s.origin("imap.port")).isEqualTo("flag");
    assertThat(s.get("user")).contains("file-user@example.com");
    assertThat(s.origin("user")).contains("profile default");

    MailConnection c = s.connection(true, true);
    Endpoint imap = c.inbound().orElseThrow();
    assertThat(imap.host()).isEqualTo("imap.env.example");
    assertThat(imap.port()).isEqualTo(3993);
    assertThat(((Auth.Basic) imap.auth()).password().reveal()).isEqualTo("file-secret");
    Endpoint smtp = c.outbound().orElseThrow();
    assertThat(smtp.security()).isEqualTo(Security.STARTTLS);
    assertThat(smtp.port()).isEqualTo(587);
  }

  @Test
  void profileFromFlagOrEnvironment() throws Exception {
    Path f = yaml();
    Settings byEnv = Settings.resolve(Map.of(), Map.of("MAILBRIDGE_PROFILE", "work"), Optional.of(f), Optional.empty());
    assertThat(byEnv.get("imap.host")).contains("imap.work.example");
    assertThatThrownBy(() -> Settings.resolve(Map.of(), Map.of(), Optional.of(f), Optional.of("nope")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("has no profile 'nope'");
  }

  @Test
  void environmentNamesMapToKeys() {
    assertThat(Settings.envToKey("IMAP_HOST")).isEqualTo("imap.host");
    assertThat(Settings.envToKey("PASSWORD_FILE")).isEqualTo("passwordFile");
    assertThat(Settings.envToKey("SMTP_USER")).isEqualTo("smtp.user");
    assertThat(Settings.envToKey("CA_FILE")).isEqualTo("caFile");
    assertThat(Settings.envToKey("IMAP_READ_TIMEOUT")).isEqualTo("imap.readTimeout");
  }

  @Test
  void passwordComesFromEnvironmentWhenNoFile() {
    Settings s = Settings.resolve(Map.of("imap.host", "h", "user", "u"), Map.of("MAILBRIDGE_PASSWORD", "env-secret"),
        Optional.empty(), Optional.empty());
    Auth.Basic auth = (Auth.Basic) s.connection(true, false).inbound().orElseThrow().auth();
    assertThat(auth.password().reveal()).isEqualTo("env-secret");
  }

  @Test
  void missingPiecesAreNamedWithTheFix() {
    Map<String, String> noHome = Map.of("HOME", dir.toString());
    assertThatThrownBy(() -> Settings.resolve(Map.of(), noHome, Optional.empty(), Optional.empty()).connection(true, false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--imap-host");
    assertThatThrownBy(() -> Settings.resolve(Map.of("imap.host", "h", "user", "u"), noHome, Optional.empty(),
        Optional.empty()).connection(true, false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("MAILBRIDGE_PASSWORD").hasMessageContaining("--password-file");
    assertThatThrownBy(() -> Settings.resolve(Map.of("imap.host", "h", "imap.security", "ssl3"), noHome,
        Optional.empty(), Optional.empty()).connection(true, false))
        .isInstanceOf(ConfigException.class).hasMessage("imap.security 'ssl3' is not one of ssl_tls, starttls, none");
  }

  @Test
  void badYamlIsAClearError() throws Exception {
    Path f = dir.resolve("bad.yaml");
    Files.writeString(f, "profiles: [unclosed");
    assertThatThrownBy(() -> Settings.resolve(Map.of(), Map.of(), Optional.of(f), Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not valid YAML");
  }

  @Test
  void durationsInFriendlyUnits() {
    assertThat(Settings.parseDuration("t", "30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(Settings.parseDuration("t", "500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Settings.parseDuration("t", "2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Settings.parseDuration("t", "PT5S")).isEqualTo(Duration.ofSeconds(5));
    assertThatThrownBy(() -> Settings.parseDuration("imap.readTimeout", "soon"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("imap.readTimeout 'soon' is not a duration");
  }

  @Test
  void proxyFromEnvironmentAppliesToBothServersWithItsPasswordFromTheEnvironment() {
    Map<String, String> env = Map.of("MAILBRIDGE_IMAP_HOST", "imap.example", "MAILBRIDGE_SMTP_HOST", "smtp.example",
        "MAILBRIDGE_USER", "u@example.com", "MAILBRIDGE_PASSWORD", "mail-secret",
        "MAILBRIDGE_PROXY", "socks5://px@proxy.example", "MAILBRIDGE_PROXY_PASSWORD", "proxy-secret",
        "HOME", dir.toString());
    MailConnection c = Settings.resolve(Map.of(), env, Optional.empty(), Optional.empty()).connection(true, true);
    for (Endpoint e : java.util.List.of(c.inbound().orElseThrow(), c.outbound().orElseThrow())) {
      ProxySettings p = e.proxy().orElseThrow();
      assertThat(p.type()).isEqualTo(ProxySettings.Type.SOCKS5);
      assertThat(p.address()).isEqualTo("proxy.example:1080");
      assertThat(p.user()).contains("px");
      assertThat(p.password().orElseThrow().reveal()).isEqualTo("proxy-secret");
      assertThat(e.toString()).doesNotContain("proxy-secret");
    }
  }

  @Test
  void proxyFlagBeatsProfileAndOneServerCanGoDirect() throws Exception {
    Path f = dir.resolve("mailbridge.yaml");
    Files.writeString(dir.resolve("proxy-pw"), "from-file\n");
    Files.writeString(f, """
        profiles:
          default:
            user: u@example.com
            password: mail-secret
            proxy: socks5://px@profile-proxy.example:1080
            proxyPasswordFile: %s
            imap: { host: imap.example }
            smtp: { host: smtp.example, proxy: none }
        """.formatted(dir.resolve("proxy-pw")));
    Map<String, String> env = Map.of("HOME", dir.toString());
    MailConnection fromProfile = Settings.resolve(Map.of(), env, Optional.of(f), Optional.empty())
        .connection(true, true);
    assertThat(fromProfile.inbound().orElseThrow().proxy()).hasValueSatisfying(p -> {
      assertThat(p.host()).isEqualTo("profile-proxy.example");
      assertThat(p.password().orElseThrow().reveal()).isEqualTo("from-file");
    });
    assertThat(fromProfile.outbound().orElseThrow().proxy()).isEmpty();

    MailConnection fromFlag = Settings.resolve(Map.of("proxy", "http://flag-proxy.example:3128"), env, Optional.of(f),
        Optional.empty()).connection(true, false);
    assertThat(fromFlag.inbound().orElseThrow().proxy()).hasValueSatisfying(p -> {
      assertThat(p.type()).isEqualTo(ProxySettings.Type.HTTP);
      assertThat(p.address()).isEqualTo("flag-proxy.example:3128");
    });
  }

  @Test
  void proxyUserWithoutPasswordIsAClearError() {
    Map<String, String> env = Map.of("MAILBRIDGE_IMAP_HOST", "imap.example", "MAILBRIDGE_USER", "u@example.com",
        "MAILBRIDGE_PASSWORD", "mail-secret", "HOME", dir.toString());
    assertThatThrownBy(() -> Settings.resolve(Map.of("proxy", "socks5://px@proxy.example"), env, Optional.empty(),
        Optional.empty()).connection(true, false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("proxy user 'px' has no password")
        .hasMessageContaining("proxy from flag")
        .hasMessageContaining("MAILBRIDGE_PROXY_PASSWORD");
  }

  @Test
  void proxyWithoutSchemeOrPortIsAClearError() {
    Map<String, String> env = Map.of("MAILBRIDGE_IMAP_HOST", "imap.example", "MAILBRIDGE_USER", "u@example.com",
        "MAILBRIDGE_PASSWORD", "mail-secret", "HOME", dir.toString());
    assertThatThrownBy(() -> Settings.resolve(Map.of("proxy", "proxy.example:1080"), env, Optional.empty(),
        Optional.empty()).connection(true, false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("use socks5://host:port or http://host:port");
    assertThatThrownBy(() -> Settings.resolve(Map.of("proxy", "http://proxy.example"), env, Optional.empty(),
        Optional.empty()).connection(true, false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("has no port");
  }

  @Test
  void imapAuthChoosesHowThePasswordIsSent() throws Exception {
    Path f = yaml();
    Map<String, String> env = Map.of("HOME", dir.toString());
    Settings login = Settings.resolve(Map.of("imap.auth", "login"), env, Optional.of(f), Optional.empty());
    MailConnection c = login.connection(true, true);
    assertThat(((Auth.Basic) c.inbound().orElseThrow().auth()).mechanism()).isEqualTo(Auth.Basic.Mechanism.LOGIN);
    assertThat(((Auth.Basic) c.inbound().orElseThrow().auth()).password().reveal()).isEqualTo("file-secret");
    assertThat(((Auth.Basic) c.outbound().orElseThrow().auth()).mechanism()).as("SMTP keeps its default")
        .isEqualTo(Auth.Basic.Mechanism.AUTO);
    Settings plain = Settings.resolve(Map.of("imap.auth", "PLAIN"), env, Optional.of(f), Optional.empty());
    assertThat(((Auth.Basic) plain.connection(true, false).inbound().orElseThrow().auth()).mechanism())
        .isEqualTo(Auth.Basic.Mechanism.PLAIN);
    Settings none = Settings.resolve(Map.of(), env, Optional.of(f), Optional.empty());
    assertThat(((Auth.Basic) none.connection(true, false).inbound().orElseThrow().auth()).mechanism())
        .isEqualTo(Auth.Basic.Mechanism.AUTO);
  }

  @Test
  void unknownImapAuthNamesTheFlagAndTheChoices() throws Exception {
    Path f = yaml();
    Settings s = Settings.resolve(Map.of("imap.auth", "cram-md5"), Map.of("HOME", dir.toString()), Optional.of(f),
        Optional.empty());
    assertThatThrownBy(() -> s.connection(true, false)).isInstanceOf(ConfigException.class)
        .hasMessage("imap.auth (--imap-auth) 'cram-md5' is not one of password, login, plain, oauth2, xoauth2, oauthbearer");
  }
}
