package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.InteropServers;
import io.mailbridge.testkit.RealServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * receive/delete against the Dovecot without UIDPLUS and MOVE of scripts/interopstack: nothing
 * another client flagged \Deleted is expunged unless --expunge-all says so, and the exit code says
 * when a delete did not remove its messages.
 */
@RealServer
class NoUidplusCommandsIT {
  @TempDir
  Path dir;

  private InteropServers.Server server;

  @BeforeEach
  void server() {
    server = InteropServers.require("dovecot-basic");
  }

  private Cli run(String... args) throws IOException {
    Path pw = dir.resolve("pw");
    Files.writeString(pw, server.bob().password() + "\n");
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--imap-host", server.host(), "--imap-port", String.valueOf(server.port()),
        "--imap-security", "none", "--allow-plaintext", "--user", server.bob().user(), "--password-file",
        pw.toString()));
    return Cli.run(all.toArray(String[]::new));
  }

  private ImapSeeder seeder() {
    return ImapSeeder.plain(server.host(), server.port(), server.bob().user(), server.bob().password());
  }

  private void seed(String folder, String subject, String flags) {
    byte[] msg = ("From: a@example.com\r\nTo: bob@example.test\r\nSubject: " + subject + "\r\nMessage-ID: <" + subject
        + "." + System.nanoTime() + "@nouidplus.test>\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
    try (ImapSeeder s = seeder()) {
      s.append(folder, List.of(msg), flags);
    }
  }

  private void fresh(String... folders) {
    try (ImapSeeder s = seeder()) {
      for (String f : folders) {
        try {
          s.delete(f);
        } catch (IllegalStateException absent) {
          // not there
        }
        s.create(f);
      }
    }
  }

  private List<String> subjects(String folder) throws IOException {
    return run("receive", "--folder", folder).lines().stream().map(n -> n.get("subject").asText()).toList();
  }

  @Test
  void receiveThenMoveIsRefusedBeforeAnythingIsReceivedUnlessExpungeAllIsGiven() throws IOException {
    fresh("cli-nu-src", "cli-nu-dst");
    seed("cli-nu-src", "wanted", "");
    seed("cli-nu-src", "other-deleted", "\\Deleted");
    Cli refused = run("receive", "--folder", "cli-nu-src", "--subject", "wanted", "--then", "move:cli-nu-dst");
    assertThat(refused.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(refused.lines()).isEmpty();
    assertThat(refused.err()).contains("UIDPLUS").contains("--expunge-all");
    assertThat(subjects("cli-nu-src")).containsExactly("wanted", "other-deleted");

    Cli allowed = run("receive", "--folder", "cli-nu-src", "--subject", "wanted", "--then", "move:cli-nu-dst",
        "--expunge-all");
    assertThat(allowed.exit()).isZero();
    assertThat(subjects("cli-nu-dst")).containsExactly("wanted");
    assertThat(subjects("cli-nu-src")).isEmpty(); // the opt-in: the other \Deleted message went too
  }

  @Test
  void deleteExpungeThatCouldNotExpungeExitsLikeMove() throws IOException {
    fresh("cli-nu-del");
    seed("cli-nu-del", "gone", "");
    seed("cli-nu-del", "other-deleted", "\\Deleted");
    Cli r = run("delete", "--folder", "cli-nu-del", "--subject", "gone", "--expunge");
    assertThat(r.exit()).isEqualTo(ExitCodes.PARTIAL);
    assertThat(subjects("cli-nu-del")).containsExactly("gone", "other-deleted");
  }
}
