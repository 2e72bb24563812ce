package io.mailbridge.oauth;

import io.mailbridge.connection.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;

/** A real OAuth 2.0 server (no.nav.security mock-oauth2-server) in the test JVM, plus helpers. */
public final class MockOAuth implements AutoCloseable {
  public static final String ISSUER = "default";
  public final MockOAuth2Server server;

  private MockOAuth(MockOAuth2Server server) {
    this.server = server;
  }

  /** Non-interactive (authorize redirects at once), rotating refresh tokens, on {@code port} (0 = any). */
  public static MockOAuth start(int port, boolean rotateRefreshTokens) {
    OAuth2Config config = new OAuth2Config(false, null, null, rotateRefreshTokens, new OAuth2TokenProvider(),
        Set.<OAuth2TokenCallback>of());
    MockOAuth2Server s = new MockOAuth2Server(config);
    try {
      s.start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return new MockOAuth(s);
  }

  /** The next token request issues tokens for {@code subject}, valid {@code lifetime}. */
  public void nextTokenFor(String subject, Duration lifetime) {
    server.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER, subject, "JWT", List.of("mail"),
        Map.of("email", subject), lifetime.toSeconds()));
  }

  /**
   * {@code http://127.0.0.1:PORT/default/<path>}. The server names itself "localhost", but a token's
   * issuer is the host it was requested from, and Dovecot introspects at 127.0.0.1: both must agree.
   */
  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.baseUrl().port() + "/" + ISSUER + "/" + path);
  }

  public OAuthSettings.Builder settings() {
    return OAuthSettings.builder()
        .authorizationEndpoint(url("authorize"))
        .tokenEndpoint(url("token"))
        .revocationEndpoint(url("revoke"))
        .clientId("mailbridge-test")
        .scopes(List.of("openid", "email", "offline_access"))
        .loginTimeout(Duration.ofSeconds(20));
  }

  public OAuthSettings clientCredentials(String clientId) {
    return settings().grant(OAuthSettings.Grant.CLIENT_CREDENTIALS).clientId(clientId)
        .clientSecret(Secret.of("any-secret")).scopes(List.of("mail")).build();
  }

  /** What a browser does without a person: GET the authorize URL, follow redirects to the listener. */
  public static HttpResponse<String> browse(URI uri) {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
        .connectTimeout(Duration.ofSeconds(5)).build();
    try {
      return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A complete authorization code login for {@code subject}, stored in {@code file}. */
  public TokenStore login(String subject, Duration lifetime, Path file, OAuthSettings settings) {
    nextTokenFor(subject, lifetime);
    try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(settings)) {
      HttpResponse<String> page = browse(login.authorizationUri());
      if (page.statusCode() != 200) {
        throw new IllegalStateException("login page " + page.statusCode() + ": " + page.body());
      }
      TokenStore store = TokenStore.at(file).withLoginHint("run `mailbridge auth login --profile work` again");
      io.mailbridge.oauth.Tokens tokens = login.awaitTokens();
      io.mailbridge.testkit.SecretScanExtension.register(subject, tokens.accessToken().reveal());
      tokens.refreshToken().ifPresent(r -> io.mailbridge.testkit.SecretScanExtension.register(subject, r.reveal()));
      store.save(tokens);
      return store;
    }
  }

  /** The {@code state} parameter of an authorization URL. */
  public static String state(URI authorizationUri) {
    for (String kv : authorizationUri.getRawQuery().split("&")) {
      if (kv.startsWith("state=")) {
        return java.net.URLDecoder.decode(kv.substring(6), java.nio.charset.StandardCharsets.UTF_8);
      }
    }
    throw new IllegalStateException("no state in " + authorizationUri);
  }

  @Override
  public void close() {
    server.shutdown();
  }
}
