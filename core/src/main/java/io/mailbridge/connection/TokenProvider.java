package io.mailbridge.connection;

/**
 * Supplies an OAuth 2.0 access token for SASL XOAUTH2/OAUTHBEARER. Called on every connect and
 * reconnect; implementations refresh before expiry and must be thread-safe.
 */
@FunctionalInterface
public interface TokenProvider {
  /** A currently valid access token. */
  Secret accessToken();

  /**
   * Called when the server rejected the token from {@link #accessToken()}: the next call should
   * refresh instead of returning a cached token. The default does nothing.
   */
  default void invalidate() {}

  /**
   * How many access tokens this provider has fetched from the authorization server so far (refreshes
   * before expiry and after {@link #invalidate()} alike), reported as {@code mailbridge.auth.refreshes}.
   * The default, for providers that do not count, is 0.
   */
  default long refreshes() {
    return 0;
  }
}
