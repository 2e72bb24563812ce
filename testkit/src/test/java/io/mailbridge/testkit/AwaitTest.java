package io.mailbridge.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsOnceAnotherThreadMakesTheConditionTrue() throws Exception {
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch polled = new CountDownLatch(3);
    Thread other = new Thread(() -> {
      try {
        polled.await();
      } catch (InterruptedException e) {
        return;
      }
      done.set(true);
    });
    other.start();
    Await.until("the other thread", Duration.ofMinutes(1), () -> {
      polled.countDown();
      return done.get();
    });
    assertThat(done).isTrue();
    other.join();
  }

  @Test
  void checksAnAlreadyTrueConditionOnce() {
    AtomicInteger checks = new AtomicInteger();
    Await.until("nothing", Duration.ZERO, () -> checks.incrementAndGet() > 0);
    assertThat(checks).hasValue(1);
  }

  @Test
  void failsNamingWhatWasAwaitedAfterTheTimeout() {
    assertThatThrownBy(() -> Await.until("the listener to idle", Duration.ofMillis(50), () -> false))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after PT0.05S waiting for: the listener to idle");
  }

  @Test
  void interruptedWaitFailsAndKeepsTheInterruptFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Await.until("never", Duration.ofMinutes(1), () -> false))
          .isInstanceOf(AssertionError.class).hasMessageContaining("interrupted while waiting for: never");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
