package io.mailbridge.listen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The token bucket on a fake clock: waits are computed, never measured. */
class TokenBucketTest {
  /** A clock whose sleep moves time forward by exactly what was asked. */
  static final class FakeClock implements TokenBucket.Clock {
    long now = 1_000_000_000L;
    long slept;

    @Override
    public long nanos() {
      return now;
    }

    @Override
    public void sleep(long nanos) {
      now += nanos;
      slept += nanos;
    }
  }

  @Test
  void burstIsFreeThenTheRateDecides() throws InterruptedException {
    FakeClock clock = new FakeClock();
    TokenBucket bucket = new TokenBucket(10, 5, clock);
    for (int i = 0; i < 5; i++) {
      assertThat(bucket.acquire(1, () -> false)).isTrue();
    }
    assertThat(clock.slept).isZero();
    for (int i = 0; i < 45; i++) {
      bucket.acquire(1, () -> false);
    }
    // 45 messages beyond the burst at 10/s: 4.5 s of waiting, not a nanosecond less.
    assertThat(clock.slept).isBetween(4_500_000_000L, 4_500_000_000L + 45);
  }

  @Test
  void idleTimeRefillsUpToTheCapacityOnly() throws InterruptedException {
    FakeClock clock = new FakeClock();
    TokenBucket bucket = new TokenBucket(2, 4, clock);
    bucket.acquire(4, () -> false);
    clock.now += 60_000_000_000L; // a minute idle refills 4 tokens, not 120
    bucket.acquire(4, () -> false);
    assertThat(clock.slept).isZero();
    bucket.acquire(2, () -> false);
    assertThat(clock.slept).isBetween(1_000_000_000L, 1_000_000_010L);
  }

  @Test
  void stopEndsTheWait() throws InterruptedException {
    FakeClock clock = new FakeClock();
    TokenBucket bucket = new TokenBucket(1, 1, clock);
    bucket.acquire(1, () -> false);
    assertThat(bucket.acquire(1, () -> true)).isFalse();
    assertThat(clock.slept).isZero();
  }

  @Test
  void moreThanTheCapacityAtOnceIsAProgrammingError() {
    TokenBucket bucket = new TokenBucket(1, 3, new FakeClock());
    assertThatThrownBy(() -> bucket.acquire(4, () -> false)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside 1-3");
  }
}
