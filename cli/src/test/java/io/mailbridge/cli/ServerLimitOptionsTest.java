package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounds on what a server may send, as a user sets them: {@code --server-limit NAME=VALUE} and
 * {@code limits.NAME} in a {@code mailbridge.yaml} profile, checked against a server that goes
 * beyond the default bound.
 */
class ServerLimitOptionsTest {
  @TempDir
  Path dir;

  /** A server whose LIST answers {@code entries} folders. */
  private static HostileServer listing(int entries) {
    return HostileServer.start(ImapScript.mailbox(1).on("LIST", (tag, line) ->
        Reply.repeat("* LIST (\\HasNoChildren) \"/\" Folder\r\n", entries).then(Reply.lines(tag + " OK done"))).build());
  }

  private Cli folders(HostileServer s, String... extra) throws IOException {
    Path pw = Files.writeString(dir.resolve("pw"), "hostile-pw\n");
    List<String> args = new ArrayList<>(List.of("folders", "--imap-host", s.host(), "--imap-port",
        Integer.toString(s.port()), "--imap-security", "none", "--allow-plaintext", "--user", "bob", "--password-file",
        pw.toString(), "--read-timeout", "10s"));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void flagRaisesABoundTheServerGoesBeyond() throws IOException {
    // A 9 MiB capability list: beyond the default 8 MiB line, within a raised 16 MiB.
    String caps = ImapScript.CAPABILITIES + " X-" + "A".repeat(9 << 20);
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).capabilities(caps).build())) {
      Cli refused = folders(s);
      assertThat(refused.exit()).as(refused.err()).isEqualTo(ExitCodes.PROTOCOL);
      assertThat(refused.err()).contains("limits.maxLineBytes");
      Cli raised = folders(s, "--server-limit", "maxLineBytes=16MB");
      assertThat(raised.exit()).as(raised.err()).isZero();
      assertThat(raised.out()).contains("\"name\":\"INBOX\"");
    }
  }

  @Test
  void profileLowersABoundForAllServersOrForOne() throws IOException {
    try (HostileServer s = listing(150)) {
      for (String limits : List.of("    limits:\n      maxListEntries: 100\n",
          "    imap:\n      limits:\n        maxListEntries: 100\n")) {
        Path yaml = Files.writeString(dir.resolve("mailbridge.yaml"), "profiles:\n  default:\n" + limits);
        Cli r = folders(s, "--config", yaml.toString());
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.PROTOCOL);
        assertThat(r.err()).contains("100 LIST entries", "limits.maxListEntries");
      }
      assertThat(folders(s).exit()).isZero();
    }
  }

  @Test
  void unknownLimitIsAnErrorNamingTheNearest() throws IOException {
    try (HostileServer s = listing(1)) {
      Cli r = folders(s, "--server-limit", "maxListEntry=5");
      assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("--server-limit 'maxListEntry' is unknown", "did you mean 'maxListEntries'");
    }
  }

  @Test
  void limitBelowItsMinimumIsAnErrorNamingIt() throws IOException {
    try (HostileServer s = listing(1)) {
      Cli r = folders(s, "--server-limit", "maxNesting=3");
      assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
      assertThat(r.err()).contains("limits.maxNesting 3 is below the minimum 8");
      Cli size = folders(s, "--server-limit", "maxLineBytes=lots");
      assertThat(size.exit()).isEqualTo(ExitCodes.USAGE);
      assertThat(size.err()).contains("limits.maxLineBytes 'lots' is not a size");
    }
  }
}
