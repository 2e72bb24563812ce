package io.mailbridge.listen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.IncrementalReceive;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The keepalive thread ends IDLE for two reasons, and only one of them is a keepalive: when its
 * period is due (mail found afterwards was not pushed by the server: a miss that can switch the
 * folder to polling), and when another connection waits for the slot (mail found afterwards says
 * nothing about the server's push, so it must not count).
 */
class KeepaliveTest {
  private static final ListenerSettings LONG_KEEPALIVE = ListenerSettings.builder().folders("INBOX")
      .keepalive(Duration.ofMinutes(5)).idleRenew(Duration.ofMinutes(10)).build();

  @Test
  void endingIdleToHandTheSlotOverIsAPlainNoopNotAKeepalive() throws Exception {
    ServerPermits permits = ServerPermits.limited("test:143", 1);
    assertThat(permits.acquire(() -> false)).isTrue();
    AtomicBoolean stopWaiter = new AtomicBoolean();
    Thread waiter = new Thread(() -> {
      try {
        if (permits.acquire(stopWaiter::get)) {
          permits.release();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Recording session = new Recording();
    WatchSignals signals = new WatchSignals();
    signals.idling(session);
    Thread keepalive = Keepalive.start(session, signals, new Turns(permits), LONG_KEEPALIVE, "keepalive-test");
    try {
      waiter.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (session.calls.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(session.calls).as("IDLE ended because a connection waits for the slot").isNotEmpty()
          .allMatch("noop"::equals);
    } finally {
      keepalive.interrupt();
      stopWaiter.set(true);
      permits.release();
      waiter.join(5000);
    }
  }

  @Test
  void aDueKeepaliveIsAKeepalive() throws Exception {
    ListenerSettings quick = LONG_KEEPALIVE.toBuilder().keepalive(Duration.ofMillis(300)).build();
    Recording session = new Recording();
    WatchSignals signals = new WatchSignals();
    signals.idling(session);
    Thread keepalive = Keepalive.start(session, signals, new Turns(ServerPermits.UNLIMITED), quick, "keepalive-test");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (session.calls.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(session.calls).isNotEmpty().allMatch("keepalive"::equals);
    } finally {
      keepalive.interrupt();
    }
  }

  /** A selected folder that only records how its IDLE was ended. */
  private static final class Recording implements IncrementalReceive.Selected {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public void noop() {
      calls.add("noop");
    }

    @Override
    public void keepalive() {
      calls.add("keepalive");
    }

    @Override
    public boolean idle() {
      return true;
    }

    @Override
    public void close() {}

    @Override
    public long uidValidity() {
      return 1;
    }

    @Override
    public long uidNext() {
      return 1;
    }

    @Override
    public List<Long> uidsAfter(long lastUid) {
      return List.of();
    }

    @Override
    public List<Long> uidsBetween(long fromExclusive, long toInclusive) {
      return List.of();
    }

    @Override
    public List<Long> uidsSince(LocalDate day) {
      return List.of();
    }

    @Override
    public List<Long> deliver(List<Long> uids, DocumentHandler handler) {
      return List.of();
    }

    @Override
    public void postAction(List<Long> uids) {}

    @Override
    public void quarantine(long uid, String reason, int attempts, DocumentHandler deadLetters) {}
  }
}
