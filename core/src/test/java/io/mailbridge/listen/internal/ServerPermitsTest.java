package io.mailbridge.listen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ServerPermitsTest {
  /**
   * Waiters that wait much longer than the interval at which they look at their stop condition are
   * still served in the order they asked: a waiter never loses its place in the queue.
   */
  @Test
  void slotsGoInRequestOrderHoweverLongTheWait() throws Exception {
    ServerPermits permits = ServerPermits.limited("imap.example.com:993", 1);
    assertThat(permits.acquire(() -> false)).isTrue();
    List<Integer> granted = new CopyOnWriteArrayList<>();
    List<Thread> waiters = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      int n = i;
      Thread t = new Thread(() -> {
        try {
          if (permits.acquire(() -> false)) {
            granted.add(n);
            permits.release();
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }, "waiter-" + i);
      t.start();
      // the next waiter asks only once this one waits
      while (t.getState() != Thread.State.TIMED_WAITING && t.getState() != Thread.State.WAITING) {
        Thread.onSpinWait();
      }
      waiters.add(t);
    }
    assertThat(permits.contended()).isTrue();
    // Long enough for every waiter to look at its stop condition several times.
    TimeUnit.MILLISECONDS.sleep(1100);
    permits.release();
    for (Thread t : waiters) {
      t.join(10_000);
    }
    assertThat(granted).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
    assertThat(permits.inUse()).isZero();
    assertThat(permits.peak()).isEqualTo(1);
    assertThat(permits.contended()).isFalse();
  }

  @Test
  void aWaiterThatStopsLeavesTheQueueWithoutASlot() throws Exception {
    ServerPermits permits = ServerPermits.limited("imap.example.com:993", 1);
    assertThat(permits.acquire(() -> false)).isTrue();
    long t0 = System.nanoTime();
    assertThat(permits.acquire(() -> System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(300))).isFalse();
    assertThat(permits.contended()).isFalse();
    assertThat(permits.inUse()).isEqualTo(1);
    permits.release();
    assertThat(permits.acquire(() -> false)).isTrue();
  }
}
