package io.mailbridge.listen.internal;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * The connection slots of one server under a {@code ConnectionBudget}: granted strictly in request
 * order, plus the counts the budget reports. {@link #UNLIMITED} grants every request at once. A
 * waiter keeps its place while it looks at its stop condition (a fair semaphore's timed acquire
 * would send it to the back of the queue each time, so under a long queue some waiters were passed
 * over again and again).
 */
public final class ServerPermits {
  /** No budget: never waits, never asks to hand a connection over. */
  public static final ServerPermits UNLIMITED = new ServerPermits("any", 0, false);

  private final String server;
  private final boolean limited;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  /** Waiters in request order; the head gets the next free slot. */
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private int free;
  private final AtomicInteger inUse = new AtomicInteger();
  private final AtomicInteger peak = new AtomicInteger();

  private ServerPermits(String server, int max, boolean limited) {
    this.server = server;
    this.free = max;
    this.limited = limited;
  }

  public static ServerPermits limited(String server, int max) {
    return new ServerPermits(server, max, true);
  }

  public String server() {
    return server;
  }

  public boolean limited() {
    return limited;
  }

  /** Waits for a slot; returns false (without one) when {@code stop} turns true meanwhile. */
  public boolean acquire(BooleanSupplier stop) throws InterruptedException {
    if (limited) {
      Object me = new Object();
      lock.lock();
      try {
        queue.addLast(me);
        try {
          while (queue.peekFirst() != me || free == 0) {
            if (stop.getAsBoolean()) {
              return false;
            }
            changed.await(200, TimeUnit.MILLISECONDS);
          }
          free--;
        } finally {
          queue.remove(me);
          changed.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }
    peak.accumulateAndGet(inUse.incrementAndGet(), Math::max);
    return true;
  }

  public void release() {
    inUse.decrementAndGet();
    if (limited) {
      lock.lock();
      try {
        free++;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Someone waits for a slot of this server. */
  public boolean contended() {
    if (!limited) {
      return false;
    }
    lock.lock();
    try {
      return !queue.isEmpty();
    } finally {
      lock.unlock();
    }
  }

  public int inUse() {
    return inUse.get();
  }

  public int peak() {
    return peak.get();
  }
}
