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
