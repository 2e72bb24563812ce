package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The move, flag, delete and folders commands against the real Dovecot as carol; folders {@code cli-mv-*}. */
@RealServer
class MoveCommandsIT {
  @TempDir
  Path dir;

  private Cli run(MailStack stack, String... args) throws IOException {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, stack.carol().password() + "\n");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--imap-host", stack.host(), "--imap-port", String.valueOf(stack.imapsPort()),
        "--imap-security", "ssl_tls", "--user", stack.carol().user(), "--password-file", pw.toString(),
        "--ca-file", stack.caFile()));
    return Cli.run(all.toArray(String[]::new));
  }

  private static void seed(MailStack stack, String folder, String... subjects) {
    StackMailbox.carol(stack).reset(folder);
    List<byte[]> msgs = new ArrayList<>();
    for (String s : subjects) {
      msgs.add(("From: a@example.test\r\nTo: carol@example.test\r\nSubject: " + s + "\r\nMessage-ID: <" + s.hashCode()
          + "." + System.nanoTime() + "@example.test>\r\n\r\nHi.\r\n").getBytes(StandardCharsets.UTF_8));
    }
    StackMailbox.carol(stack).append(folder, msgs, "");
  }

  @Test
  void moveByUidsCreatesTheTargetAndPrintsOneLinePerMessage(MailStack stack) throws IOException {
    seed(stack, "cli-mv-src", "A", "B", "C");
    try {
      stack.doveadm("mailbox", "delete", "-u", stack.carol().user(), "-s", "cli-mv-Archive/2026", "cli-mv-Archive");
    } catch (IllegalStateException absent) {
      // not there
    }

    Cli r = run(stack, "move", "--from", "cli-mv-src", "--to", "cli-mv-Archive/2026", "--uids", "1,3:4",
        "--create-target");

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(r.lines()).hasSize(3);
    assertThat(r.lines().get(0).get("status").asText()).isEqualTo("moved");
    assertThat(r.lines().get(0).get("newUid").asLong()).isEqualTo(1);
    assertThat(r.lines().get(2).get("status").asText()).isEqualTo("missing");
    assertThat(r.err()).contains("2 of 3 message(s) done");
    assertThat(stack.messageCount(stack.carol(), "cli-mv-Archive/2026")).isEqualTo(2);
  }

  @Test
  void aMoveInBatchesPrintsAndJournalsEveryMessageOnceInUidOrderThenTheMissing(MailStack stack) throws Exception {
    seed(stack, "cli-mv-batches", "A", "B", "C", "D", "E");
    StackMailbox.carol(stack).reset("cli-mv-batches-done");
    Path journal = dir.resolve("journal.db");

    Cli r = run(stack, "move", "--from", "cli-mv-batches", "--to", "cli-mv-batches-done", "--uids", "1:5,9",
        "--batch-size", "2", "--journal", journal.toString());

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(r.lines()).extracting(n -> n.get("uid").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 9L);
    assertThat(r.lines()).extracting(n -> n.get("status").asText())
        .containsExactly("moved", "moved", "moved", "moved", "moved", "missing");
    assertThat(r.lines()).extracting(n -> n.path("newUid").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 0L);
    assertThat(r.err()).contains("5 of 6 message(s) done");
    assertThat(stack.messageCount(stack.carol(), "cli-mv-batches-done")).isEqualTo(5);
    List<com.fasterxml.jackson.databind.JsonNode> records = CliTest.lines(Cli.run("report", "--journal",
        journal.toString(), "--operation", "move").out());
    assertThat(records).extracting(n -> n.path("outcome").asText() + " " + n.path("uid").asLong())
        .containsExactlyInAnyOrder("moved 1", "moved 2", "moved 3", "moved 4", "moved 5", "missing 9");
  }

  @Test
  void moveByFilterFlagAndDelete(MailStack stack) throws IOException {
    seed(stack, "cli-mv-filter", "Invoice 1", "Hello", "Invoice 2");
    StackMailbox.carol(stack).reset("cli-mv-processed");

    Cli moved = run(stack, "move", "--from", "cli-mv-filter", "--to", "cli-mv-processed", "--subject", "Invoice",
        "--before", "2999-01-01");
    assertThat(moved.exit()).as(moved.err()).isZero();
    assertThat(moved.lines()).extracting(n -> n.get("uid").asLong()).containsExactly(1L, 3L);

    Cli flagged = run(stack, "flag", "--folder", "cli-mv-processed", "--all", "--seen", "--flag", "$Done");
    assertThat(flagged.exit()).as(flagged.err()).isZero();
    assertThat(flagged.lines()).allMatch(n -> n.get("status").asText().equals("updated")).hasSize(2);

    Cli deleted = run(stack, "delete", "--folder", "cli-mv-processed", "--keyword", "$Done", "--expunge");
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(deleted.lines()).allMatch(n -> n.get("status").asText().equals("expunged")).hasSize(2);
    assertThat(stack.messageCount(stack.carol(), "cli-mv-processed")).isZero();
  }

  @Test
  void selectionMistakesAreBadInput(MailStack stack) throws IOException {
    Cli none = run(stack, "move", "--from", "INBOX", "--to", "cli-mv-x");
    assertThat(none.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(none.err()).contains("no messages selected");
    Cli both = run(stack, "move", "--from", "INBOX", "--to", "cli-mv-x", "--uids", "1", "--subject", "x");
    assertThat(both.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    Cli wildcard = run(stack, "folders", "create", "cli-mv-*");
    assertThat(wildcard.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(wildcard.err()).contains("LIST wildcards");
  }

  @Test
  void foldersCreateRenameDelete(MailStack stack) throws IOException {
    for (String f : List.of("cli-mv-Ünïcode", "cli-mv-Renamed")) {
      try {
        stack.doveadm("mailbox", "delete", "-u", stack.carol().user(), f);
      } catch (IllegalStateException absent) {
        // not there
      }
    }
    assertThat(run(stack, "folders", "create", "cli-mv-Ünïcode").lines().get(0).get("name").asText())
        .isEqualTo("cli-mv-Ünïcode");
    assertThat(run(stack, "folders", "rename", "cli-mv-Ünïcode", "cli-mv-Renamed").exit()).isZero();
    assertThat(run(stack, "folders").lines()).anyMatch(n -> n.get("name").asText().equals("cli-mv-Renamed"));
    assertThat(run(stack, "folders", "delete", "cli-mv-Renamed").exit()).isZero();
  }

  @Test
  void foldersCreateAndDeleteTakeSeveralNamesInOrder(MailStack stack) throws IOException {
    for (String f : List.of("cli-mv-tree/2026", "cli-mv-tree")) {
      try {
        stack.doveadm("mailbox", "delete", "-u", stack.carol().user(), f);
      } catch (IllegalStateException absent) {
        // not there
      }
    }
    Cli created = run(stack, "folders", "create", "cli-mv-tree", "cli-mv-tree/2026");
    assertThat(created.exit()).isZero();
    assertThat(created.lines()).extracting(n -> n.get("name").asText()).containsExactly("cli-mv-tree",
        "cli-mv-tree/2026");
    Cli deleted = run(stack, "folders", "delete", "cli-mv-tree/2026", "cli-mv-tree");
    assertThat(deleted.exit()).isZero();
    assertThat(deleted.lines()).extracting(n -> n.get("deleted").asText()).containsExactly("cli-mv-tree/2026",
        "cli-mv-tree");
    assertThat(run(stack, "folders").lines()).noneMatch(n -> n.get("name").asText().startsWith("cli-mv-tree"));
  }
}
