package io.mailbridge.send;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.MailbridgeException;
import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.send.internal.SentCopy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import jakarta.mail.Flags;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Copies to Sent with skipIfAlreadySent against Dovecot and Postfix: the copy is written before the
 * message goes to the SMTP server and confirmed after it, so a send interrupted between the server's
 * acceptance and the confirmation is never repeated by a later send of the same Message-ID.
 */
@RealServer
class SentCopyIT {
  private final String folder = "sent-first-" + UUID.randomUUID();
  private MailStack stack;

  private SendSettings settings() {
    return SendSettings.builder().copyToSent(true).skipIfAlreadySent(true).sentFolder(folder).maxAttempts(1).build();
  }

  private static String uniqueId(String what) {
    return "<" + what + "." + UUID.randomUUID() + "@example.test>";
  }

  private static Email mail(String to, String id) {
    return Email.builder().to(to).subject("sent copy " + id).text("x").messageId(id).build();
  }

  @AfterEach
  void removeFolder() {
    if (stack != null) {
      StackMailbox.bob(stack).remove(folder);
    }
  }

  @Test
  void theCopyIsInTheSentFolderWhenTheServerAcceptedAndIsConfirmedAfterwards(MailStack stack) {
    this.stack = stack;
    String id = uniqueId("first");
    AtomicReference<Flags> whenAccepted = new AtomicReference<>();
    Send.of(TestEndpoints.both(stack, stack.bob()), settings()).send(List.of(mail("bob@example.test", id)), r -> {
      assertThat(r.status()).isEqualTo(SendResult.Status.SENT);
      whenAccepted.set(StackMailbox.bob(stack).flags(folder, id));
    });
    assertThat(whenAccepted.get().getUserFlags()).as("the copy written before the send").contains(SentCopy.UNCONFIRMED);
    Flags after = StackMailbox.bob(stack).flags(folder, id);
    assertThat(after.contains(Flags.Flag.SEEN)).isTrue();
    assertThat(after.getUserFlags()).doesNotContain(SentCopy.UNCONFIRMED);
    assertThat(StackMailbox.bob(stack).fetch(folder, id, 1)).hasSize(1);
  }

  @Test
  void aSendInterruptedAfterTheServerAcceptedIsNotRepeatedButReportedAsUnknown(MailStack stack) throws Exception {
    this.stack = stack;
    String id = uniqueId("interrupted");
    // The caller stops right after the server's acceptance (as a process killed there would):
    // the copy keeps its mark.
    assertThatThrownBy(() -> Send.of(TestEndpoints.both(stack, stack.bob()), settings())
        .send(List.of(mail("bob@example.test", id)), r -> {
          throw new IllegalStateException("caller stopped");
        })).hasMessage("caller stopped");
    assertThat(StackMailbox.bob(stack).fetch("INBOX", id, 1)).hasSize(1);
    assertThat(StackMailbox.bob(stack).flags(folder, id).getUserFlags()).contains(SentCopy.UNCONFIRMED);

    SendResult again = Send.of(TestEndpoints.both(stack, stack.bob()), settings()).send(mail("bob@example.test", id));
    assertThat(again.status()).isEqualTo(SendResult.Status.UNKNOWN);
    assertThat(again.ok()).isFalse();
    assertThat(again.attempts()).isZero();
    assertThat(again.error().orElseThrow().getMessage()).contains(id).contains(folder).contains(SentCopy.UNCONFIRMED)
        .contains("may or may not have been delivered").contains("delete that copy");
    assertThat(again.error().orElseThrow().isRetriable()).isFalse();
    drained(stack);
    assertThat(StackMailbox.bob(stack).fetch("INBOX", id, 1)).as("not delivered twice").hasSize(1);
    assertThat(StackMailbox.bob(stack).fetch(folder, id, 1)).hasSize(1);
  }

