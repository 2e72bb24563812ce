package io.mailbridge.kafka.internal;

import java.time.Duration;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;

/**
 * The keys both connectors share in shape for a server they cannot reach or log in to:
 * {@code <server>.connect.retry.max.duration.ms} and (source) {@code <server>.connect.retry.backoff.ms}
 * (how long a task retries before it fails with the reason, and the first wait) and
 * {@code validate.connection.timeout.ms} (whether and how long {@code validate()} tries the server).
 */
public final class ServerKeys {
  public static final String VALIDATE_CONNECTION_TIMEOUT_MS = "validate.connection.timeout.ms";

  private ServerKeys() {}

  /** {@code imap.connect.retry.max.duration.ms} or {@code smtp.connect.retry.max.duration.ms}. */
  public static String retryMaxDuration(String server) {
    return server + ".connect.retry.max.duration.ms";
  }

  /** {@code imap.connect.retry.backoff.ms} or {@code smtp.connect.retry.backoff.ms}. */
  public static String retryBackoff(String server) {
    return server + ".connect.retry.backoff.ms";
  }

  /**
   * Adds the keys to a connector's definition.
   *
   * @param server {@code imap} or {@code smtp}
   * @param maxWaitDoc what bounds one wait between attempts, for the documentation; null: the
   *     connector has its own wait key and no {@code <server>.connect.retry.backoff.ms}
   */
  public static ConfigDef define(ConfigDef def, String server, String group, int order, String maxWaitDoc) {
    String protocol = server.toUpperCase(java.util.Locale.ROOT);
    if (maxWaitDoc != null) {
      def.define(retryBackoff(server), Type.LONG, 1_000L, ConfigDef.Range.between(1, 3_600_000), Importance.LOW,
          "First wait between two attempts to reach the " + protocol + " server in milliseconds, doubled after "
              + "each further failure up to " + maxWaitDoc + ". Default 1000.", group, order + 3, Width.SHORT,
          "Retry backoff (ms)");
    }
    return def
        .define(retryMaxDuration(server), Type.LONG, 300_000L, ConfigDef.Range.between(0, 7L * 24 * 3600 * 1000),
            Importance.MEDIUM, "How long a task keeps retrying an " + protocol + " server it cannot reach (connection "
                + "refused, timed out or dropped, throttled), in milliseconds, before it fails with the reason (shown "
                + "in the connector's status, as a wrong password, an unknown host or an untrusted certificate are at "
                + "once). "
                + "The clock starts at the first failure and restarts after any success; 0 fails at the first. "
                + "Default 300000.",
            group, order, Width.SHORT, "Retry for (ms)")
        .define(VALIDATE_CONNECTION_TIMEOUT_MS, Type.LONG, 10_000L, ConfigDef.Range.between(0, 120_000),
            Importance.LOW, "Connector validation (REST config/validate, creating or updating the connector) "
                + "connects to the " + protocol + " server and logs in, and reports a failure on the key at fault "
                + "(host, port, security, CA file, user, password). At most this many milliseconds; 0 skips the "
                + "check. Default 10000.", group, order + 1, Width.SHORT, "Validation timeout (ms)");
  }

  /**
   * Adds the channel keys both connectors share in shape: {@code <server>.security},
   * {@code .password}, {@code .ca.file}, {@code .allow.plaintext}, {@code .connect.timeout.ms},
   * {@code .read.timeout.ms}, {@code .proxy} and {@code .proxy.password}, in the group's orders 3 and 5-11
   * (host, port and user, whose rules differ, are the connector's own: 1, 2 and 4).
   *
   * @param server {@code imap} or {@code smtp}
   * @param defaultSecurity {@code ssl_tls} or {@code starttls}
   */
  public static ConfigDef defineChannel(ConfigDef def, String server, String group, String defaultSecurity) {
    String protocol = server.toUpperCase(java.util.Locale.ROOT);
    return def
        .define(server + ".security", Type.STRING, defaultSecurity,
            ConfigDef.CaseInsensitiveValidString.in("ssl_tls", "starttls", "none"), Importance.HIGH,
            "Channel protection: ssl_tls (TLS from the first byte), starttls (upgrade, fails closed when the server "
                + "does not offer it) or none (plain text; needs " + server + ".allow.plaintext=true). Default "
                + defaultSecurity + ".",
            group, 3, Width.SHORT, protocol + " security")
        .define(server + ".password", Type.PASSWORD, null, Importance.HIGH,
            "Password or app password for " + server + ".user. Use a config provider (${file:...}) rather than a "
                + "literal.",
            group, 5, Width.MEDIUM, protocol + " password")
        .define(server + ".ca.file", Type.STRING, "", Importance.MEDIUM,
            "PEM file with the CA certificates to trust instead of the JVM's defaults. Empty: the JVM's trust store.",
            group, 6, Width.LONG, "CA file")
        .define(server + ".allow.plaintext", Type.BOOLEAN, false, Importance.LOW,
            "Explicit opt-in for " + server + ".security=none: the login and mail then travel unencrypted. Default "
                + "false.",
            group, 7, Width.SHORT, "Allow plain text")
        .define(server + ".connect.timeout.ms", Type.LONG, 30_000L, ConfigDef.Range.between(1, Integer.MAX_VALUE),
            Importance.LOW, "TCP connect timeout in milliseconds. Default 30000.", group, 8, Width.SHORT,
            "Connect timeout (ms)")
        .define(server + ".read.timeout.ms", Type.LONG, 60_000L, ConfigDef.Range.between(1, Integer.MAX_VALUE),
            Importance.LOW, "Timeout for each server answer in milliseconds. Default 60000.", group, 9, Width.SHORT,
            "Read timeout (ms)")
        .define(server + ".proxy", Type.STRING, "", Importance.MEDIUM, ProxyKeys.URL_DOC, group, 10, Width.LONG,
            "Proxy")
        .define(server + ".proxy.password", Type.PASSWORD, null, Importance.MEDIUM, ProxyKeys.PASSWORD_DOC, group,
            11, Width.MEDIUM, "Proxy password");
  }

  /** The outage clock of a task: waits from {@code <server>.connect.retry.backoff.ms} up to {@code maxBackoff}. */
  public static OutageClock clock(AbstractConfig config, String server, Duration maxBackoff) {
    return clock(config, server, Duration.ofMillis(config.getLong(retryBackoff(server))), maxBackoff);
  }

  /** The outage clock of a task with its own waits. */
  public static OutageClock clock(AbstractConfig config, String server, Duration backoff, Duration maxBackoff) {
    return new OutageClock(Duration.ofMillis(config.getLong(retryMaxDuration(server))), backoff, maxBackoff,
        retryMaxDuration(server));
  }
}
