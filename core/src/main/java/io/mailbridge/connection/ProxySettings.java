package io.mailbridge.connection;

import io.mailbridge.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A proxy that an {@link Endpoint}'s connections go through: SOCKS5 (RFC 1928, with RFC 1929
 * user/password authentication) or an HTTP proxy's {@code CONNECT} tunnel (RFC 9110 9.3.6, with
 * {@code Proxy-Authorization: Basic}). The proxy only relays bytes: TLS (SSL/TLS or STARTTLS)
 * runs end to end with the mail server, and its certificate is checked against the mail server's
 * host name, never the proxy's. The mail server's name is sent to the proxy to resolve, so a
 * client without DNS of its own still connects (Angus Mail may still ask the local resolver once
 * while building its socket address; that answer is never used). Credentials belong to this setting alone: nothing
 * JVM-wide ({@code java.net.Authenticator}, system properties) is read or changed.
 *
 * <pre>{@code
 * ProxySettings socks = ProxySettings.socks5("proxy.example.com", 1080)
 *     .withCredentials("bob", Secret.fromFile(Path.of("/run/secrets/proxy")));
 * Endpoint imap = Endpoint.imap("imap.example.com").proxy(socks).auth(...).build();
 * }</pre>
 *
 * @param type SOCKS5 or HTTP (CONNECT)
 * @param host proxy host name or IP literal, resolved by this machine
 * @param port proxy TCP port
 * @param user login at the proxy, empty for none
 * @param password the proxy password, present exactly when {@code user} is
 */
public record ProxySettings(Type type, String host, int port, Optional<String> user, Optional<Secret> password) {

  /** The proxy protocol. */
  public enum Type {
    /** SOCKS version 5 (RFC 1928); {@code socks5://} or {@code socks5h://}; default port 1080. */
    SOCKS5,
    /** An HTTP proxy's CONNECT tunnel (RFC 9110 9.3.6); {@code http://}; the port is required. */
    HTTP
  }

  public ProxySettings {
    Objects.requireNonNull(type, "proxy.type");
    if (host == null || host.isBlank()) {
      throw new ConfigException("proxy.host is empty: give the proxy's host name");
    }
    if (host.chars().anyMatch(c -> c <= ' ' || c == '/' || c == '@')) {
      throw new ConfigException("proxy.host '" + host.strip() + "' is not a host name: give only the name "
          + "(e.g. proxy.example.com)");
    }
    if (port < 1 || port > 65535) {
      throw new ConfigException("proxy.port " + port + " is out of range 1-65535");
    }
    Objects.requireNonNull(user, "proxy.user");
    Objects.requireNonNull(password, "proxy.password");
    if (user.isPresent() && user.get().isEmpty()) {
      user = Optional.empty();
    }
    if (user.isPresent() != password.isPresent()) {
      throw new ConfigException(user.isPresent()
          ? "proxy.user '" + user.get() + "' has no password: give the proxy password too"
          : "proxy.password is set without proxy.user: give the proxy login too");
    }
    if (user.isPresent()) {
      String u = user.get();
      if (u.chars().anyMatch(Character::isISOControl)) {
        throw new ConfigException("proxy.user contains a control character");
      }
      // RFC 1929 2: UNAME and PASSWD are 1-255 bytes each.
      if (type == Type.SOCKS5 && (u.getBytes(StandardCharsets.UTF_8).length > 255
          || password.get().reveal().getBytes(StandardCharsets.UTF_8).length > 255)) {
        throw new ConfigException("proxy.user or proxy.password is longer than 255 bytes, the SOCKS5 limit "
            + "(RFC 1929)");
      }
      // RFC 7617 2: the user-id of Basic credentials cannot contain a colon.
      if (type == Type.HTTP && u.indexOf(':') >= 0) {
        throw new ConfigException("proxy.user '" + u + "' contains ':', which HTTP Basic authentication cannot carry");
      }
    }
  }

  /** A SOCKS5 proxy without credentials. */
  public static ProxySettings socks5(String host, int port) {
    return new ProxySettings(Type.SOCKS5, host, port, Optional.empty(), Optional.empty());
  }

  /** An HTTP CONNECT proxy without credentials. */
  public static ProxySettings http(String host, int port) {
    return new ProxySettings(Type.HTTP, host, port, Optional.empty(), Optional.empty());
  }

  /** The same proxy with a login. */
  public ProxySettings withCredentials(String user, Secret password) {
    return new ProxySettings(type, host, port, Optional.ofNullable(user), Optional.ofNullable(password));
  }

  /**
   * Parses {@code socks5://[user@]host[:port]} (also {@code socks5h://}) or
   * {@code http://[user@]host:port}. A password inside the URL is refused: it would end up in shell
   * history and process lists; pass it as {@code password} instead.
   *
   * @param url the proxy URL
   * @param password the proxy password, used when the URL names a user (ignored otherwise: a
   *     proxy that wants a login then says so when connecting)
   */
  public static ProxySettings parse(String url, Optional<Secret> password) {
    Objects.requireNonNull(url, "proxy");
    String text = url.strip();
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new ConfigException("proxy '" + redactUserInfo(text) + "' is not a URL: use socks5://host:port or "
          + "http://host:port");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    Type type = switch (scheme) {
      case "socks5", "socks5h", "socks" -> Type.SOCKS5;
      case "http" -> Type.HTTP;
      case "https" -> throw new ConfigException("proxy '" + redactUserInfo(text) + "': TLS to the proxy (https://) is "
          + "not supported; use http:// (mail TLS still runs end to end through the tunnel) or socks5://");
      default -> throw new ConfigException("proxy '" + redactUserInfo(text) + "' has no supported scheme: use "
          + "socks5://host:port or http://host:port");
    };
    String info = uri.getRawUserInfo();
    if (info != null && info.indexOf(':') >= 0) {
      throw new ConfigException("proxy URL contains a password: give only the user in the URL "
          + "(socks5://user@host:port) and the password separately");
    }
    if (uri.getHost() == null || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))
        || uri.getQuery() != null || uri.getFragment() != null) {
      throw new ConfigException("proxy '" + redactUserInfo(text) + "' is not of the form " + scheme
          + "://[user@]host:port");
    }
    int port = uri.getPort();
    if (port < 0) {
      if (type == Type.HTTP) {
        throw new ConfigException("proxy '" + redactUserInfo(text) + "' has no port: HTTP proxies have no standard "
            + "port, give it (e.g. http://proxy.example.com:3128)");
      }
      port = 1080;
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    Optional<String> user = Optional.ofNullable(uri.getUserInfo()).filter(u -> !u.isEmpty());
    if (user.isPresent() && password.isEmpty()) {
      throw new ConfigException("proxy user '" + user.get() + "' has no password: give the proxy password "
          + "separately (never inside the URL)");
    }
    ProxySettings p = new ProxySettings(type, host, port, Optional.empty(), Optional.empty());
    return user.isPresent() ? p.withCredentials(user.get(), password.get()) : p;
  }

  private static String redactUserInfo(String text) {
    int at = text.lastIndexOf('@');
    int scheme = text.indexOf("://");
    return at > 0 && scheme >= 0 && at > scheme ? text.substring(0, scheme + 3) + "***" + text.substring(at) : text;
  }

  /** {@code host:port} of the proxy, for messages. */
  public String address() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The proxy as a URL without password, e.g. {@code socks5://bob@proxy.example.com:1080}. */
  @Override
  public String toString() {
    return type.name().toLowerCase(Locale.ROOT) + "://" + user.map(u -> u + "@").orElse("") + address();
  }
}
