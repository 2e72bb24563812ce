package io.mailbridge.listen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import io.mailbridge.listen.JsonFileStateStore;
import io.mailbridge.listen.ListenerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackoffTest {
  @TempDir
  Path dir;

  private Watcher watcher(double jitter) {
    ListenerSettings s = ListenerSettings.builder().folders("INBOX").reconnectMin(Duration.ofSeconds(1))
        .reconnectMax(Duration.ofSeconds(60)).jitter(jitter).build();
    Endpoint e = Endpoint.imap("imap.example.com").auth(Auth.basic("u", Secret.of("p"))).build();
    return new Watcher(e, "u@imap.example.com:993", List.of("INBOX"), s, JsonFileStateStore.open(dir.resolve("s")),
        d -> {}, 1);
  }

  @Test
  void doublesFromMinUpToMaxWithoutJitter() {
    Watcher w = watcher(0);
    assertThat(List.of(1, 2, 3, 4, 6, 7, 8, 40).stream().map(n -> w.backoff(n).toSeconds()).toList())
        .containsExactly(1L, 2L, 4L, 8L, 32L, 60L, 60L, 60L);
  }

  @Test
  void jitterStaysWithinItsFraction() {
    Watcher w = watcher(0.2);
    for (int i = 0; i < 200; i++) {
      assertThat(w.backoff(3).toMillis()).isBetween(3200L, 4800L);
    }
  }
}
