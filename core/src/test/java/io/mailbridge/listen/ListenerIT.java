package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.receive.PostAction;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Listener against the real Dovecot as carol, folders prefixed {@code lst-}. */
@RealServer
class ListenerIT {
  private static final Duration WAIT = Duration.ofSeconds(15);

  @TempDir
  Path dir;

  /**
   * Keepalive and IDLE renewal far beyond the wait: only the server's push during IDLE can deliver
   * in time. How fast is the latency benchmark's business (bench, watch latency).
   */
  @Test
  void deliversMessagesAppendedWhileIdlingOnTheServersPush(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-idle");
    t.append("lst-idle", "old");
    Lst.Sink sink = new Lst.Sink();
    List<Long> latenciesMs = new ArrayList<>();
    List<Long> afterAppendMs = new ArrayList<>();
    Duration never = WAIT.multipliedBy(4);
    try (Listener l = Listener.of(t.carol.connection())
        .settings(Lst.fast("lst-idle").keepalive(never).idleRenew(never).pollInterval(never).build())
        .stateFile(dir.resolve("state.json")).handler(sink).build()) {
      l.start();
      for (int i = 1; i <= 5; i++) {
        Await.until("idling", WAIT, () -> Lst.idling(l));
        int before = sink.subjects.size();
        long t0 = System.nanoTime();
        t.append("lst-idle", "new" + i); // opens its own TLS connection, logs in, APPENDs
        long t1 = System.nanoTime();
        Await.until("delivery of new" + i, WAIT, () -> sink.subjects.size() > before);
        long t2 = System.nanoTime();
        latenciesMs.add((t2 - t0) / 1_000_000);
        afterAppendMs.add((t2 - t1) / 1_000_000);
      }
      // counted once the watermark is saved, just after the handler returned
      Await.until("5 counted", WAIT, () -> l.health().folders().get(0).delivered() == 5);
    }
    System.out.println("listen idle delivery latency ms: seeder connect+APPEND -> handler " + latenciesMs
        + "; APPEND answered -> handler " + afterAppendMs);
    assertThat(sink.subjects).containsExactly("new1", "new2", "new3", "new4", "new5"); // start NOW: "old" not delivered
  }

