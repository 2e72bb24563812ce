package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.receive.PostAction;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail that arrives while the Listener is busy fetching is announced by the server in the answer
 * to whatever command runs then (FETCH, STORE, NOOP), not again in the next IDLE: the Listener has
 * to notice it there. Keepalive and IDLE renewal are set far beyond the test's wait, so only the
 * announcement itself can bring the late message in time.
 */
@RealServer
class ListenerWakeUpIT {
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir
  Path dir;

  private static ListenerSettings.Builder quietKeepalive(String folder) {
    return Lst.fast(folder).keepalive(Duration.ofMinutes(5)).idleRenew(Duration.ofMinutes(9))
        .start(StartPosition.all());
  }

  @Test
  void mailArrivingDuringAFetchIsDeliveredWithoutWaitingForTheNextWakeUp(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-wake-fetch");
    t.append("lst-wake-fetch", "a1", "a2");
    AtomicBoolean appended = new AtomicBoolean();
    Lst.Sink sink = new Lst.Sink();
    // Batches of one: the late message lands between the FETCH of a1 and the FETCH of a2.
    ListenerSettings s = quietKeepalive("lst-wake-fetch").batchSize(1).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(dir.resolve("state.json"))
        .handler(d -> {
          sink.handle(d);
          if (d.properties().subject().equals("a1") && appended.compareAndSet(false, true)) {
            t.append("lst-wake-fetch", "late");
          }
        }).build()) {
      l.start();
      Await.until("late delivered", WAIT, () -> sink.subjects.contains("late"));
    }
    assertThat(sink.subjects).containsExactly("a1", "a2", "late");
  }

  @Test
  void mailArrivingDuringThePostActionIsDeliveredWithoutWaitingForTheNextWakeUp(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-wake-post");
    t.append("lst-wake-post", "b1");
    AtomicBoolean appended = new AtomicBoolean();
    Lst.Sink sink = new Lst.Sink();
    ListenerSettings s = quietKeepalive("lst-wake-post").postAction(PostAction.markRead()).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(dir.resolve("state.json"))
        .handler(d -> {
          sink.handle(d);
          if (d.properties().subject().equals("b1") && appended.compareAndSet(false, true)) {
            t.append("lst-wake-post", "late");
          }
        }).build()) {
      l.start();
      Await.until("late delivered", WAIT, () -> sink.subjects.contains("late"));
    }
    assertThat(sink.subjects).containsExactly("b1", "late");
  }
}
