package io.mailbridge.metrics.internal;

import io.mailbridge.metrics.Recorder;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/** {@link Recorder} on a Micrometer registry; loaded only when the registry is given. */
public final class MicrometerRecorder implements Recorder {
  private final MeterRegistry registry;
  private final String mailbox;

  public <T> MicrometerRecorder(MeterRegistry registry, String mailbox, Optional<T> tokens,
      ToDoubleFunction<T> refreshes) {
    this.registry = registry;
    this.mailbox = mailbox;
    // The provider counts its own refreshes (before expiry and after a rejected token alike); the
    // first provider registered for a mailbox is the one reported. The registry keeps the provider
    // weakly: it must be the long-lived provider itself, not a wrapper made here.
    tokens.ifPresent(provider -> FunctionCounter.builder("mailbridge.auth.refreshes", provider, refreshes)
        .description("OAuth 2.0 access tokens fetched for the mailbox").tags("mailbox", mailbox).register(registry));
  }

  @Override
  public boolean enabled() {
    return true;
  }

  @Override
  public void received(String folder, String operation, long bytes) {
    Tags t = Tags.of("mailbox", mailbox, "folder", folder, "operation", operation);
    Counter.builder("mailbridge.messages.received").description("Documents accepted by the handler").tags(t)
        .register(registry).increment();
    Counter.builder("mailbridge.bytes.received").description("RFC822.SIZE of the documents accepted").baseUnit("bytes")
        .tags(t).register(registry).increment(bytes);
  }

  @Override
  public void sent(String operation, long bytes) {
    Tags t = Tags.of("mailbox", mailbox, "operation", operation);
    Counter.builder("mailbridge.messages.sent").description("Messages the SMTP server accepted").tags(t)
        .register(registry).increment();
    Counter.builder("mailbridge.bytes.sent").description("Message data written for the messages accepted")
        .baseUnit("bytes").tags(t).register(registry).increment(bytes);
  }

  @Override
  public void moved(String folder, String operation, long messages, long bytes) {
    Tags t = Tags.of("mailbox", mailbox, "folder", folder, "operation", operation);
    Counter.builder("mailbridge.messages.moved").description("Messages moved or copied out of the folder").tags(t)
        .register(registry).increment(messages);
    Counter.builder("mailbridge.bytes.moved").description("RFC822.SIZE of the messages moved or copied")
        .baseUnit("bytes").tags(t).register(registry).increment(bytes);
  }

  @Override
  public void error(String folder, String operation, String kind) {
    Counter.builder("mailbridge.errors").description("Failures by kind")
        .tags("mailbox", mailbox, "folder", folder, "operation", operation, "kind", kind).register(registry)
        .increment();
  }

  @Override
  public void reconnect(String folder) {
    Counter.builder("mailbridge.reconnects").description("Listener connections replaced after a failure")
        .tags("mailbox", mailbox, "folder", folder).register(registry).increment();
  }

  @Override
  public void poll(String folder, long nanos) {
    Timer.builder("mailbridge.listen.poll").description("One Listener check for new mail")
        .tags("mailbox", mailbox, "folder", folder).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void handover(String folder, long nanos) {
    Timer.builder("mailbridge.listen.handover").description("From the new-mail signal to the document accepted")
        .tags("mailbox", mailbox, "folder", folder).register(registry).record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public AutoCloseable lag(String folder, LongSupplier lag) {
    Gauge g = Gauge.builder("mailbridge.listen.lag", lag, s -> s.getAsLong())
        .description("Messages on the server beyond the saved watermark").tags("mailbox", mailbox, "folder", folder)
        .strongReference(true).register(registry);
    return () -> registry.remove(g);
  }
}
