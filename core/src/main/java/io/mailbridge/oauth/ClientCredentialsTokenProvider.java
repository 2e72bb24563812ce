package io.mailbridge.oauth;

import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.TokenProvider;
import io.mailbridge.oauth.internal.TokenEndpoint;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Access tokens for a daemon with the client credentials grant (RFC 6749 4.4), e.g. Microsoft 365
 * app-only access with {@code https://outlook.office365.com/.default}. Nothing is stored: the token
 * is kept in memory and fetched again {@link OAuthSettings#refreshSkew()} before it expires or after
 * {@link #invalidate()}. Thread-safe.
 *
 * <pre>{@code
 * OAuthSettings app = OAuthSettings.microsoft(tenantId).grant(Grant.CLIENT_CREDENTIALS)
 *     .clientId(appId).clientSecret(Secret.fromFile(secretFile)).build();
 * Auth auth = Auth.oauth2("shared-mailbox@contoso.com", new ClientCredentialsTokenProvider(app));
 * }</pre>
 */
public final class ClientCredentialsTokenProvider implements TokenProvider {
  private final OAuthSettings settings;
  private final Clock clock;
  private final TokenEndpoint endpoint;
  private final AtomicLong refreshes = new AtomicLong();
  private Tokens current;

  public ClientCredentialsTokenProvider(OAuthSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public ClientCredentialsTokenProvider(OAuthSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    if (settings.grant() != OAuthSettings.Grant.CLIENT_CREDENTIALS) {
      throw new ConfigException("oauth2.grant is " + settings.grant().name().toLowerCase(java.util.Locale.ROOT)
          + ": ClientCredentialsTokenProvider needs client_credentials");
    }
    this.clock = Objects.requireNonNull(clock, "clock");
    this.endpoint = new TokenEndpoint(settings, clock);
  }

  @Override
  public synchronized Secret accessToken() {
    if (current == null || !current.validAt(clock.instant(), settings.refreshSkew())) {
      current = endpoint.request(new ClientCredentialsGrant(), Optional.empty(),
          "check that the application may use the client_credentials grant");
      refreshes.incrementAndGet();
    }
    return current.accessToken();
  }

  @Override
  public synchronized void invalidate() {
    current = null;
  }

  @Override
  public long refreshes() {
    return refreshes.get();
  }

  @Override
  public String toString() {
    return "ClientCredentialsTokenProvider[clientId=" + settings.clientId() + "]";
  }
}
