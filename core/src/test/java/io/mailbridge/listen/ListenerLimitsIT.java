package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.move.Carol;
import io.mailbridge.receive.DeadLetter;
import io.mailbridge.receive.PoisonHandler;
import io.mailbridge.receive.Quarantine;
import io.mailbridge.receive.SizeLimits;
import io.mailbridge.receive.SizePolicy;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Size limits and quarantine in the Listener against the real Dovecot as carol. */
@RealServer
class ListenerLimitsIT {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  private static long lastUid(Path state) {
    return JsonFileStateStore.open(state).all().stream().mapToLong(FolderState::lastUid).findFirst().orElse(-1);
  }

  private static byte[] msg(String subject) {
    return TestMessages.message(subject, "<" + subject.replace(' ', '-') + "." + System.nanoTime() + "@lst.test>");
  }

  /** A header block above the default receive.maxHeaderBytes (1 MiB): the parser refuses it. */
  private static byte[] unparseable() {
    return ("From: a@example.com\r\nTo: carol@example.test\r\nSubject: broken\r\nX-Pad: " + "x".repeat(1_100_000)
        + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Test
  void poisonedMessagesLandInQuarantineWhileTheOthersAreDeliveredAndTheWatermarkAdvances(MailStack stack)
      throws Exception {
    Lst t = new Lst(stack);
    t.carol.reset("lst-q");
    t.carol.remove("lst-q-quarantine");
    List<byte[]> seeded = List.of(msg("good 1"), unparseable(), msg("poison"), msg("good 2"));
    t.carol.append("lst-q", seeded, "");
    PoisonHandler h = new PoisonHandler();
    Path state = dir.resolve("state.json");
    ListenerSettings s = Lst.fast("lst-q").start(StartPosition.all())
        .quarantine(Quarantine.toFolder("lst-q-quarantine").maxAttempts(3)).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(h).build()) {
      l.start();
      Await.until("good 2 delivered", WAIT, () -> h.accepted.contains("good 2"));
      Await.until("watermark at 4", WAIT, () -> lastUid(state) == 4);
    }
    assertThat(h.accepted).containsExactly("good 1", "good 2");
    assertThat(h.poisonCalls).hasValue(3);
    assertThat(h.dead).extracting(DeadLetter::uid, DeadLetter::kind, DeadLetter::attempts)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(2L, DeadLetter.Kind.UNPARSEABLE, 0),
            org.assertj.core.groups.Tuple.tuple(3L, DeadLetter.Kind.REJECTED, 3));
    assertThat(h.dead.get(0).reason()).contains("receive.maxHeaderBytes");
    assertThat(h.dead.get(1).reason()).contains("downstream rejects the poison document");
    assertThat(Files.readAllBytes(h.dead.get(1).eml())).isEqualTo(seeded.get(2));
    assertThat(t.carol.subjects("lst-q-quarantine")).containsExactlyInAnyOrder("broken", "poison");
    assertThat(t.carol.subjects("lst-q")).containsExactly("good 1", "good 2");
    assertThat(JsonFileStateStore.open(state).all()).singleElement().satisfies(st -> {
      assertThat(st.lastUid()).isEqualTo(4);
      assertThat(st.attempts()).isEmpty();
    });
    h.dead.forEach(d -> d.eml().toFile().delete());
  }

  @Test
  void attemptCountsSurviveARestart(MailStack stack) throws Exception {
    Lst t = new Lst(stack);
    t.carol.reset("lst-q-restart", "lst-q-restart-quarantine");
    t.carol.append("lst-q-restart", List.of(msg("good 1"), msg("poison"), msg("good 2")), "");
    Path state = dir.resolve("state.json");
    ListenerSettings s = Lst.fast("lst-q-restart").start(StartPosition.all()).reconnectMin(Duration.ofMillis(300))
        .quarantine(Quarantine.toFolder("lst-q-restart-quarantine").maxAttempts(5)).build();
    PoisonHandler first = new PoisonHandler();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(first).build()) {
      l.start();
      Await.until("2 refusals", WAIT, () -> first.poisonCalls.get() >= 2);
      l.stop(Duration.ofSeconds(10));
    }
    int before = first.poisonCalls.get();
    assertThat(JsonFileStateStore.open(state).all().get(0).attempts()).containsEntry(2L, before);
    assertThat(first.dead).isEmpty();

    PoisonHandler second = new PoisonHandler();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(second).build()) {
      l.start();
      Await.until("quarantined", WAIT, () -> second.dead.size() == 1);
      Await.until("good 2 delivered", WAIT, () -> second.accepted.contains("good 2"));
    }
    assertThat(before + second.poisonCalls.get()).isEqualTo(5); // counted across the restart, not from 0
    assertThat(second.dead.get(0).attempts()).isEqualTo(5);
    assertThat(t.carol.subjects("lst-q-restart-quarantine")).containsExactly("poison");
    second.dead.forEach(d -> d.eml().toFile().delete());
  }

  @Test
  void sizePolicySkipMovesTheWatermarkPastAnOversizedMessageAndLeavesIt(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-size-skip");
    byte[] big = TestMessages.withAttachment("a@example.com", "carol@example.test", "huge", "big.bin",
        new byte[200_000]);
    t.carol.append("lst-size-skip", List.of(msg("s1"), big, msg("s3")), "");
    Path state = dir.resolve("state.json");
    Lst.Sink sink = new Lst.Sink();
    ListenerSettings s = Lst.fast("lst-size-skip").start(StartPosition.all())
        .postAction(io.mailbridge.receive.PostAction.markRead())
        .sizeLimits(SizeLimits.of(100_000, Long.MAX_VALUE, SizePolicy.SKIP)).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(sink).build()) {
      l.start();
      Await.until("watermark at 3", WAIT, () -> lastUid(state) == 3);
    }
    assertThat(sink.subjects).containsExactly("s1", "s3");
    assertThat(t.carol.subjects("lst-size-skip")).containsExactlyInAnyOrder("s1", "huge", "s3"); // still there
  }

  @Test
  void sizePolicyFailStopsTheFolderWithTheWatermarkBelowTheOversizedMessage(MailStack stack) {
    Lst t = new Lst(stack);
    t.carol.reset("lst-size-fail");
    byte[] big = TestMessages.withAttachment("a@example.com", "carol@example.test", "huge", "big.bin",
        new byte[200_000]);
    t.carol.append("lst-size-fail", List.of(msg("f1"), big, msg("f3")), "");
    Path state = dir.resolve("state.json");
    Lst.Sink sink = new Lst.Sink();
    ListenerSettings s = Lst.fast("lst-size-fail").start(StartPosition.all())
        .sizeLimits(SizeLimits.of(100_000, Long.MAX_VALUE, SizePolicy.FAIL)).build();
    try (Listener l = Listener.of(t.carol.connection()).settings(s).stateFile(state).handler(sink).build()) {
      l.start();
      Await.until("failed", WAIT, () -> l.health().folders().get(0).status() == Health.Status.FAILED);
      assertThat(l.health().folders().get(0).lastError()).hasValueSatisfying(e ->
          assertThat(e).contains("uid 2 in lst-size-fail is ", "above maxMessageBytes 100000"));
    }
    assertThat(sink.subjects).containsExactly("f1");
    assertThat(JsonFileStateStore.open(state).all().get(0).lastUid()).isEqualTo(1);
  }
}
