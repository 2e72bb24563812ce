package io.mailbridge.listen.internal;

import io.mailbridge.connection.ImapClient;
import io.mailbridge.receive.IncrementalReceive;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a watcher's threads and its stopper share: the stop request, the sleeps it cuts short, the
 * session in IDLE (to be poked awake) and the open connection (to be abandoned), and when the
 * current check began (for hand-over latency).
 */
final class WatchSignals {
  private static final Logger LOG = LoggerFactory.getLogger(WatchSignals.class);
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private volatile boolean stopping;
  private volatile IncrementalReceive.Selected idleSession;
  private volatile ImapClient current;
  /** Ends the wait of a connection told of news by NOTIFY (its IDLE has no selected folder). */
  private volatile Runnable notifyWaker;
  /** When the current check began: the new-mail signal (IDLE answered) or the poll. */
  private volatile long signalNanos;

  boolean stopping() {
    return stopping;
  }

  /** Stop after the batch in hand: wakes every sleep and ends a running IDLE. */
  void requestStop() {
    stopping = true;
    stopSignal.countDown();
    poke();
  }

  /** Sleeps for {@code d} or until a stop is requested; an interrupt counts as a stop request. */
  void sleep(Duration d) {
    try {
      stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  void interrupted() {
    Thread.currentThread().interrupt();
    stopping = true;
  }

  void idling(IncrementalReceive.Selected s) {
    idleSession = s;
  }

  IncrementalReceive.Selected idleSession() {
    return idleSession;
  }

  void connection(ImapClient c) {
    current = c;
  }

  void checkBegins() {
    signalNanos = System.nanoTime();
  }

  long checkBegan() {
    return signalNanos;
  }

  void notifyWaker(Runnable r) {
    notifyWaker = r;
  }

  /** Ends a running IDLE with a NOOP from another thread, so the watcher sees the stop request. */
  void poke() {
    Runnable w = notifyWaker;
    if (w != null) {
      w.run();
    }
    IncrementalReceive.Selected s = idleSession;
    if (s != null) {
      Thread t = new Thread(() -> {
        try {
          s.noop();
        } catch (RuntimeException e) {
          LOG.debug("listen poke error={}", e.toString());
        }
      }, "mailbridge-listen-poke");
      t.setDaemon(true);
      t.start();
    }
  }

  /** Closes the connection under the watcher; the batch in flight is re-delivered later. */
  void abandon() {
    ImapClient c = current;
    if (c != null) {
      Thread t = new Thread(c::close, "mailbridge-listen-abandon");
      t.setDaemon(true);
      t.start();
    }
  }
}
