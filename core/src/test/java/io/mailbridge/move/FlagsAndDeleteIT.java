package io.mailbridge.move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.move.MessageOutcome.Status;
import io.mailbridge.search.Filter;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Flags and Delete on the real Dovecot as carol; folders prefixed {@code fl-} / {@code del-}. */
@RealServer
class FlagsAndDeleteIT {

  private static String flags(Carol carol, String folder, long uid) {
    return carol.stack().doveadm("-f", "flow", "fetch", "-u", carol.user().user(), "flags", "mailbox", folder, "uid",
        String.valueOf(uid)).strip();
  }

  @Test
  void marksReadUnreadFlaggedAndCustomKeywordsOnExactlyTheSelection(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("fl-src");
    carol.seed("fl-src", 4, "Msg");
    Flags flags = Flags.of(carol.connection());

    MoveResult read = flags.markRead("fl-src", Selection.uids(1, 2, 9));
    assertThat(read.with(Status.UPDATED)).hasSize(2);
    assertThat(read.with(Status.MISSING)).singleElement().satisfies(o -> assertThat(o.uid()).contains(9L));
    flags.change("fl-src", Selection.uids(2, 3), Set.of("\\Flagged", "$Processed"), Set.of());
    flags.markUnread("fl-src", Selection.uids(2));

    assertThat(flags(carol, "fl-src", 1)).contains("\\Seen").doesNotContain("\\Flagged");
    assertThat(flags(carol, "fl-src", 2)).contains("\\Flagged", "$Processed").doesNotContain("\\Seen");
    assertThat(flags(carol, "fl-src", 3)).contains("\\Flagged", "$Processed").doesNotContain("\\Seen");
    assertThat(flags(carol, "fl-src", 4)).doesNotContain("\\Seen", "\\Flagged", "$Processed");

    // The keyword is searchable with the shared Filter: the same UID SEARCH Receive uses.
    MoveResult unflag = flags.change("fl-src", Selection.filter(Filter.keyword("$Processed")), Set.of(),
        Set.of("\\Flagged", "$Processed"));
    assertThat(unflag.outcomes()).extracting(o -> o.uid().orElseThrow()).containsExactly(2L, 3L);
    assertThat(flags(carol, "fl-src", 3)).doesNotContain("\\Flagged", "$Processed");
  }

  @Test
  void flagChangeRefusesAChangedUidValidity(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("fl-validity");
    carol.seed("fl-validity", 1, "Msg");
    MoveResult r = Flags.of(carol.connection()).change("fl-validity", Selection.uids(1), Set.of("\\Seen"), Set.of(),
        Optional.of(1L));
    assertThat(r.outcomes()).singleElement().satisfies(o -> assertThat(o.status()).isEqualTo(Status.FAILED));
    assertThat(flags(carol, "fl-validity", 1)).doesNotContain("\\Seen");
  }

  @Test
  void deleteMovesToTheTrashSpecialUseFolder(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("del-src");
    carol.seed("del-src", 3, "Delete-me-" + System.nanoTime());
    int trashBefore = carol.count("Trash");

    MoveResult r = Delete.of(carol.connection()).delete("del-src", Selection.uids(2), false);

    assertThat(r.target()).contains("Trash");
    assertThat(r.with(Status.MOVED)).singleElement().satisfies(o -> assertThat(o.newUid()).isPresent());
    assertThat(carol.count("del-src")).isEqualTo(2);
    assertThat(carol.count("Trash")).isEqualTo(trashBefore + 1);
    stack.doveadm("expunge", "-u", carol.user().user(), "mailbox", "Trash", "uid", String.valueOf(
        r.outcomes().get(0).newUid().orElseThrow()));
  }

  @Test
  void expungeRemovesOnlyTheSelectedMessages(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("del-expunge");
    carol.seed("del-expunge", 3, "Msg");
    carol.append("del-expunge", java.util.List.of(TestMessages.message("Keep me", "<keep3@example.test>")), "\\Deleted");

    MoveResult r = Delete.of(carol.connection()).delete("del-expunge", Selection.uids(1, 3), true);

    assertThat(r.method()).isEqualTo("UIDPLUS");
    assertThat(r.outcomes()).allMatch(o -> o.status() == Status.EXPUNGED).hasSize(2);
    assertThat(carol.subjects("del-expunge")).containsExactly("Keep me", "Msg 2");
  }

  @Test
  void badFlagsAreRejectedBeforeConnecting(MailStack stack) {
    Carol carol = new Carol(stack);
    Flags flags = Flags.of(carol.connection());
    assertThatThrownBy(() -> flags.change("INBOX", Selection.uids(1), Set.of(), Set.of()))
        .isInstanceOf(BadInputException.class).hasMessageContaining("no flag to add or remove");
    assertThatThrownBy(() -> flags.change("INBOX", Selection.uids(1), Set.of("\\Seen"), Set.of("\\seen")))
        .isInstanceOf(BadInputException.class).hasMessageContaining("both added and removed");
  }
}
