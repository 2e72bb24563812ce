package io.mailbridge.move;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.move.MessageOutcome.Status;
import io.mailbridge.move.internal.MessageOps.Kind;
import io.mailbridge.move.internal.MessageOps;
import io.mailbridge.move.internal.Strategy;
import io.mailbridge.testkit.GreenMailFixture;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.TestMessages;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import static org.assertj.core.api.Assertions.assertThat;


/** The same move paths on a second IMAP implementation (GreenMail: MOVE and UIDPLUS, its own COPYUID). */
class MoveGreenMailTest {
  @RegisterExtension
  static GreenMailFixture mail = new GreenMailFixture();

  private ImapClient open(String user) {
    Endpoint e = Endpoint.imap("127.0.0.1").port(mail.imapPort()).security(Security.NONE).allowPlaintext(true)
        .auth(Auth.basic(user, Secret.of(GreenMailFixture.PASSWORD))).build();
    return ImapClient.open(e, new Properties(), true);
  }

  private void seed(String user, String folder, int n) {
    try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", mail.imapPort(), user, GreenMailFixture.PASSWORD)) {
      s.create(folder);
      for (int i = 1; i <= n; i++) {
        s.append(folder, List.of(TestMessages.message("Msg " + i, "<gm-" + i + "@example.test>")), "");
      }
    }
  }

  @Test
  void movesWithUidMoveAndReportsNewUids() {
    String user = mail.user("gm-move");
    seed(user, "src", 4);
    try (ImapClient imap = open(user)) {
      MoveResult r = Move.run(imap, MoveSettings.builder().from("src").to("dst").createTarget(true)
          .selection(Selection.uids(2, 4, 99)).build(), Kind.MOVE, Optional.empty());
      assertThat(r.method()).isEqualTo("MOVE");
      assertThat(r.with(Status.MOVED)).extracting(o -> o.uid().orElseThrow()).containsExactly(2L, 4L);
      assertThat(r.with(Status.MOVED)).allMatch(o -> o.newUid().isPresent());
      assertThat(r.with(Status.MISSING)).extracting(o -> o.uid().orElseThrow()).containsExactly(99L);
    }
  }

  @Test
  void forcedUidplusFallbackLeavesUnselectedDeletedMessages() {
    String user = mail.user("gm-uidplus");
    seed(user, "src", 3);
    try (ImapClient imap = open(user)) {
      Flags.normalize(java.util.Set.of("\\Deleted"));
      io.mailbridge.move.internal.MessageOps.store(imap, "src", Selection.uids(3), java.util.Set.of("\\Deleted"),
          java.util.Set.of(), Optional.empty(), 10);
      MoveResult r = Move.run(imap, MoveSettings.builder().from("src").to("dst").createTarget(true)
          .selection(Selection.uids(1)).build(), Kind.MOVE, Optional.of(Strategy.UIDPLUS));
      assertThat(r.method()).isEqualTo("UIDPLUS");
      assertThat(r.with(Status.MOVED)).singleElement();
      assertThat(Carol.commands(imap, "UID EXPUNGE")).singleElement().asString().endsWith("UID EXPUNGE 1");
    }
    try (ImapClient imap = open(user)) {
      MoveResult left = Move.run(imap, MoveSettings.builder().from("src").to("dst")
          .selection(Selection.uids(2, 3)).build(), Kind.COPY, Optional.empty());
      assertThat(left.with(Status.COPIED)).hasSize(2); // both still there, incl. the \Deleted one
    }
  }
}
