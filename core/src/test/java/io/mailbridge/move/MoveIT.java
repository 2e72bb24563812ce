package io.mailbridge.move;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.ImapClient;
import io.mailbridge.move.MessageOutcome.Status;
import io.mailbridge.move.internal.MessageOps.Kind;
import io.mailbridge.move.internal.Strategy;
import io.mailbridge.search.Filter;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Moves on the real Dovecot (advertises MOVE and UIDPLUS) as carol, folders prefixed {@code mv-}. */
@RealServer
class MoveIT {

  private static MoveResult run(ImapClient imap, MoveSettings s) {
    return Move.run(imap, s, Kind.MOVE, Optional.empty());
  }

  @Test
  void movesExactlyTheSelectedUidsWithUidMoveAndReportsNewUids(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-uids-src", "mv-uids-dst");
    carol.seed("mv-uids-src", 10, "Msg");
    try (ImapClient imap = carol.traced()) {
      MoveResult r = run(imap, MoveSettings.builder().from("mv-uids-src").to("mv-uids-dst")
          .selection(Selection.uidSet("2,3,5:7")).build());

      assertThat(r.method()).isEqualTo("MOVE");
      assertThat(r.outcomes()).extracting(o -> o.uid().orElseThrow()).containsExactly(2L, 3L, 5L, 6L, 7L);
      assertThat(r.outcomes()).allMatch(o -> o.status() == Status.MOVED);
      assertThat(r.outcomes()).extracting(o -> o.newUid().orElseThrow()).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(r.targetUidValidity()).isPresent();
      assertThat(Carol.commands(imap, "UID MOVE")).singleElement().asString().contains("UID MOVE 2:3,5:7 mv-uids-dst");
      assertThat(Carol.commands(imap, "EXPUNGE")).isEmpty();
      assertThat(Carol.commands(imap, "CLOSE")).isEmpty(); // CLOSE would expunge \Deleted messages
      // QRESYNC enabled before the SELECT: the server reports the moved UIDs in one VANISHED line
      // instead of one EXPUNGE per message.
      assertThat(Carol.commands(imap, "ENABLE QRESYNC")).hasSize(1);
      assertThat(imap.trace().lines()).contains("* VANISHED 2:3,5:7").noneMatch(l -> l.matches("^\\* [0-9]+ EXPUNGE$"));
    }
    assertThat(carol.subjects("mv-uids-dst")).containsExactly("Msg 2", "Msg 3", "Msg 5", "Msg 6", "Msg 7");
    assertThat(carol.subjects("mv-uids-src")).containsExactly("Msg 1", "Msg 10", "Msg 4", "Msg 8", "Msg 9");
  }

  @Test
  void reportsUidsThatNoLongerExistAsMissingAndMovesTheRest(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-missing-src", "mv-missing-dst");
    carol.seed("mv-missing-src", 3, "Msg");
    // Another client moved UID 2 away before we run.
    stack.doveadm("move", "-u", carol.user().user(), "mv-missing-dst", "mailbox", "mv-missing-src", "uid", "2");

    MoveResult r = Move.of(carol.connection()).move(MoveSettings.builder().from("mv-missing-src").to("mv-missing-dst")
        .selection(Selection.uids(1, 2, 3, 999)).build());

    assertThat(r.with(Status.MOVED)).extracting(o -> o.uid().orElseThrow()).containsExactly(1L, 3L);
    assertThat(r.with(Status.MISSING)).extracting(o -> o.uid().orElseThrow()).containsExactly(2L, 999L);
    assertThat(r.with(Status.MISSING).get(0).reason()).contains("UID 2 is not in folder 'mv-missing-src'");
    assertThat(r.complete()).isFalse();
    assertThat(carol.count("mv-missing-src")).isZero();
    assertThat(carol.count("mv-missing-dst")).isEqualTo(3);
  }

  @Test
  void missingTargetWithoutCreateTargetFailsEveryMessageAndTouchesNothing(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-notarget-src");
    carol.remove("mv-notarget-dst");
    carol.seed("mv-notarget-src", 3, "Msg");

    MoveResult r = Move.of(carol.connection()).move(MoveSettings.builder().from("mv-notarget-src")
        .to("mv-notarget-dst").selection(Selection.uids(1, 2, 3)).build());

    assertThat(r.outcomes()).hasSize(3).allMatch(o -> o.status() == Status.FAILED)
        .allMatch(o -> o.reason().contains("target folder 'mv-notarget-dst' does not exist"));
    assertThat(r.method()).isEqualTo("NONE");
    assertThat(carol.count("mv-notarget-src")).isEqualTo(3);
  }

