package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {
  @Test
  void budgetOutOfRangeIsRefusedWithTheField() {
    assertThatThrownBy(() -> ConnectionBudget.perServer(0)).isInstanceOf(ConfigException.class)
        .hasMessage("listener.serverConnections 0 is out of range 1-1000");
  }

  @Test
  void rateLimitMustBePositiveAndBurstInRange() {
    assertThatThrownBy(() -> RateLimit.messagesPerSecond(0)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("listener.rateLimit 0.0 messages/s is out of range");
    assertThatThrownBy(() -> new RateLimit(5, 0)).isInstanceOf(ConfigException.class)
        .hasMessage("listener.rateLimit.burst 0 is out of range 1-10000");
    assertThat(RateLimit.messagesPerSecond(2.5).burst()).isEqualTo(3);
    assertThat(RateLimit.messagesPerSecond(0.2).burst()).isEqualTo(1);
  }
}
