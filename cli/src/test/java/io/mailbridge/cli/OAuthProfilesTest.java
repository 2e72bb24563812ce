package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.oauth.OAuthSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OAuthProfilesTest {
  @TempDir
  Path dir;

  private Settings settings(String profileBody, Map<String, String> env) throws Exception {
    Path f = dir.resolve("mailbridge.yaml");
    Files.writeString(f, "profiles:\n  work:\n" + profileBody.indent(4));
    return Settings.resolve(Map.of(), env, Optional.of(f), Optional.of("work"));
  }

  @Test
  void microsoftProfileConnectsWithOauth2AndTheChosenMechanism() throws Exception {
    Settings s = settings("""
        user: alice@contoso.com
        auth: oauth2
        oauth2: { provider: microsoft, tenant: contoso.com, clientId: app-id, mechanism: oauthbearer,
                  tokenFile: %s }
        imap: { host: outlook.office365.com }
        smtp: { host: smtp.office365.com, port: 587, security: starttls }
        """.formatted(dir.resolve("t.json")), Map.of());
    assertThat(s.oauth2().tokenEndpoint().toString()).contains("/contoso.com/oauth2/v2.0/token");
    MailConnection c = s.connection(true, true);
    Auth.OAuth2 imap = (Auth.OAuth2) c.inbound().orElseThrow().auth();
    Auth.OAuth2 smtp = (Auth.OAuth2) c.outbound().orElseThrow().auth();
    assertThat(imap.mechanism()).isEqualTo(Auth.OAuth2.Mechanism.OAUTHBEARER);
    assertThat(imap.tokens()).as("one provider shared by IMAP and SMTP").isSameAs(smtp.tokens());
    assertThat(s.tokenStore().file()).isEqualTo(dir.resolve("t.json"));
    assertThat(s.tokenStore().loginHint()).isEqualTo("run `mailbridge auth login --profile work` again");
  }

  @Test
  void environmentSuppliesOauthKeys() throws Exception {
    Files.writeString(dir.resolve("secret"), "s3cret\n");
    Settings s = settings("user: app@contoso.com\n", Map.of("MAILBRIDGE_OAUTH2_PROVIDER", "microsoft",
        "MAILBRIDGE_OAUTH2_CLIENT_ID", "env-app", "MAILBRIDGE_OAUTH2_GRANT", "client_credentials",
        "MAILBRIDGE_OAUTH2_CLIENT_SECRET_FILE", dir.resolve("secret").toString(),
        "MAILBRIDGE_OAUTH2_REDIRECT_PORT", "8765"));
    OAuthSettings o = s.oauth2();
    assertThat(o.clientId()).isEqualTo("env-app");
    assertThat(o.grant()).isEqualTo(OAuthSettings.Grant.CLIENT_CREDENTIALS);
    assertThat(o.scopes()).containsExactly("https://outlook.office365.com/.default");
    assertThat(o.clientSecret().orElseThrow().reveal()).isEqualTo("s3cret");
    assertThat(o.redirectPort()).isEqualTo(8765);
    assertThat(Settings.envToKey("OAUTH2_CLIENT_SECRET_FILE")).isEqualTo("oauth2.clientSecretFile");
  }

  @Test
  void customEndpointsScopesListAndDurations() throws Exception {
    Settings s = settings("""
        oauth2:
          authorizationEndpoint: https://id.example.com/auth
          tokenEndpoint: https://id.example.com/token
          clientId: mb
          scopes: [openid, "https://mail.example.com/imap"]
          loginTimeout: 2m
          refreshSkew: 30s
        """, Map.of());
    OAuthSettings o = s.oauth2();
    assertThat(o.scopes()).containsExactly("openid", "https://mail.example.com/imap");
    assertThat(o.loginTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(o.refreshSkew()).isEqualTo(Duration.ofSeconds(30));
    assertThat(o.clientSecret()).isEmpty();
  }

  @Test
  void badValuesNameTheKey() throws Exception {
    assertThatThrownBy(() -> settings("oauth2: { provider: yahoo, clientId: x }", Map.of()).oauth2())
        .isInstanceOf(ConfigException.class).hasMessageContaining("oauth2.provider 'yahoo' is not one of");
    assertThatThrownBy(() -> settings("oauth2: { provider: google }", Map.of()).oauth2())
        .hasMessageContaining("oauth2.clientId is missing in profile 'work'");
    assertThatThrownBy(() -> settings("oauth2: { provider: google, clientId: x, grant: password }", Map.of())
        .oauth2()).hasMessageContaining("oauth2.grant 'password' is not one of");
    assertThatThrownBy(() -> OAuthProfiles.mechanism(settings("oauth2: { mechanism: plain }", Map.of())))
        .hasMessageContaining("oauth2.mechanism 'plain' is not one of xoauth2, oauthbearer");
  }
}
