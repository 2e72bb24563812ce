package io.mailbridge.listen.internal;

import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher's turns at its server's connection slots: it takes a slot before connecting, gives
 * it back when the connection closes, and hands it over after the check in hand (nothing is left
 * half done) whenever another connection waits for a slot. A turn under contention is thus one
 * check (connect, log in, look for new mail, fetch what arrived), never a hold: every extra moment
 * one account held a slot was a moment added to every other account's wait.
 */
final class Turns {
  private static final Logger LOG = LoggerFactory.getLogger(Turns.class);
  private final ServerPermits permits;
  private boolean handedOver;

  Turns(ServerPermits permits) {
    this.permits = permits;
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
    handedOver = false;
    return true;
  }

  void giveBack() {
    permits.release();
  }

  /** Another connection waits for a slot: end IDLE to hand this one over. */
  boolean due() {
    return permits.contended();
  }

  /**
   * True (and the connection is to be closed) when the slot is {@link #due()}; remembered for
   * {@link #handedOver()}.
   */
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