  @Test
  void createsAUnicodeTargetWhenAskedAndTheNameRoundTrips(MailStack stack) {
    Carol carol = new Carol(stack);
    String target = "mv-Archiv/Überfällig 2026 – 請求書";
    carol.reset("mv-unicode-src");
    carol.remove(target, "mv-Archiv");
    carol.seed("mv-unicode-src", 2, "Msg");

    MoveResult r = Move.of(carol.connection()).move(MoveSettings.builder().from("mv-unicode-src").to(target)
        .selection(Selection.filter(Filter.all())).createTarget(true).build());

    assertThat(r.with(Status.MOVED)).hasSize(2);
    assertThat(r.target()).contains(target);
    assertThat(carol.count(target)).isEqualTo(2); // doveadm takes the UTF-8 name: the wire form was right
    assertThat(io.mailbridge.folder.Folders.of(carol.connection()).list(false))
        .anySatisfy(f -> assertThat(f.name()).isEqualTo(target));

    // And back out of it: the Unicode name works as a source (SELECT) too.
    MoveResult back = Move.of(carol.connection()).move(MoveSettings.builder().from(target).to("mv-unicode-src")
        .selection(Selection.uids(1)).build());
    assertThat(back.with(Status.MOVED)).singleElement().satisfies(o -> assertThat(o.newUid()).contains(3L));
    assertThat(back.folder()).isEqualTo(target);
    assertThat(carol.count(target)).isEqualTo(1);
  }

  @Test
  void changedUidValidityMovesNothingAndSaysWhy(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-validity-src", "mv-validity-dst");
    carol.seed("mv-validity-src", 2, "Msg");

    MoveResult r = Move.of(carol.connection()).move(MoveSettings.builder().from("mv-validity-src")
        .to("mv-validity-dst").selection(Selection.uids(1, 2)).expectedUidValidity(1L).build());

    assertThat(r.outcomes()).hasSize(2).allMatch(o -> o.status() == Status.FAILED)
        .allMatch(o -> o.reason().contains("UIDVALIDITY of 'mv-validity-src' is " + r.uidValidity()
            + ", not the expected 1"));
    assertThat(carol.count("mv-validity-src")).isEqualTo(2);
    assertThat(carol.count("mv-validity-dst")).isZero();
  }

  @Test
  void selectsByFilterAndByMessageId(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-filter-src", "mv-filter-dst");
    carol.append("mv-filter-src", List.of(
        TestMessages.message("Invoice 1", "<inv-1@example.test>"),
        TestMessages.message("Hello", "<hello-1@example.test>"),
        TestMessages.message("Invoice 2", "<inv-2@example.test>"),
        TestMessages.message("Other", "<other-1@example.test>")), "");

    MoveResult byFilter = Move.of(carol.connection()).move(MoveSettings.builder().from("mv-filter-src")
        .to("mv-filter-dst").selection(Selection.filter(Filter.subject("Invoice"))).build());
    MoveResult byId = Move.of(carol.connection()).move(MoveSettings.builder().from("mv-filter-src")
        .to("mv-filter-dst").selection(Selection.messageIds(List.of("other-1@example.test", "<gone@example.test>")))
        .build());

    assertThat(byFilter.with(Status.MOVED)).extracting(o -> o.uid().orElseThrow()).containsExactly(1L, 3L);
    assertThat(byId.with(Status.MOVED)).singleElement()
        .satisfies(o -> assertThat(o.messageId()).contains("other-1@example.test"));
    assertThat(byId.with(Status.MISSING)).singleElement()
        .satisfies(o -> assertThat(o.reason()).contains("no message with Message-ID <gone@example.test>"));
    assertThat(carol.subjects("mv-filter-src")).containsExactly("Hello");
    assertThat(carol.subjects("mv-filter-dst")).containsExactly("Invoice 1", "Invoice 2", "Other");
  }