  @Test
  void aRefusedMessageLeavesNoCopyAndCanBeSentLater(MailStack stack) throws Exception {
    this.stack = stack;
    String id = uniqueId("refused");
    SendResult refused = Send.of(TestEndpoints.both(stack, stack.bob()), settings())
        .send(mail("nobody-" + UUID.randomUUID() + "@example.test", id));
    assertThat(refused.status()).isEqualTo(SendResult.Status.FAILED);
    // Dovecot has UIDPLUS: the copy is expunged, and only that one.
    assertThat(StackMailbox.bob(stack).fetch(folder, id, 0)).isEmpty();
    assertThat(stack.messageCount(stack.bob(), folder)).isZero();

    SendResult fixed = Send.of(TestEndpoints.both(stack, stack.bob()), settings()).send(mail("bob@example.test", id));
    assertThat(fixed.status()).isEqualTo(SendResult.Status.SENT);
    assertThat(StackMailbox.bob(stack).fetch("INBOX", id, 1)).hasSize(1);
    assertThat(StackMailbox.bob(stack).flags(folder, id).getUserFlags()).doesNotContain(SentCopy.UNCONFIRMED);
  }

  @Test
  void anUnreachableSmtpServerLeavesNoCopy(MailStack stack) {
    this.stack = stack;
    String id = uniqueId("unreachable");
    // Port 1 has no server.
    MailConnection nowhere = MailConnection.builder().outbound(TestEndpoints.submission(stack, stack.bob()).toBuilder()
        .port(1).build()).inbound(TestEndpoints.imaps(stack, stack.bob())).build();
    assertThatThrownBy(() -> Send.of(nowhere, settings()).send(mail("bob@example.test", id)))
        .isInstanceOf(MailbridgeException.class);
    assertThat(StackMailbox.bob(stack).fetch(folder, id, 0)).isEmpty();
    assertThat(Send.of(TestEndpoints.both(stack, stack.bob()), settings()).send(mail("bob@example.test", id)).status())
        .isEqualTo(SendResult.Status.SENT);
  }

  @Test
  void copiesLeftByOtherSendersCountByTheirFlags(MailStack stack) throws Exception {
    this.stack = stack;
    StackMailbox bob = StackMailbox.bob(stack);
    bob.reset(folder);
    String deleted = uniqueId("deleted");
    String draft = uniqueId("draft");
    String both = uniqueId("both");
    bob.append(folder, List.of(raw(deleted)), "\\Seen \\Deleted");
    bob.append(folder, List.of(raw(draft)), "\\Seen \\Draft");
    bob.append(folder, List.of(raw(both)), "\\Seen " + SentCopy.UNCONFIRMED);
    bob.append(folder, List.of(raw(both)), "\\Seen");

    List<SendResult> results = Send.of(TestEndpoints.both(stack, stack.bob()), settings())
        .send(List.of(mail("bob@example.test", deleted), mail("bob@example.test", draft), mail("bob@example.test", both)));
    // A \Deleted copy is no record of a send; a \Draft one is no record of a completed one; a
    // confirmed copy beside an unconfirmed one is.
    assertThat(results).extracting(SendResult::status).containsExactly(SendResult.Status.SENT,
        SendResult.Status.UNKNOWN, SendResult.Status.ALREADY_SENT);
    assertThat(results.get(1).error().orElseThrow().getMessage()).contains("marked \\Draft");
    drained(stack);
    assertThat(bob.fetch("INBOX", deleted, 1)).hasSize(1);
    assertThat(bob.fetch("INBOX", draft, 0)).isEmpty();
    assertThat(bob.fetch("INBOX", both, 0)).isEmpty();
  }

  private static byte[] raw(String id) {
    return ("Message-ID: " + id + "\r\nSubject: filed\r\n\r\nx\r\n").getBytes(StandardCharsets.US_ASCII);
  }

  // A fresh marker through the same server, awaited in bob's INBOX: anything submitted before it has
  // been delivered by then, so a count taken afterwards includes any duplicate.
  private static void drained(MailStack stack) {
    SendResult marker = Send.of(TestEndpoints.both(stack, stack.bob())).send(Email.builder().to("bob@example.test")
        .subject("marker " + UUID.randomUUID()).text("x").build());
    assertThat(StackMailbox.bob(stack).fetch("INBOX", marker.messageId(), 1)).hasSize(1);
  }
}
