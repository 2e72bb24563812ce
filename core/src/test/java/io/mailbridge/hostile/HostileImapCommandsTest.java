package io.mailbridge.hostile;

import static io.mailbridge.hostile.HostileFixture.READ_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mailbridge.ProtocolException;
import io.mailbridge.folder.FolderInfo;
import io.mailbridge.folder.Folders;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveResult;
import io.mailbridge.move.MoveSettings;
import io.mailbridge.move.Selection;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Folders, Move and the folder opening of Receive against scripted hostile IMAP servers: counts
 * and codes a server sends are checked before they are used, a bad answer for one folder costs
 * only that folder, and a COPYUID that cannot be trusted is reported and never widens what is
 * flagged or expunged.
 */
class HostileImapCommandsTest {
  private static final Duration LIMIT = READ_TIMEOUT.multipliedBy(2);

  /** LIST answering the three folders INBOX, Bad and Good (or the one folder asked for by name). */
  private static ImapScript.Builder threeFolders() {
    return ImapScript.mailbox(2).on("LIST", (tag, line) -> {
      String pattern = line.substring(line.lastIndexOf(' ') + 1).replace("\"", "");
      List<String> names = pattern.equals("*") || pattern.equals("%") ? List.of("INBOX", "Bad", "Good") : List.of(pattern);
      Reply r = Reply.none();
      for (String n : names) {
        r = r.then(Reply.lines("* LIST (\\HasNoChildren) \"/\" " + n));
      }
      return r.then(Reply.lines(tag + " OK LIST done"));
    });
  }

  private static Map<String, FolderInfo> counted(HostileServer s) {
    List<FolderInfo> all = assertTimeoutPreemptively(LIMIT, () -> Folders.of(HostileFixture.imap(s)).list(true));
    return all.stream().collect(Collectors.toMap(FolderInfo::name, Function.identity()));
  }

