package io.mailbridge.listen.internal;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher's turns at its server's connection slots: it takes a slot before connecting, gives
 * it back when the connection closes, and hands it over once another connection waits for a slot
 * and this one has had at least {@code pollInterval} (after the check in hand, so nothing is left
 * half done).
 */
final class Turns {
  private static final Logger LOG = LoggerFactory.getLogger(Turns.class);
  private final ServerPermits permits;
  private final long minHoldNanos;
  private volatile long heldSince;
  private boolean handedOver;

  Turns(ServerPermits permits, Duration pollInterval) {
    this.permits = permits;
    this.minHoldNanos = pollInterval.toNanos();
  }

  /** Whether a budget limits the server's connections (hand-overs can happen). */
  boolean limited() {
    return permits.limited();
  }

  /** Waits for a slot; false (without one) when {@code stop} turns true meanwhile. */
  boolean take(BooleanSupplier stop) throws InterruptedException {
    if (!permits.acquire(stop)) {
      return false;
    }
    heldSince = System.nanoTime();
    handedOver = false;
    return true;
  }

  void giveBack() {
    permits.release();
  }

  /** Another connection waits for a slot and this one has had its share: end IDLE to hand over. */
  boolean due() {
    return permits.contended() && System.nanoTime() - heldSince >= minHoldNanos;
  }

  /** True (and the connection is to be closed) when the slot is {@link #due()}; remembered for {@link #handedOver()}. */
  boolean handOver(String mailbox, Object folders) {
    if (!due()) {
      return false;
    }
    LOG.debug("listen handing connection over mailbox={} folders={} server={}", mailbox, folders, permits.server());
    handedOver = true;
    return true;
  }

  /** Whether the last connection ended by handing its slot over (not by a failure or a stop). */
  boolean handedOver() {
    return handedOver;
  }
}
