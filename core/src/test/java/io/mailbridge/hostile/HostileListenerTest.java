package io.mailbridge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.listen.Health;
import io.mailbridge.listen.Listener;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Listener against a server that lies about a message's size: it never hangs or dies, it
 * reports the protocol error in its health and keeps reconnecting with backoff, delivering nothing.
 */
class HostileListenerTest {
  @TempDir
  Path dir;

  @Test
  void protocolErrorIsReportedAndTheListenerReconnects() throws Exception {
    List<Object> delivered = new CopyOnWriteArrayList<>();
    HostileServer.Script script = ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> line.toUpperCase().contains("BODY")
        ? Reply.text("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 180 BODY[] {300000000}\r\n") : null).build();
    try (HostileServer s = HostileServer.start(script);
        Listener l = Listener.of(HostileFixture.imap(s)).settings(ListenerSettings.builder().folders("INBOX")
            .start(StartPosition.all()).keepalive(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(2))
            .reconnectMin(Duration.ofMillis(200)).reconnectMax(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(300))
            .build()).stateFile(dir.resolve("state.json")).handler(delivered::add).build()) {
      l.start();
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      Health.FolderHealth h = null;
      while (System.nanoTime() < deadline) {
        h = l.health().folders().get(0);
        if (h.reconnects() >= 2 && h.lastError().isPresent()) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(h).isNotNull();
      assertThat(h.lastError()).as("health %s", h).hasValueSatisfying(e -> assertThat(e)
          .contains("protocol error", "300000000", s.host() + ":" + s.port()));
      assertThat(h.reconnects()).as("health %s", h).isGreaterThanOrEqualTo(2);
      assertThat(h.status()).isIn(Health.Status.RECONNECTING, Health.Status.CONNECTING, Health.Status.DELIVERING,
          Health.Status.POLLING, Health.Status.IDLING);
      assertThat(l.health().running()).isTrue();
      assertThat(s.connections()).isGreaterThanOrEqualTo(2);
      assertThat(delivered).isEmpty();
    }
  }

  private Listener listener(HostileServer s, io.mailbridge.receive.DocumentHandler handler) {
    return Listener.of(HostileFixture.imap(s)).settings(ListenerSettings.builder().folders("INBOX")
        .start(StartPosition.all()).keepalive(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(2))
        .reconnectMin(Duration.ofMillis(200)).reconnectMax(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(300))
        .stallTimeout(Duration.ofSeconds(1)).build()).stateFile(dir.resolve("state.json")).handler(handler).build();
  }

  private static Health.FolderHealth await(Listener l, java.util.function.Predicate<Health.FolderHealth> cond)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    Health.FolderHealth h = l.health().folders().get(0);
    while (!cond.test(h) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      h = l.health().folders().get(0);
    }
    return h;
  }

  @Test
  void deliveringWithNothingMovingIsReportedStalledAndRecovers() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    List<Object> delivered = new CopyOnWriteArrayList<>();
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(2).build());
        Listener l = listener(s, doc -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
          delivered.add(doc);
        })) {
      l.start();
      Health.FolderHealth h = await(l, f -> f.status() == Health.Status.STALLED);
      assertThat(h.status()).as("health %s", h).isEqualTo(Health.Status.STALLED);
      assertThat(l.health().healthy()).isFalse();
      release.countDown();
      h = await(l, f -> f.delivered() == 2 && f.status() != Health.Status.STALLED && f.status() != Health.Status.DELIVERING);
      assertThat(h.delivered()).as("health %s", h).isEqualTo(2);
      assertThat(h.status()).as("health %s", h).isNotIn(Health.Status.STALLED, Health.Status.FAILED);
    }
  }

  @Test
  void errorThrownInTheWatcherFailsItWithAnInternalErrorInsteadOfDyingSilently() throws Exception {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).build());
        Listener l = listener(s, doc -> {
          throw new AssertionError("handler bug");
        })) {
      l.start();
      Health.FolderHealth h = await(l, f -> f.status() == Health.Status.FAILED);
      assertThat(h.status()).as("health %s", h).isEqualTo(Health.Status.FAILED);
      assertThat(h.lastError()).hasValueSatisfying(e -> assertThat(e).contains("internal error", "handler bug"));
      assertThat(l.failure()).hasValueSatisfying(t -> assertThat(t).isInstanceOf(IllegalStateException.class)
          .hasCauseInstanceOf(AssertionError.class));
    }
  }
}
