package io.mailbridge.oauth;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.AuthException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Auth.OAuth2.Mechanism;
import io.mailbridge.connection.CheckReport.EndpointReport;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.TokenProvider;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.SmtpClient;
import io.mailbridge.metrics.Metrics;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.mail.Folder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * XOAUTH2 and OAUTHBEARER against the real Dovecot (IMAP) and Postfix (submission, SASL by Dovecot),
 * whose oauth2 passdb validates tokens by introspection at mock-oauth2-server, started here on the
 * port the stack names. Logs in as alice only; mail goes to alice+oauth@example.test.
 */
@RealServer
class OAuthDovecotIT {
  private static final String HINT = "run `mailbridge auth login --profile work` again";
  private static MockOAuth oauth;
  private MailStack stack;
  @TempDir
  Path dir;

  @BeforeEach
  void oauthServer(MailStack s) {
    stack = s;
    int port = requireOAuth(s);
    synchronized (OAuthDovecotIT.class) {
      if (oauth == null) {
        oauth = MockOAuth.start(port, true);
      }
    }
  }

  /** The stack's OAuth port; a stack started by an older scripts/mailstack has none: skip (fail on CI). */
  static int requireOAuth(MailStack s) {
    String why = "the mail stack runs without OAuth 2.0 (no oauth2IntrospectionPort in " + MailStack.infoFile()
        + "): restart it with the current scripts/mailstack (stop, start)";
    if (s.oauth2Port().isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(why);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(s.oauth2Port().isPresent(), why);
    return s.oauth2Port().getAsInt();
  }

  @AfterAll
  static void stop() {
    if (oauth != null) {
      oauth.close();
      oauth = null;
    }
  }

  private String alice() {
    return stack.alice().user();
  }

  private TokenProvider clientCredentials() {
    // mock-oauth2-server: a client_credentials token's sub is the client id.
    return new ClientCredentialsTokenProvider(oauth.clientCredentials(alice()));
  }

  private Endpoint imaps(Auth auth) {
    return Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(auth).build();
  }

  private Endpoint submission(Auth auth) {
    return Endpoint.smtp(stack.host()).port(stack.submissionPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(auth).build();
  }

  @Test
  void imapXoauth2LoginReadsAFolder() {
    stack.resetFolder(stack.alice(), "oauth-it");
    TokenProvider tokens = clientCredentials();
    try (ImapClient imap = ImapClient.open(imaps(Auth.oauth2(alice(), tokens)), new Properties(), true)) {
      Folder f = imap.store().getFolder("oauth-it");
      f.open(Folder.READ_ONLY);
      assertThat(f.getMessageCount()).isZero();
      f.close(false);
      assertThat(imap.trace().lines()).anyMatch(l -> l.contains("AUTHENTICATE XOAUTH2"));
      assertNoToken(imap.trace().lines(), tokens.accessToken());
    } catch (jakarta.mail.MessagingException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void imapOauthbearerLoginOnImapsAndStarttls() {
    TokenProvider tokens = clientCredentials();
    Auth auth = Auth.oauth2(alice(), tokens, Mechanism.OAUTHBEARER);
    EndpointReport r = check(imaps(auth));
    assertThat(r.error()).isEmpty();
    assertThat(r.ok()).isTrue();
    Endpoint starttls = Endpoint.imap(stack.host()).port(stack.imapPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(auth).build();
    try (ImapClient imap = ImapClient.open(starttls, new Properties(), true)) {
      assertThat(imap.trace().lines()).anyMatch(l -> l.contains("SASL client OAUTHBEARER"))
          .anyMatch(l -> l.contains("SASL authentication succeeded"));
      assertNoToken(imap.trace().lines(), tokens.accessToken());
    }
  }

  @Test
  void smtpSubmissionAuthWithXoauth2AndOauthbearerSendsMail() throws Exception {
    for (Mechanism m : Mechanism.values()) {
      TokenProvider tokens = clientCredentials();
      Auth auth = Auth.oauth2(alice(), tokens, m);
      try (SmtpClient smtp = SmtpClient.open(submission(auth), new Properties(), true)) {
        MimeMessage msg = new MimeMessage(smtp.session(), new ByteArrayInputStream(
            TestMessages.plain(alice(), "alice+oauth@example.test", "oauth " + m, 100)));
        smtp.transport().sendMessage(msg, new InternetAddress[] {new InternetAddress("alice+oauth@example.test")});
        assertThat(smtp.trace().lines()).anyMatch(l -> l.contains(m.name()))
            .anyMatch(l -> l.startsWith("250 ") && l.contains("queued"));
        assertNoToken(smtp.trace().lines(), tokens.accessToken());
      }
    }
  }

  @Test
  void expiredTokenIsRefreshedOnceAndTheLoginSucceeds() {
    OAuthSettings settings = oauth.settings().build();
    TokenStore store = oauth.login(alice(), Duration.ofHours(1), dir.resolve("work.json"), settings);
    Tokens good = store.require();
    // An access token the provider signed but that expired two minutes ago, which our clock
    // does not know (as after a suspend, or clock skew): only the server can tell.
    String expired = expiredToken();
    store.save(new Tokens(Secret.of(expired), good.refreshToken(), Instant.now().plusSeconds(3000), Instant.now(),
        good.scopes(), good.subject()));
    RefreshingTokenProvider tokens = new RefreshingTokenProvider(settings, store);

    try (ImapClient imap = ImapClient.open(imaps(Auth.oauth2(alice(), tokens)), new Properties(), true)) {
      assertThat(imap.noop()).isTrue();
      assertThat(imap.trace().lines()).anyMatch(l -> l.contains("AUTHENTICATIONFAILED"))
          .noneMatch(l -> l.contains(expired));
      // One rejected login, one with the refreshed token: no further attempts, no reconnect.
      assertThat(imap.trace().lines()).filteredOn(l -> l.contains("AUTHENTICATE XOAUTH2 command result")).hasSize(2);
    }
    Tokens after = store.require();
    assertThat(after.accessToken()).isNotEqualTo(Secret.of(expired));
    assertThat(after.refreshToken()).as("rotated refresh token persisted").isNotEqualTo(good.refreshToken());

    // The same provider keeps working for SMTP without another refresh.
    try (SmtpClient smtp = SmtpClient.open(submission(Auth.oauth2(alice(), tokens)), new Properties(), false)) {
      assertThat(smtp.noop()).isTrue();
    }
    assertThat(store.require()).isEqualTo(after);
    assertThat(tokens.refreshes()).isEqualTo(1);
  }

  @Test
  void tokenRefreshesAreReportedAsMailboxMetrics() {
    OAuthSettings settings = oauth.settings().build();
    TokenStore store = oauth.login(alice(), Duration.ofHours(1), dir.resolve("metrics.json"), settings);
    Tokens good = store.require();
    store.save(new Tokens(Secret.of(expiredToken()), good.refreshToken(), Instant.now().plusSeconds(3000),
        Instant.now(), good.scopes(), good.subject()));
    RefreshingTokenProvider tokens = new RefreshingTokenProvider(settings, store);
    stack.resetFolder(stack.alice(), "oauth-metrics");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MailConnection mail = MailConnection.builder().inbound(imaps(Auth.oauth2(alice(), tokens)))
        .metrics(Metrics.micrometer(registry)).build();

    Receive.of(mail).receiveAll(ReceiveSettings.builder().folder("oauth-metrics").build()); // rejected, refreshed
    Receive.of(mail).receiveAll(ReceiveSettings.builder().folder("oauth-metrics").build()); // cached token

    assertThat(registry.get("mailbridge.auth.refreshes").tags("mailbox", alice() + "@" + stack.host() + ":"
        + stack.imapsPort()).functionCounter().count()).isEqualTo(1);
  }

  @Test
  void expiredTokenThatCannotBeRefreshedFailsClearlyWithoutRetrying() {
    String expired = expiredToken();
    AtomicInteger invalidated = new AtomicInteger();
    TokenProvider fixed = new TokenProvider() {
      @Override
      public Secret accessToken() {
        return Secret.of(expired);
      }

      @Override
      public void invalidate() {
        invalidated.incrementAndGet();
      }
    };
    for (Endpoint e : List.of(imaps(Auth.oauth2(alice(), fixed)), submission(Auth.oauth2(alice(), fixed)))) {
      EndpointReport r = check(e);
      assertThat(r.error()).containsInstanceOf(AuthException.class);
      assertThat(r.error().get().getMessage()).contains("access token", alice()).doesNotContain(expired);
    }
    // One rejected token per endpoint: had the client tried again, it would have invalidated again.
    assertThat(invalidated).hasValue(2);
  }

  @Test
  void revokedRefreshTokenIsAClearAuthError() throws Exception {
    OAuthSettings settings = oauth.settings().build();
    TokenStore store = oauth.login(alice(), Duration.ofHours(1), dir.resolve("work.json"), settings);
    RefreshingTokenProvider tokens = new RefreshingTokenProvider(settings, store);
    assertThat(tokens.revoke()).isTrue();
    tokens.invalidate();
    EndpointReport r = check(imaps(Auth.oauth2(alice(), tokens)));
    assertThat(r.error()).containsInstanceOf(AuthException.class);
    assertThat(r.error().get().getMessage()).contains("invalid_grant", HINT)
        .doesNotContain(store.require().refreshToken().get().reveal());
  }

  @Test
  void dovecotRejectsABadTokenOnceAndLogsAFailedXoauth2Login() throws Exception {
    Path log = Path.of(stack.stateDir(), "logs", "dovecot.log");
    long before = Files.size(log);
    EndpointReport r = check(imaps(Auth.oauth2(alice(), () -> Secret.of("not-a-token"))));
    assertThat(r.error()).containsInstanceOf(AuthException.class);
    assertThat(r.error().get().getMessage()).contains("AUTHENTICATIONFAILED");
    String tail = "";
    for (int i = 0; i < 40 && !tail.contains("method=XOAUTH2"); i++) {
      Thread.sleep(50);
      tail = readFrom(log, before);
    }
    assertThat(tail).contains("auth failed", "user=<" + alice() + ">", "method=XOAUTH2").doesNotContain("not-a-token");
    // A token the server refused is not tried again on the same or a new connection.
    assertThat(tail.lines().filter(l -> l.contains("method=XOAUTH2") && l.contains("user=<" + alice() + ">")))
        .hasSize(1);
  }

  /** Neither the token nor a SASL payload carrying it appears in the (redacted) trace. */
  private static void assertNoToken(List<String> trace, Secret token) {
    String t = token.reveal();
    assertThat(trace).noneMatch(l -> l.contains(t) || l.contains(t.substring(10, 40)))
        .noneMatch(l -> l.matches(".*[A-Za-z0-9+/]{60,}.*"));
  }

  /** A token the provider signed for alice that expired two minutes ago (beyond any verifier's skew). */
  private String expiredToken() {
    return oauth.server.anyToken(okhttp3.HttpUrl.get(oauth.url("").resolve("../" + MockOAuth.ISSUER).toString()),
        Map.of("sub", alice(), "aud", "mail"), Duration.ofSeconds(-120)).serialize();
  }

  private static String readFrom(Path log, long offset) throws Exception {
    byte[] all = Files.readAllBytes(log);
    return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset),
        StandardCharsets.UTF_8);
  }

  private static EndpointReport check(Endpoint e) {
    MailConnection.Builder b = MailConnection.builder();
    if (e.protocol() == Endpoint.Protocol.IMAP) {
      b.inbound(e);
    } else {
      b.outbound(e);
    }
    return b.build().check().endpoints().get(0);
  }
}
