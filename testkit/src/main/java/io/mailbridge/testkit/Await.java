package io.mailbridge.testkit;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for a condition that another thread or process makes true (a listener delivering, a
 * server restarting), checking it every 20 ms, and fails with what was awaited when it does not
 * come true in time. Use it instead of sleeping for a fixed time: a fast machine does not wait
 * longer than needed, a slow one gets the whole timeout.
 */
public final class Await {
  private Await() {}

  /**
   * Returns as soon as {@code condition} is true; throws an {@link AssertionError} naming
   * {@code what} after {@code timeout}.
   */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - end > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for: " + what, e);
      }
    }
  }
}
