package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * {@code folders} and {@code receive} against hostile answers to LIST, STATUS and FETCH
 * BODYSTRUCTURE, in a child JVM with {@code -Xmx64m} and the default bounds.
 */
class HostileImapCommandsCliTest {
  private static final List<String> OWN = List.of("pw");
  @TempDir
  Path dir;

  private HostileRun run(HostileServer.Script script, String... command) throws IOException {
    try (HostileServer s = HostileServer.start(script)) {
      Files.writeString(dir.resolve("pw"), "hostile-pw\n");
      List<String> args = new ArrayList<>(List.of(command));
      args.addAll(List.of("--imap-host", s.host(), "--imap-port", Integer.toString(s.port()), "--imap-security", "none",
          "--allow-plaintext", "--user", "bob", "--password-file", "pw", "--read-timeout",
          HostileRun.READ_TIMEOUT.toSeconds() + "s"));
      return HostileRun.run(dir, args.toArray(String[]::new));
    }
  }

  @Test
  void twoMillionListEntries() throws IOException {
    HostileRun r = run(ImapScript.mailbox(1).on("LIST", (tag, line) -> Reply.repeat(
        "* LIST (\\HasNoChildren) \"/\" Folder\r\n", 2_000_000).then(Reply.lines(tag + " OK done"))).build(), "folders");
    r.endsCleanly(ExitCodes.PROTOCOL, OWN);
    assertThat(r.errLines().get(0)).contains("100000 LIST entries", "limits.maxListEntries");
  }

  @Test
  void oneBrokenStatusAnswerKeepsTheOtherFolders() throws IOException {
    HostileRun r = run(ImapScript.mailbox(2).on("LIST", (tag, line) -> line.contains("*")
        ? Reply.lines("* LIST () \"/\" INBOX", "* LIST () \"/\" Bad", "* LIST () \"/\" Good", tag + " OK LIST done")
        : null).on("STATUS", (tag, line) -> line.contains("Bad")
        ? Reply.lines("* STATUS Bad (MESSAGES 1 UIDVALIDITY -5)", tag + " OK STATUS done") : null).build(),
        "folders", "--counts");
    r.endsCleanly(ExitCodes.PARTIAL, OWN);
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String l : r.out().lines().toList()) {
      lines.add(json.readTree(l));
    }
    assertThat(lines).extracting(n -> n.path("name").asText()).containsExactly("INBOX", "Bad", "Good");
    assertThat(lines.get(1).has("messages")).isFalse();
    assertThat(lines.get(1).path("countsError").asText()).contains("UIDVALIDITY", "-5");
    assertThat(lines.get(2).path("messages").asInt()).isEqualTo(2);
    assertThat(lines.get(0).path("messages").asInt()).isEqualTo(2);
  }

  @Test
  void bodyStructureNestedAHundredThousandLevels() throws IOException {
    HostileRun r = run(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> line.toUpperCase().contains("BODY")
        ? Reply.text("* 1 FETCH (UID 1 BODYSTRUCTURE ").then(Reply.repeat("(", 100_000))
            .then(Reply.repeat("\"TEXT\" \"PLAIN\" NIL NIL NIL \"7BIT\" 1 1)", 100_000)).then(Reply.lines(")", tag + " OK done"))
        : null).build(), "receive", "--folder", "INBOX", "--cache-dir", "cache");
    r.endsCleanly(ExitCodes.PROTOCOL, OWN);
    assertThat(r.errLines().get(0)).contains("nested", "limits.maxNesting");
  }
}
