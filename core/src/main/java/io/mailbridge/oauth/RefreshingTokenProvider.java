package io.mailbridge.oauth;

import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import io.mailbridge.AuthException;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.TokenProvider;
import io.mailbridge.oauth.internal.TokenEndpoint;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Access tokens from a login kept in a {@link TokenStore} (see {@link AuthorizationCodeLogin}).
 * Hands out the cached access token until {@link OAuthSettings#refreshSkew()} before it expires,
 * then refreshes it with the refresh token; a rotated refresh token is saved to the store before the
 * new access token is used, so it survives a crash. {@link #invalidate()} (the server rejected the
 * token) forces a refresh on the next call. Thread-safe; one refresh at a time.
 *
 * <pre>{@code
 * TokenProvider tokens = new RefreshingTokenProvider(settings, TokenStore.at(file));
 * Auth auth = Auth.oauth2("alice@example.com", tokens);
 * }</pre>
 *
 * Errors: no login or a revoked refresh token ({@code invalid_grant}) is an
 * {@link io.mailbridge.AuthException} carrying the store's login hint; an unreachable provider is a
 * retriable {@link io.mailbridge.ConnectionException}.
 */
public final class RefreshingTokenProvider implements TokenProvider {
  private static final Logger LOG = LoggerFactory.getLogger(RefreshingTokenProvider.class);

  private final OAuthSettings settings;
  private final TokenStore store;
  private final Clock clock;
  private final TokenEndpoint endpoint;
  private final AtomicLong refreshes = new AtomicLong();
  private Tokens current;
  private boolean forceRefresh;

  public RefreshingTokenProvider(OAuthSettings settings, TokenStore store) {
    this(settings, store, Clock.systemUTC());
  }

  /** With an explicit clock (tests, or hosts whose clock is known to drift). */
  public RefreshingTokenProvider(OAuthSettings settings, TokenStore store, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.endpoint = new TokenEndpoint(settings, clock);
  }

  @Override
  public synchronized Secret accessToken() {
    if (current == null) {
      current = store.require();
    }
    if (!forceRefresh && current.validAt(clock.instant(), settings.refreshSkew())) {
      return current.accessToken();
    }
    Secret rejected = forceRefresh ? current.accessToken() : null;
    // One refresh at a time per token file, across threads and processes (a CLI run beside a
    // daemon): with rotating refresh tokens, two refreshes with the same token can end the grant.
    return store.locked(() -> {
      // Someone sharing the store may have refreshed (and rotated) meanwhile: use their tokens
      // rather than spend a refresh token that may no longer be valid.
      Tokens onDisk = store.require();
      if (!onDisk.accessToken().equals(rejected) && onDisk.validAt(clock.instant(), settings.refreshSkew())) {
        current = onDisk;
        forceRefresh = false;
        return current.accessToken();
      }
      current = onDisk;
      Secret refresh = current.refreshToken().orElseThrow(() -> new AuthException("the access token in "
          + store.file() + " has expired and there is no refresh token: " + store.loginHint(), null));
      LOG.debug("oauth refreshing forced={} expiresAt={}", rejected != null, current.expiresAt());
      Tokens fresh = endpoint.request(new RefreshTokenGrant(new RefreshToken(refresh.reveal())),
          current.refreshToken(), store.loginHint());
      refreshes.incrementAndGet();
      if (fresh.subject().isEmpty() && current.subject().isPresent()) {
        fresh = new Tokens(fresh.accessToken(), fresh.refreshToken(), fresh.expiresAt(), fresh.obtainedAt(),
            fresh.scopes(), current.subject());
      }
      // Persist first: a rotated refresh token lost to a crash would mean logging in again.
      store.save(fresh);
      current = fresh;
      forceRefresh = false;
      return current.accessToken();
    });
  }

  @Override
  public synchronized void invalidate() {
    forceRefresh = true;
  }

  /**
   * Revokes the login at the provider (RFC 7009): the refresh token when there is one (which ends
   * the whole grant at most providers), else the access token. Does not touch the store.
   *
   * @return false when the provider has no revocation endpoint or did not confirm
   */
  public synchronized boolean revoke() {
    Tokens t = tokens();
    if (settings.revocationEndpoint().isEmpty()) {
      return false;
    }
    com.nimbusds.oauth2.sdk.token.Token token = t.refreshToken()
        .<com.nimbusds.oauth2.sdk.token.Token>map(r -> new RefreshToken(r.reveal()))
        .orElseGet(() -> new com.nimbusds.oauth2.sdk.token.BearerAccessToken(t.accessToken().reveal()));
    return endpoint.revoke(settings.revocationEndpoint().get(), token);
  }

  /** The tokens in use (loaded from the store when not yet), for status display. */
  public synchronized Tokens tokens() {
    if (current == null) {
      current = store.require();
    }
    return current;
  }

  @Override
  public long refreshes() {
    return refreshes.get();
  }

  @Override
  public String toString() {
    return "RefreshingTokenProvider[" + store.file() + "]";
  }
}
