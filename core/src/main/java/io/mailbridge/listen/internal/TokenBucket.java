package io.mailbridge.listen.internal;

import java.util.function.BooleanSupplier;

/**
 * A token bucket shared by the connections of one mailbox: {@code capacity} tokens at most,
 * refilled at {@code perSecond}. A request reserves its tokens at once (the balance may go below
 * zero) and then waits until the balance it took is paid back, so concurrent callers are served in
 * the order they asked and never wait longer than the rate requires.
 */
public final class TokenBucket {
  /** Time source and sleep, replaceable in tests so no test depends on the wall clock. */
  public interface Clock {
    long nanos();

    void sleep(long nanos) throws InterruptedException;

    Clock SYSTEM = new Clock() {
      @Override
      public long nanos() {
        return System.nanoTime();
      }

      @Override
      public void sleep(long nanos) throws InterruptedException {
        Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
      }
    };
  }

  private static final long SLICE_NANOS = 200_000_000L;

  private final double perNano;
  private final int capacity;
  private final Clock clock;
  private double tokens;
  private long refilledAt;

  public TokenBucket(double perSecond, int capacity, Clock clock) {
    this.perNano = perSecond / 1e9;
    this.capacity = capacity;
    this.clock = clock;
    this.tokens = capacity;
    this.refilledAt = clock.nanos();
  }

  public int capacity() {
    return capacity;
  }

  /**
   * Takes {@code n} tokens (1 to capacity), waiting as long as the rate requires.
   *
   * @return false when {@code stop} turned true while waiting
   */
  public boolean acquire(int n, BooleanSupplier stop) throws InterruptedException {
    if (n < 1 || n > capacity) {
      throw new IllegalArgumentException("tokens " + n + " outside 1-" + capacity);
    }
    long until;
    synchronized (this) {
      long now = clock.nanos();
      tokens = Math.min(capacity, tokens + (now - refilledAt) * perNano);
      refilledAt = now;
      tokens -= n;
      until = tokens >= 0 ? now : now + (long) Math.ceil(-tokens / perNano);
    }
    for (long left = until - clock.nanos(); left > 0; left = until - clock.nanos()) {
      if (stop.getAsBoolean()) {
        return false;
      }
      clock.sleep(Math.min(left, SLICE_NANOS));
    }
    return true;
  }
}
