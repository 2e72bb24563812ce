package io.mailbridge.oauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.AuthException;
import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Secret;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Login, refresh, rotation and client credentials against a real OAuth 2.0 server in this JVM. */
class OAuthFlowIT {
  private static final String HINT = "run `mailbridge auth login --profile work` again";
  private MockOAuth oauth;
  @TempDir
  Path dir;

  @BeforeEach
  void start() {
    oauth = MockOAuth.start(0, true);
  }

  @AfterEach
  void stop() {
    oauth.close();
  }

  @Test
  void authorizationCodeLoginWithPkceEndsOnTheLoopbackPageAndStoresTokens() {
    OAuthSettings settings = oauth.settings().build();
    oauth.nextTokenFor("alice@example.test", Duration.ofHours(1));
    try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(settings)) {
      assertThat(login.redirectUri().toString()).matches("http://127\\.0\\.0\\.1:\\d+/callback");
      assertThat(login.authorizationUri().getQuery()).contains("code_challenge_method=S256", "code_challenge=",
          "state=", "redirect_uri=" + login.redirectUri(), "client_id=mailbridge-test", "response_type=code");

      HttpResponse<String> page = MockOAuth.browse(login.authorizationUri());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.uri().getPath()).isEqualTo("/callback");
      assertThat(page.body()).contains("Mailbridge is logged in");

