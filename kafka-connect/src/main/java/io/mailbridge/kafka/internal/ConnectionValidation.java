package io.mailbridge.kafka.internal;

import io.mailbridge.AuthException;
import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.CheckReport;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/**
 * Connector {@code validate()}: connects to a server and logs in, bounded by
 * {@code validate.connection.timeout.ms}, and puts a failure on the key to fix: the password for a
 * rejected login, the port for a refused connection, the CA file for an untrusted certificate...
 */
public final class ConnectionValidation {
  private ConnectionValidation() {}

  /** Whether the per-key and cross-key checks left the configuration without errors. */
  public static boolean clean(Config config) {
    return config.configValues().stream().allMatch(v -> v.errorMessages().isEmpty());
  }

  /**
   * @param keys prefix of this server's host, port, user and password keys ({@code imap.},
   *     {@code smtp.} or {@code mailbox.NAME.imap.})
   * @param fallbackKey where an error goes when the connector has no key of that name (the
   *     {@code mailboxes} key for a further mailbox's own keys)
   */
  public static void check(Config config, Endpoint endpoint, String keys, String fallbackKey, Duration timeout) {
    if (timeout.isZero()) {
      return;
    }
    Endpoint bounded = endpoint.toBuilder().connectTimeout(min(endpoint.connectTimeout(), timeout))
        .readTimeout(min(endpoint.readTimeout(), timeout)).build();
    MailConnection connection = endpoint.protocol() == Endpoint.Protocol.IMAP
        ? MailConnection.builder().inbound(bounded).build() : MailConnection.builder().outbound(bounded).build();
    String server = keys.startsWith("mailbox.") ? keys : (endpoint.protocol() == Endpoint.Protocol.IMAP ? "imap."
        : "smtp.");
    Optional<MailbridgeException> error;
    // A thread of its own: name resolution and a proxy are not all bounded by the socket timeouts.
    CompletableFuture<CheckReport> run = CompletableFuture.supplyAsync(connection::check);
    try {
      error = run.get(timeout.toMillis() * 2 + 1_000, TimeUnit.MILLISECONDS).endpoints().get(0).error();
    } catch (TimeoutException e) {
      run.cancel(true);
      add(config, keys + "host", fallbackKey, endpoint.protocol() + " " + endpoint.address() + " gave no answer "
          + "within " + timeout.toMillis() + " ms (" + ServerKeys.VALIDATE_CONNECTION_TIMEOUT_MS + "): check "
          + keys + "host, " + keys + "port and the firewall");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException e) {
      add(config, keys + "host", fallbackKey, endpoint.protocol() + " " + endpoint.address() + ": " + e.getCause());
      return;
    }
    error.ifPresent(e -> add(config, keyOf(e, keys, server), fallbackKey,
        ConnectorKeys.speak(e.getMessage(), endpoint.protocol(), keys)));
  }

  /** The key an operator changes to cure the failure. */
  static String keyOf(MailbridgeException e, String keys, String server) {
    if (e instanceof AuthException) {
      return keys + "password";
    }
    if (e instanceof ConnectionException c) {
      return switch (c.reason()) {
        case REFUSED, TIMEOUT -> keys + "port";
        case TLS_UNTRUSTED -> server.startsWith("mailbox.") ? "imap.ca.file" : server + "ca.file";
        case TLS_HANDSHAKE, STARTTLS_UNAVAILABLE -> server.startsWith("mailbox.") ? "imap.security"
            : server + "security";
        case PROXY_UNREACHABLE, PROXY_AUTH, PROXY_REFUSED -> server.startsWith("mailbox.") ? "imap.proxy"
            : server + "proxy";
        default -> keys + "host";
      };
    }
    return keys + "host";
  }

  private static void add(Config config, String key, String fallbackKey, String message) {
    ConfigValue target = config.configValues().stream().filter(v -> v.name().equals(key)).findFirst()
        .or(() -> config.configValues().stream().filter(v -> v.name().equals(fallbackKey)).findFirst())
        .orElseThrow();
    // The message names the key itself: the worker's answer to a create lists messages without names.
    target.addErrorMessage(key + " failed the connection check: " + message);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
