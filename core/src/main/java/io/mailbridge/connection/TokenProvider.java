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
}
