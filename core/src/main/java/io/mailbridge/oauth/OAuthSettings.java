package io.mailbridge.oauth;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Secret;
import io.mailbridge.oauth.internal.TokenEndpoint;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to get OAuth 2.0 tokens for one mail account: the provider's endpoints, the
 * registered client, the scopes and the grant. Built with {@link #builder()} or a preset that
 * fills in endpoints and scopes.
 *
 * <pre>{@code
 * OAuthSettings gmail = OAuthSettings.google().clientId("1234.apps.googleusercontent.com")
 *     .clientSecret(Secret.fromFile(Path.of("client-secret"))).build();
 * OAuthSettings m365 = OAuthSettings.microsoft("contoso.onmicrosoft.com").clientId("...").build();
 * OAuthSettings any = OAuthSettings.discover(URI.create("https://login.example.com/realms/mail"))
 *     .clientId("mailbridge").scopes(List.of("openid", "email", "offline_access")).build();
 * }</pre>
 *
 * @param grant how tokens are obtained; default {@link Grant#AUTHORIZATION_CODE}
 * @param authorizationEndpoint the browser login page; required for the authorization code grant
 * @param tokenEndpoint where codes, refresh tokens and client credentials are exchanged for tokens
 * @param revocationEndpoint RFC 7009 endpoint used on logout, when the provider has one
 * @param clientId the registered application's client id
 * @param clientSecret the client secret; empty for public (native/desktop) clients, which rely on PKCE
 * @param scopes scopes requested; for mail usually the provider's IMAP/SMTP scope plus offline access
 * @param redirectPort loopback port of the login redirect listener; 0 (default) picks a free port
 * @param extraAuthorizationParameters added to the authorization URL (e.g. Google's
 *     {@code access_type=offline}); default none
 * @param refreshSkew refresh this long before the access token expires; default 60 s
 * @param httpTimeout connect and read timeout of each token endpoint call; default 10 s
 * @param loginTimeout how long {@code auth login} waits for the browser to come back; default 5 min
 */
public record OAuthSettings(
    Grant grant,
    Optional<URI> authorizationEndpoint,
    URI tokenEndpoint,
    Optional<URI> revocationEndpoint,
    String clientId,
    Optional<Secret> clientSecret,
    List<String> scopes,
    int redirectPort,
    Map<String, String> extraAuthorizationParameters,
    Duration refreshSkew,
    Duration httpTimeout,
    Duration loginTimeout) {

  /** How tokens are obtained. */
  public enum Grant {
    /** A person logs in once in a browser ({@code mailbridge auth login}); refresh tokens keep it going. */
    AUTHORIZATION_CODE,
    /** A daemon authenticates as itself with its client secret (e.g. Microsoft 365 app-only access). */
    CLIENT_CREDENTIALS
  }

  public OAuthSettings {
    if (grant == null) {
      throw new ConfigException("oauth2.grant is missing: use authorization_code or client_credentials");
    }
    authorizationEndpoint = authorizationEndpoint == null ? Optional.empty() : authorizationEndpoint;
    revocationEndpoint = revocationEndpoint == null ? Optional.empty() : revocationEndpoint;
    clientSecret = clientSecret == null ? Optional.empty() : clientSecret;
    if (tokenEndpoint == null) {
      throw new ConfigException("oauth2.tokenEndpoint is missing: set it, choose a provider (google, microsoft) "
          + "or give oauth2.issuer for discovery");
    }
    requireHttp("oauth2.tokenEndpoint", tokenEndpoint);
    authorizationEndpoint.ifPresent(u -> requireHttp("oauth2.authorizationEndpoint", u));
    revocationEndpoint.ifPresent(u -> requireHttp("oauth2.revocationEndpoint", u));
    if (clientId == null || clientId.isBlank()) {
      throw new ConfigException("oauth2.clientId is missing: register an application with the provider and give "
          + "its client id");
    }
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    if (redirectPort < 0 || redirectPort > 65535) {
      throw new ConfigException("oauth2.redirectPort " + redirectPort + " is out of range 0-65535 (0 = any free port)");
    }
    extraAuthorizationParameters = extraAuthorizationParameters == null ? Map.of()
        : Map.copyOf(extraAuthorizationParameters);
    refreshSkew = positive("oauth2.refreshSkew", refreshSkew, Duration.ofSeconds(60), true);
    httpTimeout = positive("oauth2.httpTimeout", httpTimeout, Duration.ofSeconds(10), false);
    loginTimeout = positive("oauth2.loginTimeout", loginTimeout, Duration.ofMinutes(5), false);
    if (grant == Grant.AUTHORIZATION_CODE && authorizationEndpoint.isEmpty()) {
      throw new ConfigException("oauth2.authorizationEndpoint is missing for the authorization_code grant: set it, "
          + "choose a provider (google, microsoft) or give oauth2.issuer for discovery");
    }
    if (grant == Grant.CLIENT_CREDENTIALS && clientSecret.isEmpty()) {
      throw new ConfigException("oauth2.clientSecretFile is missing: the client_credentials grant needs the "
          + "application's client secret");
    }
  }

  private static void requireHttp(String field, URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http") || uri.getHost() == null) {
      throw new ConfigException(field + " '" + uri + "' is not an http(s) URL");
    }
  }

  private static Duration positive(String field, Duration value, Duration dflt, boolean zeroOk) {
    if (value == null) {
      return dflt;
    }
    if (value.isNegative() || (!zeroOk && value.isZero())) {
      throw new ConfigException(field + " " + value + " must be " + (zeroOk ? "zero or " : "") + "positive");
    }
    return value;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.grant = grant;
    b.authorizationEndpoint = authorizationEndpoint.orElse(null);
    b.tokenEndpoint = tokenEndpoint;
    b.revocationEndpoint = revocationEndpoint.orElse(null);
    b.clientId = clientId;
    b.clientSecret = clientSecret.orElse(null);
    b.scopes = scopes;
    b.redirectPort = redirectPort;
    b.extraAuthorizationParameters = new LinkedHashMap<>(extraAuthorizationParameters);
    b.refreshSkew = refreshSkew;
    b.httpTimeout = httpTimeout;
    b.loginTimeout = loginTimeout;
    return b;
  }

  /**
   * Google (Gmail): endpoints, revocation, scope {@code https://mail.google.com/} plus
   * {@code openid email} (to show who is logged in), and {@code access_type=offline,
   * prompt=consent} so Google issues a refresh token. Give the client id (and the secret Google
   * issues even to desktop clients).
   */
  public static Builder google() {
    Builder b = builder()
        .authorizationEndpoint(URI.create("https://accounts.google.com/o/oauth2/v2/auth"))
        .tokenEndpoint(URI.create("https://oauth2.googleapis.com/token"))
        .revocationEndpoint(URI.create("https://oauth2.googleapis.com/revoke"))
        .scopes(List.of("https://mail.google.com/", "openid", "email"));
    b.extraAuthorizationParameters.put("access_type", "offline");
    b.extraAuthorizationParameters.put("prompt", "consent");
    return b;
  }

  /**
   * Microsoft 365 / Outlook.com on the v2.0 endpoints of {@code tenant} ({@code common},
   * {@code organizations}, {@code consumers}, a tenant id or domain): scopes for IMAP and SMTP
   * plus {@code offline_access}. For the client credentials grant (app-only), switch the scopes to
   * {@code https://outlook.office365.com/.default} — {@link Builder#grant} does that for you.
   * Microsoft has no token revocation endpoint.
   */
  public static Builder microsoft(String tenant) {
    if (tenant == null || tenant.isBlank() || !tenant.matches("[A-Za-z0-9.-]+")) {
      throw new ConfigException("oauth2.tenant '" + tenant + "' is not a tenant: use common, organizations, "
          + "consumers, the tenant id or its domain");
    }
    String base = "https://login.microsoftonline.com/" + tenant + "/oauth2/v2.0/";
    Builder b = builder()
        .authorizationEndpoint(URI.create(base + "authorize"))
        .tokenEndpoint(URI.create(base + "token"))
        .scopes(List.of("https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send",
            "offline_access", "openid", "email"));
    b.microsoft = true;
    return b;
  }

  /**
   * Endpoints from the provider's discovery document ({@code /.well-known/openid-configuration},
   * else RFC 8414 {@code /.well-known/oauth-authorization-server}) under {@code issuer}. Makes one
   * HTTP request; scopes default to {@code openid email offline_access}.
   *
   * @throws ConfigException when the issuer has no usable discovery document
   * @throws io.mailbridge.ConnectionException when the issuer cannot be reached (retriable)
   */
  public static Builder discover(URI issuer) {
    TokenEndpoint.Discovered d = TokenEndpoint.discover(issuer, Duration.ofSeconds(10));
    Builder b = builder().tokenEndpoint(d.tokenEndpoint()).scopes(List.of("openid", "email", "offline_access"));
    b.authorizationEndpoint = d.authorizationEndpoint().orElse(null);
    b.revocationEndpoint = d.revocationEndpoint().orElse(null);
    return b;
  }

  @Override
  public String toString() {
    return "OAuthSettings[grant=" + grant + ", tokenEndpoint=" + tokenEndpoint + ", clientId=" + clientId
        + ", clientSecret=" + (clientSecret.isPresent() ? "***" : "none") + ", scopes=" + scopes + "]";
  }

  /** Builder for {@link OAuthSettings}; {@link #build()} validates. */
  public static final class Builder {
    private Grant grant = Grant.AUTHORIZATION_CODE;
    private URI authorizationEndpoint;
    private URI tokenEndpoint;
    private URI revocationEndpoint;
    private String clientId;
    private Secret clientSecret;
    private List<String> scopes = List.of();
    private int redirectPort;
    private Map<String, String> extraAuthorizationParameters = new LinkedHashMap<>();
    private Duration refreshSkew;
    private Duration httpTimeout;
    private Duration loginTimeout;
    private boolean microsoft;

    private Builder() {}

    /** Also switches a Microsoft preset to the app-only scope for client credentials. */
    public Builder grant(Grant grant) {
      this.grant = grant;
      if (microsoft && grant == Grant.CLIENT_CREDENTIALS) {
        scopes = List.of("https://outlook.office365.com/.default");
      }
      return this;
    }

    public Builder authorizationEndpoint(URI uri) {
      this.authorizationEndpoint = uri;
      return this;
    }

    public Builder tokenEndpoint(URI uri) {
      this.tokenEndpoint = uri;
      return this;
    }

    public Builder revocationEndpoint(URI uri) {
      this.revocationEndpoint = uri;
      return this;
    }

    public Builder clientId(String clientId) {
      this.clientId = clientId;
      return this;
    }

    public Builder clientSecret(Secret secret) {
      this.clientSecret = secret;
      return this;
    }

    public Builder scopes(List<String> scopes) {
      this.scopes = scopes;
      return this;
    }

    public Builder redirectPort(int port) {
      this.redirectPort = port;
      return this;
    }

    public Builder authorizationParameter(String name, String value) {
      this.extraAuthorizationParameters.put(name, value);
      return this;
    }

    public Builder refreshSkew(Duration skew) {
      this.refreshSkew = skew;
      return this;
    }

    public Builder httpTimeout(Duration timeout) {
      this.httpTimeout = timeout;
      return this;
    }

    public Builder loginTimeout(Duration timeout) {
      this.loginTimeout = timeout;
      return this;
    }

    public OAuthSettings build() {
      return new OAuthSettings(grant, Optional.ofNullable(authorizationEndpoint), tokenEndpoint,
          Optional.ofNullable(revocationEndpoint), clientId, Optional.ofNullable(clientSecret), scopes, redirectPort,
          extraAuthorizationParameters, refreshSkew, httpTimeout, loginTimeout);
    }
  }
}