  @Test
  void sendsOneUidMovePerBatch(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-batch-src", "mv-batch-dst");
    carol.seed("mv-batch-src", 10, "Msg");
    try (ImapClient imap = carol.traced()) {
      MoveResult r = run(imap, MoveSettings.builder().from("mv-batch-src").to("mv-batch-dst")
          .selection(Selection.filter(Filter.all())).batchSize(4).build());

      assertThat(r.with(Status.MOVED)).hasSize(10);
      assertThat(Carol.commands(imap, "UID MOVE")).hasSize(3);
      assertThat(r.outcomes()).extracting(o -> o.newUid().orElseThrow()).containsExactly(
          1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }
  }

  @Test
  void uidplusFallbackExpungesOnlyTheMovedMessages(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-uidplus-src", "mv-uidplus-dst");
    carol.seed("mv-uidplus-src", 4, "Msg");
    // Already \Deleted by the user but not selected: must survive (RFC 4315 UID EXPUNGE).
    carol.append("mv-uidplus-src", List.of(TestMessages.message("Keep me", "<keep@example.test>")), "\\Deleted");
    try (ImapClient imap = carol.traced()) {
      MoveResult r = Move.run(imap, MoveSettings.builder().from("mv-uidplus-src").to("mv-uidplus-dst")
          .selection(Selection.uids(1, 2, 4)).build(), Kind.MOVE, Optional.of(Strategy.UIDPLUS));

      assertThat(r.method()).isEqualTo("UIDPLUS");
      assertThat(r.outcomes()).allMatch(o -> o.status() == Status.MOVED);
      assertThat(r.outcomes()).extracting(o -> o.newUid().orElseThrow()).containsExactly(1L, 2L, 3L);
      assertThat(Carol.commands(imap, "UID MOVE")).isEmpty();
      assertThat(Carol.commands(imap, "UID COPY")).singleElement().asString().contains("UID COPY 1:2,4 mv-uidplus-dst");
      assertThat(Carol.commands(imap, "UID STORE")).singleElement().asString()
          .contains("UID STORE 1:2,4 +FLAGS.SILENT (\\Deleted)");
      assertThat(Carol.commands(imap, "UID EXPUNGE")).singleElement().asString().contains("UID EXPUNGE 1:2,4");
      assertThat(Carol.commands(imap, "EXPUNGE")).isEmpty();
    }
    assertThat(carol.subjects("mv-uidplus-src")).containsExactly("Keep me", "Msg 3");
    assertThat(carol.subjects("mv-uidplus-dst")).containsExactly("Msg 1", "Msg 2", "Msg 4");
  }

  @Test
  void withoutUidplusCopiesAndFlagsButExpungesNothingUnlessAllowed(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-copy-src", "mv-copy-dst");
    carol.seed("mv-copy-src", 3, "Msg");
    carol.append("mv-copy-src", List.of(TestMessages.message("Keep me", "<keep2@example.test>")), "\\Deleted");
    try (ImapClient imap = carol.traced()) {
      MoveResult r = Move.run(imap, MoveSettings.builder().from("mv-copy-src").to("mv-copy-dst")
          .selection(Selection.uids(1, 3)).build(), Kind.MOVE, Optional.of(Strategy.COPY));

      assertThat(r.method()).isEqualTo("COPY");
      assertThat(r.outcomes()).allMatch(o -> o.status() == Status.COPIED)
          .allMatch(o -> o.reason().contains("not expunged"));
      assertThat(r.warnings()).singleElement().asString().contains("EXPUNGE would also remove other \\Deleted");
      assertThat(Carol.commands(imap, "EXPUNGE")).isEmpty();
      assertThat(Carol.commands(imap, "UID EXPUNGE")).isEmpty();
    }
    assertThat(carol.count("mv-copy-src")).isEqualTo(4);
    assertThat(carol.subjects("mv-copy-dst")).containsExactly("Msg 1", "Msg 3");

    try (ImapClient imap = carol.traced()) {
      MoveResult r = Move.run(imap, MoveSettings.builder().from("mv-copy-src").to("mv-copy-dst")
          .selection(Selection.uids(2)).expungeWithoutUidplus(true).build(), Kind.MOVE, Optional.of(Strategy.COPY));

      assertThat(r.with(Status.MOVED)).hasSize(1);
      assertThat(r.warnings()).singleElement().asString().contains("also removed any other message");
      assertThat(Carol.commands(imap, "EXPUNGE")).hasSize(1);
    }
    // As warned: the plain EXPUNGE took every \Deleted message with it.
    assertThat(carol.count("mv-copy-src")).isZero();
  }

  @Test
  void copyLeavesTheSourceAndReportsNewUids(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("mv-cp-src", "mv-cp-dst");
    carol.seed("mv-cp-src", 3, "Msg");

    MoveResult r = Move.of(carol.connection()).copy(MoveSettings.builder().from("mv-cp-src").to("mv-cp-dst")
        .selection(Selection.uids(2, 3)).build());

    assertThat(r.outcomes()).allMatch(o -> o.status() == Status.COPIED);
    assertThat(r.outcomes()).extracting(o -> o.newUid().orElseThrow()).containsExactly(1L, 2L);
    assertThat(carol.count("mv-cp-src")).isEqualTo(3);
    assertThat(carol.count("mv-cp-dst")).isEqualTo(2);
  }
}
