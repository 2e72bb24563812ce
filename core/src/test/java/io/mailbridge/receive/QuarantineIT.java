package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Poison messages against real Dovecot: an unparseable one (a header above maxHeaderBytes) and one
 * the handler refuses go to quarantine with a dead letter; the others are delivered.
 */
@RealServer
class QuarantineIT {
  @TempDir
  Path cache;

  static byte[] unparseable(String subject) {
    // One 3000-byte header field: above maxHeaderBytes 1024, so the parser refuses the message.
    return ("From: a@example.com\r\nTo: alice@example.test\r\nSubject: " + subject + "\r\nX-Pad: " + "x".repeat(3000)
        + "\r\nMessage-ID: <pad." + System.nanoTime() + "@example.test>\r\n\r\nbody\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  static List<byte[]> fourWithTwoPoisoned() {
    return List.of(TestMessages.plain("a@example.com", "alice@example.test", "good 1", 200), unparseable("broken"),
        TestMessages.plain("a@example.com", "alice@example.test", "poison", 200),
        TestMessages.plain("a@example.com", "alice@example.test", "good 2", 200));
  }

  private static void dropFolder(MailStack stack, String folder) {
    try {
      stack.doveadm("mailbox", "delete", "-u", stack.alice().user(), folder);
    } catch (IllegalStateException absent) {
      // not there
    }
  }

  @Test
  void poisonedMessagesLandInTheQuarantineFolderWithDeadLettersWhileTheOthersAreDelivered(MailStack stack)
      throws Exception {
    String folder = "q-recv";
    String quarantine = "q-recv-quarantine";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).reset(folder + "-done");
    dropFolder(stack, quarantine);
    List<byte[]> seeded = fourWithTwoPoisoned();
    StackMailbox.alice(stack).append(folder, seeded, "");
    PoisonHandler h = new PoisonHandler();

    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(ReceiveSettings.builder().folder(folder)
        .cacheDir(cache).maxHeaderBytes(1024).postAction(PostAction.moveTo(folder + "-done"))
        .quarantine(Quarantine.toFolder(quarantine).maxAttempts(3)).build(), h);

    assertThat(h.accepted).containsExactly("good 1", "good 2");
    assertThat(h.poisonCalls).hasValue(3);
    assertThat(r.accepted()).isEqualTo(2);
    assertThat(r.skipped()).isEmpty();
    assertThat(r.quarantined()).extracting(ReceiveResult.Skipped::uid).containsExactly(2L, 3L);
    assertThat(h.dead).hasSize(2);
    DeadLetter broken = h.dead.get(0);
    assertThat(broken.kind()).isEqualTo(DeadLetter.Kind.UNPARSEABLE);
    assertThat(broken.uid()).isEqualTo(2);
    assertThat(broken.attempts()).isZero();
    assertThat(broken.reason()).contains("receive.maxHeaderBytes");
    assertThat(broken.quarantine()).isEqualTo("folder:" + quarantine);
    assertThat(broken.eml()).startsWith(cache.toRealPath()); // in the Document Cache
    assertThat(Files.readAllBytes(broken.eml())).isEqualTo(seeded.get(1));
    DeadLetter poison = h.dead.get(1);
    assertThat(poison.kind()).isEqualTo(DeadLetter.Kind.REJECTED);
    assertThat(poison.attempts()).isEqualTo(3);
    assertThat(poison.reason()).contains("downstream rejects the poison document");
    assertThat(Files.readAllBytes(poison.eml())).isEqualTo(seeded.get(2));
    assertThat(poison.key()).endsWith("/" + folder + ";UIDVALIDITY=" + poison.uidValidity() + "/;UID=3");

    assertThat(stack.messageCount(stack.alice(), quarantine)).isEqualTo(2); // created on demand
    assertThat(stack.messageCount(stack.alice(), folder + "-done")).isEqualTo(2);
    assertThat(stack.messageCount(stack.alice(), folder)).isZero();
  }

  @Test
  void keywordQuarantineMarksInPlaceAndTheNextReceiveLeavesThemOut(MailStack stack) throws Exception {
    String folder = "q-recv-kw";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).append(folder, fourWithTwoPoisoned(), "");
    PoisonHandler h = new PoisonHandler();
    ReceiveSettings s = ReceiveSettings.builder().folder(folder).maxHeaderBytes(1024)
        .quarantine(Quarantine.withKeyword("$Poison").maxAttempts(2)).build();

    ReceiveResult first = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(s, h);

    assertThat(first.quarantined()).hasSize(2);
    assertThat(h.poisonCalls).hasValue(2);
    assertThat(h.dead).allSatisfy(d -> {
      assertThat(d.quarantine()).isEqualTo("keyword:$Poison");
      assertThat(d.eml()).exists(); // a temp file without a cache; the handler owns it
    });
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(4);
    assertThat(stack.doveadm("-f", "flow", "fetch", "-u", stack.alice().user(), "uid flags", "mailbox", folder,
        "keyword", "$Poison")).contains("uid=2", "uid=3").doesNotContain("uid=1 ", "uid=4");

    PoisonHandler again = new PoisonHandler();
    ReceiveResult second = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(s, again);
    assertThat(second.selected()).isEqualTo(2);
    assertThat(again.accepted).containsExactly("good 1", "good 2");
    assertThat(again.dead).isEmpty();
    h.dead.forEach(d -> d.eml().toFile().delete());
  }

  @Test
  void withoutQuarantineAnUnparseableMessageIsSkippedAndARefusalStopsTheReceive(MailStack stack) {
    String folder = "q-recv-off";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).append(folder, fourWithTwoPoisoned(), "");
    PoisonHandler h = new PoisonHandler();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Receive.of(TestEndpoints.inbound(stack, stack.alice()))
        .run(ReceiveSettings.builder().folder(folder).maxHeaderBytes(1024).build(), h))
        .hasMessageContaining("downstream rejects");
    assertThat(h.poisonCalls).hasValue(1);
    assertThat(h.dead).isEmpty();
  }
}
