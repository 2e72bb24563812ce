package io.mailbridge.listen.internal;

import java.util.concurrent.TimeUnit;

/**
 * The clock of a waiting connection, on a daemon thread of its own: it wakes every period (every
 * 200 ms at the most under a connection budget, so that a slot due to be handed over is noticed
 * soon) and tells its beat whether the period has passed since the beat last acted.
 */
final class Ticks {
  private static final long HAND_OVER_TICK = TimeUnit.MILLISECONDS.toNanos(200);

  private Ticks() {}

  /** What the clock does next after a beat. */
  enum Next {
    /** Nothing was done: the period goes on. */
    WAIT,
    /** The beat acted: the period starts again. */
    ACTED,
    /** The clock ends. */
    END
  }

  /** What a wake-up does. */
  interface Beat {
    Next beat(boolean periodPassed);
  }

  /** Starts the clock; it ends on stop, when interrupted or when the beat says so. */
  static Thread start(long periodNanos, Turns turns, WatchSignals signals, String name, Beat beat) {
    long tick = turns.limited() ? Math.min(periodNanos, HAND_OVER_TICK) : periodNanos;
    Thread t = new Thread(() -> {
      long last = System.nanoTime();
      while (!signals.stopping()) {
        try {
          TimeUnit.NANOSECONDS.sleep(tick);
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        Next next = beat.beat(now - last >= periodNanos);
        if (next == Next.END) {
          return;
        }
        if (next == Next.ACTED) {
          last = now;
        }
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }
}
