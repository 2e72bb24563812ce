package io.mailbridge.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class OutageClockTest {
  private long now;
  private final OutageClock clock = new OutageClock(Duration.ofSeconds(60), Duration.ofSeconds(1),
      Duration.ofSeconds(10), "imap.connect.retry.max.duration.ms", () -> now);

  private Duration failAt(long seconds) {
    now = seconds * 1_000_000_000L;
    return clock.failed("IMAP server of mailbox bob@x:993", "connection refused: check imap.port", null);
  }

  @Test
  void waitsDoubleUpToTheMaximumAndNeverPastTheBound() {
    assertThat(failAt(0)).hasSeconds(1);
    assertThat(failAt(1)).hasSeconds(2);
    assertThat(failAt(3)).hasSeconds(4);
    assertThat(failAt(7)).hasSeconds(8);
    assertThat(failAt(15)).hasSeconds(10);
    assertThat(failAt(55)).as("the last wait ends at the bound").hasSeconds(5);
  }

  @Test
  void failsWithTheReasonOnceTheOutageLastedTheBound() {
    failAt(0);
    failAt(30);
    assertThatThrownBy(() -> failAt(60)).isInstanceOf(ConnectException.class)
        .hasMessage("IMAP server of mailbox bob@x:993 unreachable for 60000 ms (3 attempts, bound "
            + "imap.connect.retry.max.duration.ms=60000): connection refused: check imap.port. The task stops: fix "
            + "the server, network or settings, then restart the task");
  }

  @Test
  void aSuccessStartsTheNextOutageAfresh() {
    failAt(0);
    failAt(50);
    clock.ok();
    assertThat(clock.failing()).isFalse();
    assertThat(failAt(100)).as("first failure of a new outage").hasSeconds(1);
    assertThat(failAt(150)).hasSeconds(2);
  }
}
