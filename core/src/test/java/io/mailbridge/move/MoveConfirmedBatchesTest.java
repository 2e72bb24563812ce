package io.mailbridge.move;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.imap.ImapHostManager;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.move.MessageOutcome.Status;
import io.mailbridge.testkit.GreenMailFixture;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.TestMessages;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A move hands each batch's outcomes over once the server confirmed that batch, while the later
 * batches are still in the source: a listener (the command line's lines and journal) reports what
 * the server has done, as it is done, and each message exactly once.
 */
class MoveConfirmedBatchesTest {
  @RegisterExtension
  static GreenMailFixture mail = new GreenMailFixture();

  /** What the listener saw at one call: the UIDs handed and the server's folders at that moment. */
  record Seen(List<Long> uids, List<Status> statuses, int inSource, int inTarget) {}

  private MailConnection connection(String user) {
    return MailConnection.builder().inbound(Endpoint.imap("127.0.0.1").port(mail.imapPort()).security(Security.NONE)
        .allowPlaintext(true).auth(Auth.basic(user, Secret.of(GreenMailFixture.PASSWORD))).build()).build();
  }

  private void seed(String user, String folder, int n) {
    try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", mail.imapPort(), user, GreenMailFixture.PASSWORD)) {
      s.create(folder);
      for (int i = 1; i <= n; i++) {
        s.append(folder, List.of(TestMessages.message("Msg " + i, "<batch-" + i + "@example.test>")), "");
      }
    }
  }

  private int count(String user, String folder) {
    ImapHostManager host = mail.greenMail().getManagers().getImapHostManager();
    var f = host.getFolder(mail.greenMail().getUserManager().getUser(user), folder);
    return f == null ? 0 : f.getMessageCount();
  }

  private List<Seen> moveWatching(String user, MoveSettings settings, boolean copy) {
    List<Seen> seen = new ArrayList<>();
    Move move = Move.of(connection(user));
    java.util.function.Consumer<MoveResult> listener = batch -> seen.add(new Seen(
        batch.outcomes().stream().map(o -> o.uid().orElse(-1L)).toList(),
        batch.outcomes().stream().map(MessageOutcome::status).toList(), count(user, "src"), count(user, "dst")));
    MoveResult whole = copy ? move.copy(settings, listener) : move.move(settings, listener);
    // Every outcome of the whole result was handed over exactly once.
    assertThat(seen.stream().flatMap(s -> s.uids().stream()).sorted().toList())
        .isEqualTo(whole.outcomes().stream().map(o -> o.uid().orElse(-1L)).sorted().toList());
    return seen;
  }

  @Test
  void eachBatchIsHandedOverOnceTheServerMovedItWhileTheNextAreStillInTheSource() {
    String user = mail.user("batches-move");
    seed(user, "src", 5);
    List<Seen> seen = moveWatching(user, MoveSettings.builder().from("src").to("dst").createTarget(true)
        .selection(Selection.uids(1, 2, 3, 4, 5, 99)).batchSize(2).build(), false);
    assertThat(seen).containsExactly(
        new Seen(List.of(1L, 2L), List.of(Status.MOVED, Status.MOVED), 3, 2),
        new Seen(List.of(3L, 4L), List.of(Status.MOVED, Status.MOVED), 1, 4),
        new Seen(List.of(5L), List.of(Status.MOVED), 0, 5),
        // Not in the folder: nothing was done, reported once the move is over.
        new Seen(List.of(99L), List.of(Status.MISSING), 0, 5));
  }

  @Test
  void aCopyHandsOverItsBatchesTheSameWay() {
    String user = mail.user("batches-copy");
    seed(user, "src", 3);
    List<Seen> seen = moveWatching(user, MoveSettings.builder().from("src").to("dst").createTarget(true)
        .selection(Selection.uids(1, 2, 3)).batchSize(2).build(), true);
    assertThat(seen).containsExactly(
        new Seen(List.of(1L, 2L), List.of(Status.COPIED, Status.COPIED), 3, 2),
        new Seen(List.of(3L), List.of(Status.COPIED), 3, 3));
  }

  @Test
  void aMissingTargetIsReportedOnceForEveryMessage() {
    String user = mail.user("batches-notarget");
    seed(user, "src", 2);
    List<Seen> seen = moveWatching(user, MoveSettings.builder().from("src").to("dst")
        .selection(Selection.uids(1, 2)).batchSize(1).build(), false);
    assertThat(seen).containsExactly(new Seen(List.of(1L, 2L), List.of(Status.FAILED, Status.FAILED), 2, 0));
  }
}