      Tokens tokens = login.awaitTokens();
      assertThat(tokens.refreshToken()).isPresent();
      assertThat(tokens.subject()).contains("alice@example.test");
      assertThat(tokens.expiresAt()).isAfter(Instant.now().plus(Duration.ofMinutes(50)));
      assertThat(tokens.toString()).doesNotContain(tokens.accessToken().reveal());
    }
    // The code verifier travelled with the code exchange (PKCE).
    assertThat(takeTokenRequestBody()).contains("code_verifier=", "grant_type=authorization_code");
  }

  @Test
  void wrongStateFailsTheLoginWithAClearPage() {
    try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(oauth.settings().build(), HINT)) {
      HttpResponse<String> page = MockOAuth.browse(URI.create(login.redirectUri() + "?code=abc&state=forged"));
      assertThat(page.statusCode()).isEqualTo(400);
      assertThat(page.body()).contains("Mailbridge login failed", "state does not match");
      assertThatThrownBy(login::awaitTokens).isInstanceOf(AuthException.class)
          .hasMessageContaining("state does not match").hasMessageContaining(HINT);
    }
  }

  @Test
  void deniedConsentSaysSoAndHowToRetry() {
    try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(oauth.settings().build(), HINT)) {
      String state = MockOAuth.state(login.authorizationUri());
      HttpResponse<String> page = MockOAuth.browse(URI.create(login.redirectUri() + "?error=access_denied"
          + "&error_description=The+user+said+no&state=" + state));
      assertThat(page.body()).contains("access was denied");
      assertThatThrownBy(login::awaitTokens).isInstanceOf(AuthException.class)
          .hasMessageContaining("access was denied at the provider").hasMessageContaining("The user said no")
          .hasMessageContaining(HINT);
    }
  }

  @Test
  void redirectWithoutCodeOrErrorIsAWrongRedirect() {
    try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(oauth.settings().build(), HINT)) {
      assertThat(MockOAuth.browse(URI.create(login.redirectUri() + "/../favicon.ico")).statusCode()).isEqualTo(404);
      MockOAuth.browse(URI.create(login.redirectUri() + "?state=" + MockOAuth.state(login.authorizationUri())));
      assertThatThrownBy(login::awaitTokens).isInstanceOf(AuthException.class)
          .hasMessageContaining("without an authorization code");
    }
  }

  @Test
  void loginTimesOutCleanly() {
    OAuthSettings settings = oauth.settings().loginTimeout(Duration.ofMillis(300)).build();
    try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(settings, HINT)) {
      assertThatThrownBy(login::awaitTokens).isInstanceOf(AuthException.class)
          .hasMessageContaining("login timed out").hasMessageContaining(HINT);
    }
  }

  @Test
  void refreshesBeforeExpiryAndPersistsTheRotatedRefreshToken() {
    OAuthSettings settings = oauth.settings().refreshSkew(Duration.ofSeconds(60)).build();
    TokenStore store = oauth.login("alice@example.test", Duration.ofHours(1), dir.resolve("work.json"), settings);
    Tokens first = store.require();
    MutableClock clock = new MutableClock(Instant.now());
    RefreshingTokenProvider tokens = new RefreshingTokenProvider(settings, store, clock);

    assertThat(tokens.accessToken()).isEqualTo(first.accessToken());
    clock.set(first.expiresAt().minusSeconds(61));
    assertThat(tokens.accessToken()).as("still outside the skew").isEqualTo(first.accessToken());

    clock.set(first.expiresAt().minusSeconds(59));
    Secret refreshed = tokens.accessToken();
    assertThat(refreshed).isNotEqualTo(first.accessToken());
    Tokens saved = store.require();
    assertThat(saved.accessToken()).isEqualTo(refreshed);
    assertThat(saved.refreshToken()).as("rotated and persisted").isPresent().isNotEqualTo(first.refreshToken());
    assertThat(saved.subject()).contains("alice@example.test");

    // A new process (new provider) continues with the persisted, rotated refresh token.
    RefreshingTokenProvider next = new RefreshingTokenProvider(settings, store, clock);
    next.invalidate();
    assertThat(next.accessToken()).isNotEqualTo(refreshed);
  }

  @Test
  void twoProvidersSharingATokenFileRefreshOnceAndShareTheRotation() throws Exception {
    OAuthSettings settings = oauth.settings().build();
    TokenStore store = oauth.login("alice@example.test", Duration.ofHours(1), dir.resolve("work.json"), settings);
    Tokens first = store.require();
    MutableClock clock = new MutableClock(first.expiresAt().minusSeconds(10));
    RefreshingTokenProvider a = new RefreshingTokenProvider(settings, store, clock);
    RefreshingTokenProvider b = new RefreshingTokenProvider(settings, store, clock);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var fa = pool.submit(a::accessToken);
      var fb = pool.submit(b::accessToken);
      Secret ta = fa.get(20, java.util.concurrent.TimeUnit.SECONDS);
      Secret tb = fb.get(20, java.util.concurrent.TimeUnit.SECONDS);
      // The second waited for the first's refresh and took its result instead of refreshing
      // with a refresh token that had just been rotated away.
      assertThat(ta).isEqualTo(tb).isNotEqualTo(first.accessToken()).isEqualTo(store.require().accessToken());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void invalidateForcesARefresh() {
    OAuthSettings settings = oauth.settings().build();
    TokenStore store = oauth.login("alice@example.test", Duration.ofHours(1), dir.resolve("work.json"), settings);
    RefreshingTokenProvider tokens = new RefreshingTokenProvider(settings, store);
    Secret first = tokens.accessToken();
    assertThat(tokens.accessToken()).isEqualTo(first);
    tokens.invalidate();
    assertThat(tokens.accessToken()).isNotEqualTo(first);
  }

  @Test
  void revokedRefreshTokenAsksToLogInAgain() {
    OAuthSettings settings = oauth.settings().build();
    TokenStore store = oauth.login("alice@example.test", Duration.ofHours(1), dir.resolve("work.json"), settings);
    Tokens stored = store.require();
    RefreshingTokenProvider tokens = new RefreshingTokenProvider(settings, store);
    assertThat(tokens.revoke()).as("revoked at the provider (RFC 7009)").isTrue();
    tokens.invalidate();
    assertThatThrownBy(tokens::accessToken).isInstanceOf(AuthException.class)
        .hasMessageContaining("invalid_grant").hasMessageContaining("revoked or has expired")
        .hasMessageContaining(HINT).hasMessageNotContaining(stored.refreshToken().get().reveal())
        .hasMessageNotContaining(stored.accessToken().reveal());
    assertThat(((MailbridgeException) catchThrowable(tokens::accessToken)).isRetriable()).isFalse();
  }

  @Test
  void unreachableTokenEndpointIsRetriableAndKeepsTheTokens() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OAuthSettings settings = oauth.settings().tokenEndpoint(URI.create("http://127.0.0.1:" + port + "/token")).build();
    TokenStore store = TokenStore.at(dir.resolve("work.json")).withLoginHint(HINT);
    Tokens stale = new Tokens(Secret.of("old-access"), Optional.of(Secret.of("the-refresh-token")),
        Instant.now().minusSeconds(10), Instant.now().minusSeconds(3600), List.of(), Optional.empty());
    store.save(stale);
    Throwable e = catchThrowable(new RefreshingTokenProvider(settings, store)::accessToken);
    assertThat(e).isInstanceOf(ConnectionException.class).hasMessageContaining("connection refused")
        .hasMessageContaining("try again").hasMessageNotContaining("the-refresh-token");
    assertThat(((ConnectionException) e).isRetriable()).isTrue();
    assertThat(store.require()).isEqualTo(stale);
  }

  @Test
  void notLoggedInIsAnAuthErrorWithTheHint() {
    TokenStore store = TokenStore.at(dir.resolve("nobody.json")).withLoginHint(HINT);
    assertThatThrownBy(new RefreshingTokenProvider(oauth.settings().build(), store)::accessToken)
        .isInstanceOf(AuthException.class).hasMessageContaining("not logged in").hasMessageContaining(HINT);
  }

  @Test
  void clientCredentialsTokenIsCachedAndRefetchedAfterInvalidate() {
    ClientCredentialsTokenProvider tokens =
        new ClientCredentialsTokenProvider(oauth.clientCredentials("alice@example.test"));
    Secret first = tokens.accessToken();
    assertThat(tokens.accessToken()).isSameAs(first);
    tokens.invalidate();
    assertThat(tokens.accessToken()).isNotEqualTo(first);
    assertThat(takeTokenRequestBody()).contains("grant_type=client_credentials");
  }

  @Test
  void discoveryFillsInTheEndpoints() {
    OAuthSettings s = OAuthSettings.discover(oauth.url("").resolve("../default")).clientId("x").build();
    assertThat(s.tokenEndpoint()).isEqualTo(oauth.url("token"));
    assertThat(s.authorizationEndpoint()).contains(oauth.url("authorize"));
    assertThat(s.revocationEndpoint()).contains(oauth.url("revoke"));
  }

  private String takeTokenRequestBody() {
    String last = "";
    for (int i = 0; i < 20; i++) {
      okhttp3.mockwebserver.RecordedRequest r;
      try {
        r = oauth.server.takeRequest(200, java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (RuntimeException none) {
        break;
      }
      if (r == null) {
        break;
      }
      if (r.getPath() != null && r.getPath().contains("/token")) {
        last = r.getBody().readUtf8();
      }
    }
    return last;
  }

  private static Throwable catchThrowable(org.assertj.core.api.ThrowableAssert.ThrowingCallable c) {
    return org.assertj.core.api.Assertions.catchThrowable(c);
  }

  /** A clock the test moves. */
  static final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    MutableClock(Instant start) {
      this.now = new AtomicReference<>(start);
    }

    void set(Instant instant) {
      now.set(instant);
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now.get();
    }
  }
}
