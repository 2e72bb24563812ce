package io.mailbridge.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import java.util.Objects;
import java.util.Optional;

/**
 * Where Mailbridge reports its metrics: nowhere ({@link #none()}, the default, costs nothing) or a
 * Micrometer {@code MeterRegistry} ({@link #micrometer(MeterRegistry)}), which a caller backs with
 * Prometheus, JMX or any other Micrometer registry. Set once on the connection; every operation
 * and the Listener report to it, tagged with the mailbox ({@code user@host:port}), the folder and the
 * operation. Micrometer is an optional dependency: it must be on the class path only to use
 * {@link #micrometer(MeterRegistry)}.
 *
 * <pre>{@code
 * MeterRegistry registry = new SimpleMeterRegistry();
 * MailConnection mail = MailConnection.builder().inbound(imap).outbound(smtp)
 *     .metrics(Metrics.micrometer(registry))
 *     .build();
 * Receive.of(mail).receiveAll(settings);
 * registry.get("mailbridge.messages.received").counter().count();
 * }</pre>
 *
 * <p>The meters (names as Micrometer spells them; Prometheus turns dots into underscores and adds
 * {@code _total} to counters):
 * <ul>
 *   <li>{@code mailbridge.messages.received}, {@code mailbridge.bytes.received}: documents accepted by
 *       the handler and their RFC822.SIZE; tags mailbox, folder, operation ({@code receive},
 *       {@code listen}, {@code source})
 *   <li>{@code mailbridge.messages.sent}, {@code mailbridge.bytes.sent}: messages the SMTP server
 *       accepted (for at least one recipient) and the bytes of message data written; tags mailbox,
 *       operation ({@code send})
 *   <li>{@code mailbridge.messages.moved}, {@code mailbridge.bytes.moved}: messages moved or copied
 *       and their RFC822.SIZE; tags mailbox, folder (the source), operation ({@code move}, {@code copy};
 *       Delete's move to Trash counts as {@code move})
 *   <li>{@code mailbridge.errors}: failures; tags mailbox, folder (empty when none applies),
 *       operation, kind (a {@link io.mailbridge.ConnectionException.Reason} in lower case such as
 *       {@code refused} or {@code timeout}, or {@code auth}, {@code protocol}, {@code bad_input},
 *       {@code config}, {@code rejected}, {@code unparseable}, {@code handler}, {@code other})
 *   <li>{@code mailbridge.auth.refreshes}: OAuth 2.0 access tokens fetched by the mailbox's
 *       {@link io.mailbridge.connection.TokenProvider}; tag mailbox
 *   <li>{@code mailbridge.reconnects}: Listener connections replaced after a failure; tags
 *       mailbox, folder
 *   <li>{@code mailbridge.listen.poll} (timer): one Listener check for new mail (search, fetch,
 *       hand-over, watermark, post-action); tags mailbox, folder
 *   <li>{@code mailbridge.listen.handover} (timer): from the new-mail signal (IDLE answered, or the
 *       poll started) to a document accepted by the handler; tags mailbox, folder
 *   <li>{@code mailbridge.listen.lag} (gauge): messages on the server beyond the saved watermark
 *       (UIDNEXT - 1 - last committed UID) at the Listener's last look; tags mailbox, folder
 * </ul>
 * No tag ever holds a secret or message content.
 */
public final class Metrics {
  private static final Metrics NONE = new Metrics(null);

  // Typed as Object so that this class loads without Micrometer on the class path.
  private final Object registry;

  private Metrics(Object registry) {
    this.registry = registry;
  }

  /** No metrics (the default): every report is a no-op. */
  public static Metrics none() {
    return NONE;
  }

  /** Reports to a Micrometer registry (needs {@code io.micrometer:micrometer-core} on the class path). */
  public static Metrics micrometer(MeterRegistry registry) {
    return new Metrics(Objects.requireNonNull(registry, "registry"));
  }

  /** The Micrometer registry, empty for {@link #none()}. */
  public Optional<MeterRegistry> registry() {
    return Optional.ofNullable((MeterRegistry) registry);
  }

  /** Whether reports go anywhere. */
  public boolean enabled() {
    return registry != null;
  }

  @Override
  public String toString() {
    return registry == null ? "Metrics[none]" : "Metrics[micrometer " + registry.getClass().getSimpleName() + "]";
  }
}
