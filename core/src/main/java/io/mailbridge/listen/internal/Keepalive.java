package io.mailbridge.listen.internal;

import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.receive.IncrementalReceive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends IDLE every min(keepalive, idleRenew) with a NOOP from its own thread: Angus sends DONE, the
 * IDLE call returns, and the watcher re-issues IDLE. A dead connection makes the pending read time
 * out (keepalive + responseTimeout), which fails the watcher's IDLE and triggers a reconnect. Under
 * a connection budget it also ends IDLE once the slot is due to be handed over ({@link Turns#due()}).
 */
final class Keepalive {
  private static final Logger LOG = LoggerFactory.getLogger(Keepalive.class);

  private Keepalive() {}

  /** Starts the keepalive thread for {@code s}; it ends when interrupted, on stop or when a NOOP fails. */
  static Thread start(IncrementalReceive.Selected s, WatchSignals signals, Turns turns, ListenerSettings settings,
      String name) {
    long period = (settings.keepalive().compareTo(settings.idleRenew()) <= 0 ? settings.keepalive()
        : settings.idleRenew()).toNanos();
    return Ticks.start(period, turns, signals, name, periodPassed -> {
      if (signals.idleSession() != s || !(periodPassed || turns.due())) {
        return Ticks.Next.WAIT;
      }
      try {
        if (periodPassed) {
          s.keepalive();
        } else {
          // Ended to hand the slot over: mail found by the check that follows says nothing
          // about whether the server pushes during IDLE, so it must not count as a missed push.
          s.noop();
        }
      } catch (RuntimeException e) {
        LOG.debug("listen keepalive NOOP failed error={}", e.toString());
        return Ticks.Next.END;
      }
      return Ticks.Next.ACTED;
    });
  }
}
