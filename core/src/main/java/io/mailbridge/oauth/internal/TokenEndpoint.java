package io.mailbridge.oauth.internal;

import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GeneralException;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import io.mailbridge.AuthException;
import io.mailbridge.ConfigException;
import io.mailbridge.ConnectionException;
import io.mailbridge.ConnectionException.Reason;
import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.connection.Secret;
import io.mailbridge.oauth.OAuthSettings;
import io.mailbridge.oauth.Tokens;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls to the provider, all through the Nimbus OAuth 2.0 SDK: token requests for every grant,
 * discovery and revocation. The one place where their failures become Mailbridge exceptions, and
 * none of those messages ever contains a token or secret.
 */
public final class TokenEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(TokenEndpoint.class);
  /** Without {@code expires_in} (optional in RFC 6749 5.1) assume a short life, so we refresh early. */
  private static final Duration DEFAULT_LIFETIME = Duration.ofMinutes(5);

  private final OAuthSettings settings;
  private final Clock clock;

  public TokenEndpoint(OAuthSettings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** What discovery found. */
  public record Discovered(Optional<URI> authorizationEndpoint, URI tokenEndpoint, Optional<URI> revocationEndpoint) {}

  /** Reads the issuer's OIDC (else RFC 8414) metadata. */
  public static Discovered discover(URI issuerUrl, Duration timeout) {
    int ms = (int) timeout.toMillis();
    Issuer issuer = new Issuer(issuerUrl.toString());
    AuthorizationServerMetadata md;
    try {
      md = OIDCProviderMetadata.resolve(issuer, ms, ms);
    } catch (GeneralException | IOException oidc) {
      if (oidc instanceof IOException io) {
        throw unreachable("OAuth issuer " + issuerUrl, io);
      }
      try {
        md = AuthorizationServerMetadata.resolve(issuer, ms, ms);
      } catch (GeneralException | IOException e) {
        if (e instanceof IOException io) {
          throw unreachable("OAuth issuer " + issuerUrl, io);
        }
        throw new ConfigException("OAuth issuer " + issuerUrl + " has no usable discovery document (" + e.getMessage()
            + "): check oauth2.issuer, or set oauth2.authorizationEndpoint and oauth2.tokenEndpoint", e);
      }
    }
    if (md.getTokenEndpointURI() == null) {
      throw new ConfigException("OAuth issuer " + issuerUrl + " publishes no token endpoint: set oauth2.tokenEndpoint");
    }
    return new Discovered(Optional.ofNullable(md.getAuthorizationEndpointURI()), md.getTokenEndpointURI(),
        Optional.ofNullable(md.getRevocationEndpointURI()));
  }

  /**
   * Exchanges {@code grant} for tokens.
   *
   * @param previousRefresh kept when the response carries no new refresh token (no rotation)
   * @param loginHint what to tell the user when the grant is no longer valid
   */
  public Tokens request(AuthorizationGrant grant, Optional<Secret> previousRefresh, String loginHint) {
    String what = grant.getType().getValue();
    Scope scope = settings.scopes().isEmpty() ? null : new Scope(settings.scopes().toArray(String[]::new));
    // RFC 6749 6: a refresh request may omit scope (= as originally granted); some providers
    // (Microsoft) want it, none reject it, so send it for every grant.
    TokenRequest request = clientAuth().map(a -> new TokenRequest(settings.tokenEndpoint(), a, grant, scope))
        .orElseGet(() -> new TokenRequest(settings.tokenEndpoint(), new ClientID(settings.clientId()), grant, scope));
    HTTPResponse http = send(request.toHTTPRequest(), "token request (" + what + ")");
    Instant now = clock.instant();
    TokenResponse response;
    try {
      response = OIDCTokenResponseParser.parse(http);
    } catch (ParseException e) {
      throw badAnswer(http, what, e);
    }
    if (!response.indicatesSuccess()) {
      throw error(((TokenErrorResponse) response).getErrorObject(), http.getStatusCode(), what, loginHint);
    }
    com.nimbusds.oauth2.sdk.token.Tokens t = response.toSuccessResponse().getTokens();
    AccessToken access = t.getAccessToken();
    long lifetime = access.getLifetime() > 0 ? access.getLifetime() : DEFAULT_LIFETIME.toSeconds();
    Optional<Secret> refresh = Optional.ofNullable(t.getRefreshToken()).map(RefreshToken::getValue).map(Secret::of)
        .or(() -> previousRefresh);
    List<String> scopes = access.getScope() != null ? access.getScope().toStringList() : settings.scopes();
    Optional<String> subject = t instanceof OIDCTokens oidc ? subject(oidc.getIDTokenString()) : Optional.empty();
    LOG.info("oauth token obtained grant={} endpoint={} expiresIn={}s rotated={}", what, settings.tokenEndpoint(),
        lifetime, t.getRefreshToken() != null && previousRefresh.isPresent()
            && !previousRefresh.get().reveal().equals(t.getRefreshToken().getValue()));
    return new Tokens(Secret.of(access.getValue()), refresh, now.plusSeconds(lifetime), now, scopes, subject);
  }

  /**
   * RFC 7009 revocation of {@code token} (best effort; true when the provider confirmed).
   */
  public boolean revoke(URI endpoint, Token token) {
    TokenRevocationRequest request = clientAuth().map(a -> new TokenRevocationRequest(endpoint, a, token))
        .orElseGet(() -> new TokenRevocationRequest(endpoint, new ClientID(settings.clientId()), token));
    HTTPResponse http = send(request.toHTTPRequest(), "token revocation");
    return http.indicatesSuccess();
  }

  private Optional<ClientAuthentication> clientAuth() {
    return settings.clientSecret().map(s -> new ClientSecretPost(new ClientID(settings.clientId()),
        new com.nimbusds.oauth2.sdk.auth.Secret(s.reveal())));
  }

  private HTTPResponse send(HTTPRequest request, String what) {
    int ms = (int) settings.httpTimeout().toMillis();
    request.setConnectTimeout(ms);
    request.setReadTimeout(ms);
    try {
      return request.send();
    } catch (IOException e) {
      throw unreachable("OAuth " + what + " to " + request.getURI(), e);
    }
  }

  private static ConnectionException unreachable(String where, IOException e) {
    Reason reason = e instanceof UnknownHostException ? Reason.UNKNOWN_HOST
        : e instanceof SocketTimeoutException || e instanceof HttpTimeoutException ? Reason.TIMEOUT
        : e instanceof ConnectException || e instanceof NoRouteToHostException ? Reason.REFUSED : Reason.CLOSED;
    String why = switch (reason) {
      case UNKNOWN_HOST -> "host is unknown";
      case TIMEOUT -> "no answer within the timeout";
      case REFUSED -> "connection refused";
      default -> e.getClass().getSimpleName();
    };
    return new ConnectionException(reason, where + " failed: " + why + ": the provider is unreachable; check the "
        + "network and the endpoint URL, then try again (tokens are kept)", e);
  }

  private MailbridgeException badAnswer(HTTPResponse http, String what, ParseException e) {
    boolean serverTrouble = http.getStatusCode() >= 500;
    return new ProtocolException("OAuth token request (" + what + ") to " + settings.tokenEndpoint()
        + " got an unusable answer (HTTP " + http.getStatusCode() + "): "
        + (serverTrouble ? "the provider has a problem; try again later" : "check oauth2.tokenEndpoint"),
        serverTrouble, e);
  }

  private MailbridgeException error(ErrorObject err, int status, String what, String loginHint) {
    String code = err.getCode() == null ? "HTTP " + status : err.getCode();
    String detail = code + (err.getDescription() == null ? "" : ": " + oneLine(err.getDescription()));
    String where = "OAuth token request (" + what + ") to " + settings.tokenEndpoint();
    if (OAuth2Error.INVALID_GRANT.getCode().equals(code)) {
      String why = what.equals("refresh_token") ? "the refresh token was revoked or has expired"
          : what.equals("authorization_code") ? "the authorization code was refused (expired, reused or PKCE mismatch)"
          : "the grant was refused";
      return new AuthException(where + " rejected (" + detail + "): " + why + ": " + loginHint, null);
    }
    if (OAuth2Error.INVALID_CLIENT.getCode().equals(code) || OAuth2Error.UNAUTHORIZED_CLIENT.getCode().equals(code)) {
      return new AuthException(where + " rejected the client (" + detail + "): check oauth2.clientId and "
          + "oauth2.clientSecretFile against the application registered with the provider", null);
    }
    if (OAuth2Error.INVALID_SCOPE.getCode().equals(code)) {
      return new ConfigException(where + " rejected the scopes " + settings.scopes() + " (" + detail
          + "): check oauth2.scopes");
    }
    if (status >= 500 || OAuth2Error.SERVER_ERROR.getCode().equals(code)
        || OAuth2Error.TEMPORARILY_UNAVAILABLE.getCode().equals(code)) {
      return new ProtocolException(where + " failed (" + detail + "): the provider has a problem; try again later",
          true, null);
    }
    return new ProtocolException(where + " failed (" + detail + "): check the oauth2 settings", false, null);
  }

  private static String oneLine(String s) {
    String t = s.replaceAll("[\\r\\n]+", " ").strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  /** Who logged in, from the ID token; display only, so its signature is not checked. */
  private static Optional<String> subject(String idToken) {
    if (idToken == null) {
      return Optional.empty();
    }
    try {
      JWT jwt = JWTParser.parse(idToken);
      var claims = jwt.getJWTClaimsSet();
      for (String name : List.of("email", "preferred_username", "upn", "sub")) {
        Object v = claims.getClaim(name);
        if (v instanceof String s && !s.isBlank()) {
          return Optional.of(s);
        }
      }
    } catch (java.text.ParseException e) {
      LOG.debug("oauth id_token not parseable: {}", e.getClass().getSimpleName());
    }
    return Optional.empty();
  }
}
