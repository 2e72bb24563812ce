package io.mailbridge.oauth;

import io.mailbridge.connection.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The tokens of one login, as kept in a {@link TokenStore}. Secrets are {@link Secret}s, so
 * {@code toString()} never shows them.
 *
 * @param accessToken the bearer token sent with SASL XOAUTH2/OAUTHBEARER
 * @param refreshToken the long-lived token that gets new access tokens; empty when none was issued
 * @param expiresAt when the access token expires (local clock at receipt plus {@code expires_in})
 * @param obtainedAt when the access token was issued to us
 * @param scopes the scopes granted
 * @param subject who logged in ({@code email}, {@code preferred_username} or {@code sub} of the
 *     ID token), when the provider said so
 */
public record Tokens(Secret accessToken, Optional<Secret> refreshToken, Instant expiresAt, Instant obtainedAt,
    List<String> scopes, Optional<String> subject) {

  public Tokens {
    Objects.requireNonNull(accessToken, "accessToken");
    refreshToken = refreshToken == null ? Optional.empty() : refreshToken;
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(obtainedAt, "obtainedAt");
    scopes = scopes == null ? List.of() : List.copyOf(scopes);
    subject = subject == null ? Optional.empty() : subject;
  }

  /** Whether the access token is still good at {@code now} with {@code skew} to spare. */
  public boolean validAt(Instant now, java.time.Duration skew) {
    return now.plus(skew).isBefore(expiresAt);
  }

  @Override
  public String toString() {
    return "Tokens[subject=" + subject.orElse("?") + ", expiresAt=" + expiresAt + ", refreshToken="
        + (refreshToken.isPresent() ? "***" : "none") + ", scopes=" + scopes + "]";
  }
}
