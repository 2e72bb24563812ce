package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.receive.PostAction;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Listener through a fault-injecting TCP proxy in front of the real Dovecot (carol, folders
 * {@code lst-fault-*}): dropped, stalled and slow connections, and the server going away for a
 * while. In every case it reconnects and nothing is lost or delivered twice.
 */
@RealServer
class ListenerFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private Listener listener(Lst t, FaultProxy proxy, String folder, Lst.Sink sink) {
    return Listener.of(t.via(proxy.port())).settings(Lst.fast(folder).start(StartPosition.all())
        .postAction(PostAction.markRead()).build()).stateFile(dir.resolve("state.json")).handler(sink).build();
  }

  @Test
  void droppedConnectionIsReplacedAndNothingIsLost(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-fault-drop");
    t.append("lst-fault-drop", Lst.subjects("d", 1, 3));
    Lst.Sink sink = new Lst.Sink();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapsPort());
        Listener l = listener(t, proxy, "lst-fault-drop", sink)) {
      l.start();
      Await.until("idling", WAIT, () -> sink.subjects.size() == 3 && Lst.idling(l));
      proxy.dropAll();
      t.append("lst-fault-drop", Lst.subjects("d", 4, 6));
      Await.until("6 delivered", WAIT, () -> sink.subjects.size() >= 6);
      Await.until("idling again", WAIT, () -> Lst.idling(l));
      assertThat(l.health().folders().get(0).reconnects()).isGreaterThanOrEqualTo(1);
      assertThat(l.health().folders().get(0).lastError()).isPresent();
    }
    assertThat(sink.subjects).containsExactly(Lst.subjects("d", 1, 6));
  }

  @Test
  void stalledConnectionIsDetectedByKeepaliveAndReplaced(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-fault-stall");
    Lst.Sink sink = new Lst.Sink();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapsPort());
        Listener l = listener(t, proxy, "lst-fault-stall", sink)) {
      l.start();
      Await.until("idling", WAIT, () -> Lst.idling(l));
      long t0 = System.nanoTime();
      proxy.stall(true); // nothing moves, no FIN, no RST: a silently dead connection
      t.append("lst-fault-stall", "s1", "s2");
      Await.until("dead connection noticed", WAIT, () -> l.health().folders().get(0).lastError().isPresent());
      long detectMs = (System.nanoTime() - t0) / 1_000_000;
      System.out.println("listen stalled connection detected after ms=" + detectMs
          + " (keepalive 2 s + responseTimeout 2 s)");
      proxy.stall(false);
      Await.until("2 delivered", WAIT, () -> sink.subjects.size() >= 2);
      assertThat(l.health().folders().get(0).reconnects()).isGreaterThanOrEqualTo(1);
    }
    assertThat(sink.subjects).containsExactly("s1", "s2");
  }

  @Test
  void slowConnectionStillDeliversEverythingOnce(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-fault-slow");
    t.append("lst-fault-slow", Lst.subjects("w", 1, 10));
    Lst.Sink sink = new Lst.Sink();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapsPort())) {
      proxy.throttle(20_000); // 20 KB/s from the server
      try (Listener l = listener(t, proxy, "lst-fault-slow", sink)) {
        l.start();
        Await.until("10 delivered", WAIT, () -> sink.subjects.size() >= 10);
        t.append("lst-fault-slow", "w11");
        Await.until("11 delivered", WAIT, () -> sink.subjects.size() >= 11);
      }
    }
    assertThat(sink.subjects).containsExactly(Lst.subjects("w", 1, 11));
  }

  /**
   * The server going away mid-watch, simulated at the proxy (the shared stack is never restarted):
   * every connection dropped, new ones closed before the greeting for 3 s, mail arriving meanwhile.
   */
  @Test
  void serverGoneForAWhileThenBackLosesNothing(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-fault-down");
    t.append("lst-fault-down", "g1");
    Lst.Sink sink = new Lst.Sink();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapsPort());
        Listener l = listener(t, proxy, "lst-fault-down", sink)) {
      l.start();
      Await.until("idling", WAIT, () -> sink.subjects.size() == 1 && Lst.idling(l));
      proxy.refuse(true);
      proxy.dropAll();
      t.append("lst-fault-down", "g2", "g3");
      Await.until("reconnecting", WAIT, () -> l.health().folders().get(0).status() == Health.Status.RECONNECTING);
      sleep(3000);
      assertThat(l.health().folders().get(0).connected()).isFalse();
      proxy.refuse(false);
      Await.until("3 delivered", WAIT, () -> sink.subjects.size() >= 3);
      Await.until("idling again", WAIT, () -> Lst.idling(l));
      assertThat(l.health().healthy()).isTrue();
    }
    assertThat(sink.subjects).containsExactly("g1", "g2", "g3");
    assertThat(t.carol.stack().messageCount(t.carol.user(), "lst-fault-down")).isEqualTo(3);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