  @Test
  void restartResumesExactlyAfterLastHandledUid(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-restart");
    t.append("lst-restart", "a1", "a2", "a3");
    Path state = dir.resolve("state.json");
    ListenerSettings s = Lst.fast("lst-restart").start(StartPosition.all()).build();
    Lst.Sink first = new Lst.Sink();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(first).build()) {
      l.start();
      Await.until("3 delivered", WAIT, () -> first.subjects.size() == 3);
      assertThat(l.stop(Duration.ofSeconds(5))).isTrue();
    }
    t.append("lst-restart", "b1", "b2");
    Lst.Sink second = new Lst.Sink();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(second).build()) {
      l.start();
      Await.until("2 delivered", WAIT, () -> second.subjects.size() == 2);
      Await.until("idling", WAIT, () -> Lst.idling(l));
    }
    assertThat(first.subjects).containsExactly("a1", "a2", "a3");
    assertThat(second.subjects).containsExactly("b1", "b2");
    assertThat(JsonFileStateStore.open(state).all()).singleElement().satisfies(st -> {
      assertThat(st.lastUid()).isEqualTo(5);
      assertThat(st.pending()).isEmpty();
    });
  }

  @Test
  void handlerFailureRedeliversAndMovesOnlyAcceptedMessages(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-fail", "lst-fail-done");
    t.append("lst-fail", "m1", "m2", "m3");
    AtomicBoolean failedOnce = new AtomicBoolean();
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    ListenerSettings s = Lst.fast("lst-fail").start(StartPosition.all())
        .postAction(PostAction.moveTo("lst-fail-done")).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(dir.resolve("state.json"))
        .handler(d -> {
          seen.add(d.properties().subject());
          if (d.properties().subject().equals("m2") && failedOnce.compareAndSet(false, true)) {
            assertThat(t.carol.stack().messageCount(t.carol.user(), "lst-fail-done")).isZero(); // nothing moved yet
            throw new IllegalStateException("downstream unavailable");
          }
        }).build()) {
      l.start();
      Await.until("all moved", WAIT, () -> t.carol.stack().messageCount(t.carol.user(), "lst-fail-done") == 3);
      assertThat(l.health().folders().get(0).lastError()).hasValueSatisfying(e -> assertThat(e)
          .contains("downstream unavailable"));
    }
    assertThat(seen).containsExactly("m1", "m2", "m2", "m3");
    assertThat(t.carol.stack().messageCount(t.carol.user(), "lst-fail")).isZero();
  }

  @Test
  void completesPendingPostActionsLeftByACrashWithoutRedelivering(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-pending", "lst-pending-done");
    t.append("lst-pending", "p1", "p2", "p3");
    long uidValidity = uidValidity(t, "lst-pending");
    Path state = dir.resolve("state.json");
    // As if the process died after saving the watermark of batch {1,2,3} but before moving them.
    JsonFileStateStore.open(state).save(new FolderState(Listener.mailboxOf(t.carol.endpoint()), "lst-pending",
        uidValidity, 3, List.of(1L, 2L, 3L)));
    Lst.Sink sink = new Lst.Sink();
    ListenerSettings s = Lst.fast("lst-pending").postAction(PostAction.moveTo("lst-pending-done")).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(sink).build()) {
      l.start();
      Await.until("moved", WAIT, () -> t.carol.stack().messageCount(t.carol.user(), "lst-pending-done") == 3);
      Await.until("idling", WAIT, () -> Lst.idling(l));
    }
    assertThat(sink.subjects).isEmpty();
    assertThat(JsonFileStateStore.open(state).all().get(0).pending()).isEmpty();
  }

  private static long uidValidity(Lst t, String folder) {
    String out = t.carol.stack().doveadm("-f", "flow", "mailbox", "status", "-u", t.carol.user().user(), "uidvalidity",
        folder).strip();
    return Long.parseLong(out.substring(out.indexOf('=') + 1).strip());
  }

  private void uidValidityCase(MailStack stack, UidValidityPolicy policy, Lst.Sink sink, Path state, String folder) {
    Lst t = new Lst(stack);
    t.carol.reset(folder);
    t.append(folder, "u1", "u2");
    // A saved state from a previous life of the folder (other UIDVALIDITY), with a pending post-action.
    JsonFileStateStore.open(state).save(new FolderState(Listener.mailboxOf(t.carol.endpoint()), folder, 12345, 7,
        List.of(7L)));
    ListenerSettings s = Lst.fast(folder).uidValidityPolicy(policy).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(sink).build()) {
      l.start();
      if (policy == UidValidityPolicy.FAIL) {
        Await.until("failed", WAIT, () -> l.health().folders().get(0).status() == Health.Status.FAILED);
        assertThat(l.health().folders().get(0).lastError()).hasValueSatisfying(e -> assertThat(e)
            .contains("UIDVALIDITY").contains("changed from 12345").contains("policy FAIL"));
        return;
      }
      Await.until("idling", WAIT, () -> Lst.idling(l));
      t.append(folder, "u3");
      Await.until("u3", WAIT, () -> sink.subjects.contains("u3"));
    }
  }

  @Test
  void uidValidityChangeRescanDeliversTheFolderAgain(MailStack stack) {
    Lst.Sink sink = new Lst.Sink();
    uidValidityCase(stack, UidValidityPolicy.RESCAN, sink, dir.resolve("s.json"), "lst-uv-rescan");
    assertThat(sink.subjects).containsExactly("u1", "u2", "u3");
  }

  @Test
  void uidValidityChangeSkipDeliversOnlyNewMail(MailStack stack) {
    Lst.Sink sink = new Lst.Sink();
    uidValidityCase(stack, UidValidityPolicy.SKIP, sink, dir.resolve("s.json"), "lst-uv-skip");
    assertThat(sink.subjects).containsExactly("u3");
  }

  @Test
  void uidValidityChangeFailStopsTheFolderWithAClearError(MailStack stack) {
    Lst.Sink sink = new Lst.Sink();
    Path state = dir.resolve("s.json");
    uidValidityCase(stack, UidValidityPolicy.FAIL, sink, state, "lst-uv-fail");
    assertThat(sink.subjects).isEmpty();
    assertThat(JsonFileStateStore.open(state).all().get(0).uidValidity()).isEqualTo(12345); // untouched
  }

  @Test
  void aMissingFolderFailsWithAClearError(MailStack stack) {
    Lst t = new Lst(stack);
    try (Listener l = Listener.of(t.carol.connection()).settings(Lst.fast("lst-no-such-folder").build())
        .stateFile(dir.resolve("state.json")).handler(new Lst.Sink()).build()) {
      l.start();
      Await.until("failed", WAIT, () -> l.health().folders().get(0).status() == Health.Status.FAILED);
      assertThat(l.health().folders().get(0).lastError()).hasValueSatisfying(e -> assertThat(e)
          .contains("folder 'lst-no-such-folder' does not exist"));
    }
  }

  @Test
  void pollsWhenIdleIsOff(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-poll");
    Lst.Sink sink = new Lst.Sink();
    try (Listener l = Listener.of(t.carol.connection()).settings(Lst.fast("lst-poll").useIdle(false).build())
        .stateFile(dir.resolve("state.json")).handler(sink).build()) {
      l.start();
      Await.until("polling", WAIT, () -> l.health().folders().get(0).status() == Health.Status.POLLING);
      t.append("lst-poll", "q1", "q2");
      Await.until("2 delivered", WAIT, () -> sink.subjects.size() == 2);
      assertThat(l.health().folders().get(0).idling()).isFalse();
    }
    assertThat(sink.subjects).containsExactly("q1", "q2");
  }

  @Test
  void watchesMoreFoldersThanConnectionsBySharingOne(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-multi-a", "lst-multi-b", "lst-multi-c");
    Lst.Sink sink = new Lst.Sink();
    ListenerSettings s = Lst.fast("lst-multi-a", "lst-multi-b", "lst-multi-c").maxConnections(2).build();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapsPort());
        Listener l = Listener.of(t.via(proxy.port())).settings(s).stateFile(dir.resolve("state.json"))
            .handler(sink).build()) {
      l.start();
      Await.until("all connected", WAIT, () -> l.health().folders().stream().allMatch(f -> f.lastSuccess().isPresent()));
      t.append("lst-multi-a", "A");
      t.append("lst-multi-b", "B");
      t.append("lst-multi-c", "C");
      Await.until("3 delivered", WAIT, () -> sink.subjects.size() == 3);
      assertThat(proxy.connections()).isLessThanOrEqualTo(2);
      assertThat(l.health().folders()).extracting(Health.FolderHealth::folder)
          .containsExactly("lst-multi-a", "lst-multi-b", "lst-multi-c");
    }
    assertThat(sink.subjects).containsExactlyInAnyOrder("A", "B", "C");
  }

  @Test
  void storesAttachmentsInTheDocumentCacheAsReceiveDoes(MailStack stack) throws Exception {
    Lst t = new Lst(stack);
    t.carol.reset("lst-cache");
    byte[] pdf = "%PDF-1.4 lst".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    t.carol.append("lst-cache", List.of(io.mailbridge.testkit.TestMessages.withAttachment("a@example.test",
        "carol@example.test", "with file", "invoice.pdf", pdf)), "");
    Lst.Sink sink = new Lst.Sink();
    Path cache = dir.resolve("cache");
    try (Listener l = Listener.of(t.carol.connection()).settings(Lst.fast("lst-cache").start(StartPosition.all())
        .cacheDir(cache).build()).stateFile(dir.resolve("state.json")).handler(sink).build()) {
      l.start();
      Await.until("delivered", WAIT, () -> sink.docs.size() == 1);
    }
    io.mailbridge.document.MailDocument d = sink.docs.get(0);
    assertThat(d.key()).contains("lst-cache").contains("UIDVALIDITY=").endsWith(";UID=1");
    assertThat(d.attachments()).singleElement().satisfies(a -> {
      assertThat(a.fileName()).isEqualTo("invoice.pdf");
      assertThat(a.path()).hasValueSatisfying(p -> assertThat(p).startsWith(cache).hasBinaryContent(pdf));
    });
  }
}
