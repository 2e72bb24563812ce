package io.mailbridge.listen.internal;

import io.mailbridge.imap.MailboxNotify;
import io.mailbridge.listen.ListenerSettings;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The clock of a connection waiting for NOTIFY news: every min(pollInterval, keepalive, idleRenew)
 * it ends the wait and raises {@code lookAll}, so the watcher looks at every folder by STATUS (the
 * connection's keepalive, and the bound on how long a notification the server did not send delays
 * new mail: the poll interval, as without NOTIFY); under a connection budget it also ends the wait
 * once the slot is due to be handed over.
 */
final class NotifyTicker {
  private NotifyTicker() {}

  static Thread start(MailboxNotify notify, WatchSignals signals, Turns turns, ListenerSettings settings,
      AtomicBoolean lookAll, String name) {
    long period = Math.min(settings.pollInterval().toNanos(),
        Math.min(settings.keepalive().toNanos(), settings.idleRenew().toNanos()));
    return Ticks.start(period, turns, signals, name, periodPassed -> {
      if (periodPassed) {
        lookAll.set(true);
        notify.wake();
        return Ticks.Next.ACTED;
      }
      if (turns.due()) {
        notify.wake();
      }
      return Ticks.Next.WAIT;
    });
  }
}
