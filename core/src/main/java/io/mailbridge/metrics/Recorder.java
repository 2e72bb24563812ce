package io.mailbridge.metrics;

import io.mailbridge.metrics.internal.MicrometerRecorder;
import io.mailbridge.AuthException;
import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.ConnectionException;
import io.mailbridge.ProtocolException;
import io.mailbridge.RejectedMessageException;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.function.LongSupplier;

/**
 * The metrics of one mailbox, as the operations report them; an endpoint gives its own
 * ({@code Endpoint.recorder()}), a no-op one unless it has {@link io.mailbridge.metrics.Metrics#micrometer}
 * metrics, so the calls cost nothing by default. Meter names and tags are listed in {@link io.mailbridge.metrics.Metrics}.
 */
public interface Recorder {
  Recorder NONE = new Recorder() {};

  /**
   * The recorder of one mailbox.
   *
   * @param mailbox the mailbox tag, {@code user@host:port}
   * @param tokens for an OAuth 2.0 login, its token provider; the registry holds it weakly, so it
   *     must live as long as the mailbox's connection settings do
   * @param refreshes how many access tokens {@code tokens} fetched so far
   */
  static <T> Recorder of(Metrics metrics, String mailbox, Optional<T> tokens, ToDoubleFunction<T> refreshes) {
    return metrics.enabled()
        ? new MicrometerRecorder(metrics.registry().orElseThrow(), mailbox, tokens, refreshes) : NONE;
  }

  /** The {@code kind} tag of an error. */
  static String kind(Throwable e) {
    if (e instanceof ConnectionException c) {
      return c.reason().name().toLowerCase(Locale.ROOT);
    }
    if (e instanceof AuthException) {
      return "auth";
    }
    if (e instanceof ProtocolException) {
      return "protocol";
    }
    if (e instanceof BadInputException) {
      return "bad_input";
    }
    if (e instanceof ConfigException) {
      return "config";
    }
    if (e instanceof RejectedMessageException) {
      return "rejected";
    }
    return "other";
  }

  default boolean enabled() {
    return false;
  }

  /** A document accepted by the handler. */
  default void received(String folder, String operation, long bytes) {}

  /** A message the server accepted for at least one recipient. */
  default void sent(String operation, long bytes) {}

  /** Messages moved or copied out of {@code folder}, and their RFC822.SIZE in total. */
  default void moved(String folder, String operation, long messages, long bytes) {}

  /** A failure of {@code kind} (see {@link #kind(Throwable)}); {@code folder} may be empty. */
  default void error(String folder, String operation, String kind) {}

  /** A Listener connection replaced after a failure. */
  default void reconnect(String folder) {}

  /** One Listener check for new mail took {@code nanos}. */
  default void poll(String folder, long nanos) {}

  /** A document was accepted {@code nanos} after the new-mail signal. */
  default void handover(String folder, long nanos) {}

  /** Registers the lag gauge of a watched folder; closing the handle removes it. */
  default AutoCloseable lag(String folder, LongSupplier lag) {
    return () -> {};
  }
}
