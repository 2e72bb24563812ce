package io.mailbridge.kafka.internal;

import java.time.Duration;
import java.util.function.LongSupplier;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Bounds how long a task keeps retrying a server it cannot reach: from the first failure of an
 * outage, each further failure waits longer (doubling from {@code backoff} up to {@code maxBackoff}),
 * and once {@code maxDuration} has passed without a success the task fails with the reason, so
 * Kafka Connect shows it as FAILED in the connector's status instead of RUNNING with only log lines.
 */
public final class OutageClock {
  private final Duration maxDuration;
  private final Duration backoff;
  private final Duration maxBackoff;
  private final String maxDurationKey;
  private final LongSupplier nanos;
  private long firstFailure = -1;
  private int failures;

  /**
   * @param maxDurationKey the connector key that sets {@code maxDuration}, named in the failure
   */
  public OutageClock(Duration maxDuration, Duration backoff, Duration maxBackoff, String maxDurationKey) {
    this(maxDuration, backoff, maxBackoff, maxDurationKey, System::nanoTime);
  }

  OutageClock(Duration maxDuration, Duration backoff, Duration maxBackoff, String maxDurationKey,
      LongSupplier nanos) {
    this.maxDuration = maxDuration;
    this.backoff = backoff;
    this.maxBackoff = maxBackoff.compareTo(backoff) < 0 ? backoff : maxBackoff;
    this.maxDurationKey = maxDurationKey;
    this.nanos = nanos;
  }

  /** The server answered: the next failure starts a new outage. */
  public void ok() {
    firstFailure = -1;
    failures = 0;
  }

  /** Whether a failure was recorded since the last success. */
  public boolean failing() {
    return firstFailure >= 0;
  }

  /**
   * Records a failure that retrying may cure.
   *
   * @param what the server, e.g. {@code IMAP mailbox bob@imap.example.com:993}
   * @param reason the failure, in the connector's keys
   * @return how long to wait before the next attempt, never past the bound
   * @throws ConnectException when the outage has lasted {@code maxDuration}: the task fails with it
   */
  public Duration failed(String what, String reason, Throwable cause) {
    long now = nanos.getAsLong();
    if (firstFailure < 0) {
      firstFailure = now;
    }
    failures++;
    Duration elapsed = Duration.ofNanos(now - firstFailure);
    if (elapsed.compareTo(maxDuration) >= 0) {
      throw new ConnectException(what + " unreachable for " + elapsed.toMillis() + " ms (" + failures + " attempts, "
          + "bound " + maxDurationKey + "=" + maxDuration.toMillis() + "): " + reason + ". The task stops: fix the "
          + "server, network or settings, then restart the task", cause);
    }
    long wait = backoff.toMillis() << Math.min(failures - 1, 20);
    wait = Math.min(Math.max(wait, 0), maxBackoff.toMillis());
    return Duration.ofMillis(Math.min(wait, maxDuration.minus(elapsed).toMillis()));
  }
}
