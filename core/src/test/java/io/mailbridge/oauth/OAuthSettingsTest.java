package io.mailbridge.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Secret;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class OAuthSettingsTest {
  @Test
  void googlePresetAsksForOfflineAccessAndTheMailScope() {
    OAuthSettings s = OAuthSettings.google().clientId("id").clientSecret(Secret.of("shh")).build();
    assertThat(s.tokenEndpoint()).isEqualTo(URI.create("https://oauth2.googleapis.com/token"));
    assertThat(s.scopes()).contains("https://mail.google.com/");
    assertThat(s.extraAuthorizationParameters()).containsEntry("access_type", "offline");
    assertThat(s.revocationEndpoint()).isPresent();
    assertThat(s.refreshSkew()).isEqualTo(Duration.ofSeconds(60));
    assertThat(s.toString()).doesNotContain("shh");
  }

  @Test
  void microsoftPresetUsesTheTenantAndAppOnlyScopeForClientCredentials() {
    OAuthSettings user = OAuthSettings.microsoft("contoso.onmicrosoft.com").clientId("id").build();
    assertThat(user.tokenEndpoint().toString())
        .isEqualTo("https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token");
    assertThat(user.scopes()).contains("https://outlook.office.com/IMAP.AccessAsUser.All", "offline_access");
    assertThat(user.clientSecret()).isEmpty();
    OAuthSettings app = OAuthSettings.microsoft("common").grant(OAuthSettings.Grant.CLIENT_CREDENTIALS)
        .clientId("id").clientSecret(Secret.of("s")).build();
    assertThat(app.scopes()).containsExactly("https://outlook.office365.com/.default");
    assertThatThrownBy(() -> OAuthSettings.microsoft("a/b")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("oauth2.tenant 'a/b'");
  }

  @Test
  void validationNamesTheFieldAndTheFix() {
    assertThatThrownBy(() -> OAuthSettings.google().build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("oauth2.clientId is missing");
    assertThatThrownBy(() -> OAuthSettings.builder().clientId("x").build())
        .hasMessageContaining("oauth2.tokenEndpoint is missing");
    assertThatThrownBy(() -> OAuthSettings.builder().clientId("x").tokenEndpoint(URI.create("https://t/")).build())
        .hasMessageContaining("oauth2.authorizationEndpoint is missing for the authorization_code grant");
    assertThatThrownBy(() -> OAuthSettings.builder().clientId("x").tokenEndpoint(URI.create("https://t/"))
        .grant(OAuthSettings.Grant.CLIENT_CREDENTIALS).build())
        .hasMessageContaining("client_credentials grant needs the application's client secret");
    assertThatThrownBy(() -> OAuthSettings.google().clientId("x").redirectPort(70000).build())
        .hasMessageContaining("oauth2.redirectPort 70000 is out of range 0-65535");
    assertThatThrownBy(() -> OAuthSettings.google().clientId("x").tokenEndpoint(URI.create("ftp://t/x")).build())
        .hasMessageContaining("oauth2.tokenEndpoint 'ftp://t/x' is not an http(s) URL");
    assertThatThrownBy(() -> OAuthSettings.google().clientId("x").httpTimeout(Duration.ZERO).build())
        .hasMessageContaining("oauth2.httpTimeout PT0S must be positive");
  }

  @Test
  void toBuilderRoundTrips() {
    OAuthSettings s = OAuthSettings.google().clientId("id").redirectPort(8765).build();
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }
}
