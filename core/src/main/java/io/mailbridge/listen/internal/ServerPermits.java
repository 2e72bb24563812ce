package io.mailbridge.listen.internal;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The connection slots of one server under a {@code ConnectionBudget}: a fair semaphore, so slots
 * are granted in request order, plus the counts the budget reports. {@link #UNLIMITED} grants
 * every request at once.
 */
public final class ServerPermits {
  /** No budget: never waits, never asks to hand a connection over. */
  public static final ServerPermits UNLIMITED = new ServerPermits("any", null);

  private final String server;
  private final Semaphore slots;
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  private ServerPermits(String server, Semaphore slots) {
    this.server = server;
    this.slots = slots;
  }

  public static ServerPermits limited(String server, int max) {
    return new ServerPermits(server, new Semaphore(max, true));
  }

  public String server() {
    return server;
  }

  public boolean limited() {
    return slots != null;
  }

  /** Waits for a slot; returns false (without one) when {@code stop} turns true meanwhile. */
  public boolean acquire(BooleanSupplier stop) throws InterruptedException {
    if (slots != null) {
      while (!slots.tryAcquire(200, TimeUnit.MILLISECONDS)) {
        if (stop.getAsBoolean()) {
          return false;
        }
      }
    }
    peak.accumulateAndGet(inUse.incrementAndGet(), Math::max);
    return true;
  }

  public void release() {
    inUse.decrementAndGet();
    if (slots != null) {
      slots.release();
    }
  }

  /** Someone waits for a slot of this server. */
  public boolean contended() {
    return slots != null && slots.hasQueuedThreads();
  }

  public int inUse() {
    return inUse.get();
  }

  public int peak() {
    return peak.get();
  }
}