  /**
   * The bound is lowered here because this JVM logs the protocol trace at DEBUG (a line per entry);
   * the CLI test runs the default bound against the same two million entries with -Xmx64m.
   */
  @Test
  void twoMillionListEntriesAreAProtocolError() {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).on("LIST", (tag, line) ->
        Reply.repeat("* LIST (\\HasNoChildren) \"/\" Folder\r\n", 2_000_000).then(Reply.lines(tag + " OK done"))).build())) {
      Throwable t = assertTimeoutPreemptively(LIMIT, () -> catchThrowable(() ->
          Folders.of(HostileFixture.imap(s, HostileFixture.LIMITS.withMaxListEntries(1000))).list(false)));
      assertThat(t).isInstanceOf(ProtocolException.class)
          .hasMessageContaining("1000 LIST entries", "limits.maxListEntries", s.host() + ":" + s.port());
    }
  }

  @Test
  void refusedStatusMarksThatFolderAndKeepsTheOthers() {
    try (HostileServer s = HostileServer.start(threeFolders().on("STATUS", (tag, line) ->
        line.contains("Bad") ? Reply.lines(tag + " NO \u001b[2J no access to Bad") : null).build())) {
      Map<String, FolderInfo> folders = counted(s);
      assertThat(folders).containsOnlyKeys("INBOX", "Bad", "Good");
      assertThat(folders.get("Good").messages()).contains(2);
      assertThat(folders.get("INBOX").messages()).contains(2);
      assertThat(folders.get("Good").countsError()).isEmpty();
      assertThat(folders.get("Bad").messages()).isEmpty();
      assertThat(folders.get("Bad").countsError()).hasValueSatisfying(e ->
          assertThat(e).contains("no access to Bad").doesNotContain("\u001b"));
    }
  }

  @Test
  void statusWithABadUidValidityIsMarkedAndTheOthersAreCountedOverANewConnection() {
    for (String bad : List.of("-5", "abc")) {
      try (HostileServer s = HostileServer.start(threeFolders().on("STATUS", (tag, line) -> line.contains("Bad")
          ? Reply.lines("* STATUS Bad (MESSAGES 1 UIDVALIDITY " + bad + " UNSEEN 1)", tag + " OK STATUS done")
          : null).build())) {
        Map<String, FolderInfo> folders = counted(s);
        assertThat(folders).containsOnlyKeys("INBOX", "Bad", "Good");
        assertThat(folders.get("Bad").messages()).as("UIDVALIDITY %s", bad).isEmpty();
        assertThat(folders.get("Bad").countsError()).hasValueSatisfying(e ->
            assertThat(e).contains("protocol error", "UIDVALIDITY", bad));
        assertThat(folders.get("Good").messages()).as("UIDVALIDITY %s", bad).contains(2);
        assertThat(s.connections()).isGreaterThanOrEqualTo(2);
      }
    }
  }

  @Test
  void selectWithoutUidValidityIsAProtocolError() {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1)
        .on("SELECT", (tag, line) -> Reply.lines("* 1 EXISTS", tag + " OK [READ-WRITE] done"))
        .on("EXAMINE", (tag, line) -> Reply.lines("* 1 EXISTS", tag + " OK [READ-ONLY] done")).build())) {
      Throwable t = assertTimeoutPreemptively(LIMIT, () -> catchThrowable(() ->
          Receive.from(HostileFixture.imap(s)).receiveAll(ReceiveSettings.builder().folder("INBOX").build())));
      assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("UIDVALIDITY");
    }
  }

  @Test
  void bodyStructureNestedAHundredThousandLevelsIsAProtocolError() {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).on("UID FETCH", (tag, line) ->
        line.toUpperCase().contains("BODY") ? Reply.text("* 1 FETCH (UID 1 BODYSTRUCTURE ").then(Reply.repeat("(", 100_000))
            .then(Reply.repeat("\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)", 100_000)).then(Reply.lines(")", tag + " OK done"))
            : null).build())) {
      Throwable t = assertTimeoutPreemptively(LIMIT, () -> catchThrowable(() ->
          Receive.from(HostileFixture.imap(s)).receiveAll(ReceiveSettings.builder().folder("INBOX").build())));
      assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("nested", "limits.maxNesting");
    }
  }

  private static MoveResult move(HostileServer s) {
    return assertTimeoutPreemptively(LIMIT, () -> Move.of(HostileFixture.imap(s)).move(MoveSettings.builder()
        .from("INBOX").to("Archive").selection(Selection.uids(1)).build()));
  }

  @Test
  void copyUidBeyondTheFolderIsAWarningNotSilentlyDropped() {
    try (HostileServer s = HostileServer.start(threeFolders().on("UID MOVE", (tag, line) ->
        Reply.lines("* OK [COPYUID 9 1:9999999 1:9999999] moved", "* 1 EXPUNGE", tag + " OK MOVE done")).build())) {
      MoveResult r = move(s);
      assertThat(r.outcomes()).extracting(MessageOutcome::status).containsExactly(MessageOutcome.Status.MOVED);
      assertThat(r.outcomes().get(0).newUid()).isEmpty();
      assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("COPYUID", "9999999", "ignored"));
    }
  }

  @Test
  void copyUidNamingUidsNotAskedForNeverWidensTheExpunge() {
    List<String> commands = new CopyOnWriteArrayList<>();
    try (HostileServer s = HostileServer.start(threeFolders().capabilities("IMAP4rev1 LITERAL+ UIDPLUS ESEARCH")
        .on("UID", (tag, line) -> {
          commands.add(line.substring(line.indexOf(' ') + 1));
          return null;
        })
        .on("UID COPY", (tag, line) -> Reply.lines(tag + " OK [COPYUID 9 1:2 7:8] copied")).build())) {
      MoveResult r = move(s);
      assertThat(r.outcomes()).extracting(MessageOutcome::status).containsExactly(MessageOutcome.Status.MOVED);
      assertThat(r.warnings()).anySatisfy(w -> assertThat(w).contains("COPYUID", "not asked for"));
      assertThat(commands).filteredOn(c -> c.startsWith("UID STORE") || c.startsWith("UID EXPUNGE"))
          .isNotEmpty().allSatisfy(c -> assertThat(c.split(" ")[2]).isEqualTo("1"));
    }
  }
}
