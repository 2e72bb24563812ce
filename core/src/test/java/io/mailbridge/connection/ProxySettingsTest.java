package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxySettingsTest {
  private static final Secret PW = Secret.of("proxy-secret-1");

  @Test
  void parsesSocks5WithDefaultPortAndUser() {
    ProxySettings p = ProxySettings.parse("socks5://bob@proxy.example", Optional.of(PW));
    assertThat(p.type()).isEqualTo(ProxySettings.Type.SOCKS5);
    assertThat(p.host()).isEqualTo("proxy.example");
    assertThat(p.port()).isEqualTo(1080);
    assertThat(p.user()).contains("bob");
    assertThat(p.password()).contains(PW);
    assertThat(ProxySettings.parse("socks5h://[::1]:9050", Optional.empty()).address()).isEqualTo("[::1]:9050");
  }

  @Test
  void parsesHttpAndRequiresItsPort() {
    ProxySettings p = ProxySettings.parse("http://proxy.example:3128", Optional.empty());
    assertThat(p.type()).isEqualTo(ProxySettings.Type.HTTP);
    assertThat(p.port()).isEqualTo(3128);
    assertThat(p.user()).isEmpty();
    assertThatThrownBy(() -> ProxySettings.parse("http://proxy.example", Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("has no port");
  }

  @Test
  void passwordInTheUrlIsRefusedWithoutRepeatingIt() {
    assertThatThrownBy(() -> ProxySettings.parse("socks5://bob:hunter2secret@proxy.example", Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("contains a password")
        .hasMessageNotContaining("hunter2secret");
  }

  @Test
  void unsupportedSchemesAndShapesAreNamed() {
    assertThatThrownBy(() -> ProxySettings.parse("https://proxy.example:443", Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("TLS to the proxy (https://) is not supported");
    assertThatThrownBy(() -> ProxySettings.parse("ftp://proxy.example:21", Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("no supported scheme");
    assertThatThrownBy(() -> ProxySettings.parse("socks5://proxy.example:1080/path", Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not of the form socks5://[user@]host:port");
  }

  @Test
  void userAndPasswordGoTogether() {
    assertThatThrownBy(() -> ProxySettings.parse("socks5://bob@proxy.example", Optional.empty()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("proxy user 'bob' has no password");
    assertThat(ProxySettings.parse("socks5://proxy.example", Optional.of(PW)).password()).isEmpty();
    assertThatThrownBy(() -> new ProxySettings(ProxySettings.Type.SOCKS5, "p", 1, Optional.empty(), Optional.of(PW)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("proxy.password is set without proxy.user");
  }

  @Test
  void protocolLimitsOnCredentialsAreChecked() {
    assertThatThrownBy(() -> ProxySettings.http("p", 3128).withCredentials("a:b", PW))
        .isInstanceOf(ConfigException.class).hasMessageContaining("contains ':'");
    assertThatThrownBy(() -> ProxySettings.socks5("p", 1080).withCredentials("u".repeat(256), PW))
        .isInstanceOf(ConfigException.class).hasMessageContaining("255 bytes");
  }

  @Test
  void hostAndPortAreValidated() {
    assertThatThrownBy(() -> ProxySettings.socks5(" ", 1080))
        .isInstanceOf(ConfigException.class).hasMessage("proxy.host is empty: give the proxy's host name");
    assertThatThrownBy(() -> ProxySettings.socks5("proxy.example", 0))
        .isInstanceOf(ConfigException.class).hasMessage("proxy.port 0 is out of range 1-65535");
    assertThatThrownBy(() -> ProxySettings.socks5("user@proxy", 1080))
        .isInstanceOf(ConfigException.class).hasMessageContaining("is not a host name");
  }

  @Test
  void toStringIsTheUrlWithoutPasswordAndEndpointsShowIt() {
    ProxySettings p = ProxySettings.socks5("proxy.example", 1080).withCredentials("bob", PW);
    assertThat(p).hasToString("socks5://bob@proxy.example:1080");
    Endpoint e = Endpoint.imap("imap.example").auth(Auth.basic("u", Secret.of("mail-secret-1"))).proxy(p).build();
    assertThat(e.toString()).contains("socks5://bob@proxy.example:1080").doesNotContain("proxy-secret-1");
    assertThat(e.route()).isEqualTo("imap.example:993 via SOCKS5 proxy proxy.example:1080");
    assertThat(e.toBuilder().build().proxy()).contains(p);
  }
}
