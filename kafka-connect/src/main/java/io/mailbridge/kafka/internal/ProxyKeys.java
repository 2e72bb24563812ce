package io.mailbridge.kafka.internal;

import io.mailbridge.connection.ProxySettings;
import io.mailbridge.connection.Secret;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The proxy keys both connectors share in shape ({@code <server>.proxy} and
 * {@code <server>.proxy.password}), mapped to {@link ProxySettings} in one place.
 */
public final class ProxyKeys {
  /** Documentation of the URL key, shared by both connectors. */
  public static final String URL_DOC = "Proxy to connect through: socks5://[user@]host[:port] (port 1080 by default) "
      + "or http://[user@]host:port (HTTP CONNECT). The mail server's name is resolved by the proxy; TLS runs end to "
      + "end with the mail server. Empty: connect directly.";

  /** Documentation of the password key. */
  public static final String PASSWORD_DOC = "Password of the proxy user named in the proxy URL. Use a config "
      + "provider (${file:...}) rather than a literal; never put it in the URL.";

  private ProxyKeys() {}

  /**
   * @param urlKey name of the URL key, for messages
   * @param url its value, empty for a direct connection
   * @param password value of the password key, may be null
   * @return the proxy, empty for a direct connection
   * @throws ConfigException starting with {@code urlKey}
   */
  public static Optional<ProxySettings> map(String urlKey, String url, Password password) {
    String u = url == null ? "" : url.strip();
    if (u.isEmpty()) {
      return Optional.empty();
    }
    Optional<Secret> secret = Optional.ofNullable(password).map(Password::value).filter(v -> !v.isBlank())
        .map(Secret::of);
    try {
      return Optional.of(ProxySettings.parse(u, secret));
    } catch (io.mailbridge.ConfigException e) {
      throw new ConfigException(urlKey + " rejected: " + e.getMessage());
    }
  }
}
