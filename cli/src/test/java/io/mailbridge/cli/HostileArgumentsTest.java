package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Header injection, path traversal and oversized input at the command line: each is refused as bad
 * input (exit 4) with a message naming the option, before any connection is made. The servers given
 * are closed ports, so reaching the network would show as exit 2 instead.
 */
class HostileArgumentsTest {
  @TempDir
  Path dir;

  private Cli send(String... extra) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "not-a-real-password");
    List<String> args = new ArrayList<>(List.of("send", "--smtp-host", "127.0.0.1", "--smtp-port", "1",
        "--smtp-security", "ssl_tls", "--user", "alice@example.test", "--password-file", pw.toString(),
        "--connect-timeout", "1s"));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  private Cli receive(String... extra) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "not-a-real-password");
    List<String> args = new ArrayList<>(List.of("receive", "--imap-host", "127.0.0.1", "--imap-port", "1",
        "--imap-security", "ssl_tls", "--user", "alice@example.test", "--password-file", pw.toString(),
        "--connect-timeout", "1s"));
    args.addAll(List.of(extra));
    return Cli.run(args.toArray(String[]::new));
  }

  private static void assertBadInput(Cli r, String mention) {
    assertThat(r.exit()).as("exit code; stderr: %s", r.err()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).containsIgnoringCase(mention);
    assertThat(r.out()).isEmpty();
  }

  @Test
  void headerValueWithCrLfIsRefused() throws Exception {
    assertBadInput(send("--to", "alice+hd@example.test", "--subject", "s", "--text", "t",
        "--header", "X-Hd: ok\r\nBcc: victim@example.com"), "X-Hd");
  }

  @Test
  void subjectWithCrLfIsRefused() throws Exception {
    assertBadInput(send("--to", "alice+hd@example.test", "--subject", "hi\r\nBcc: victim@example.com", "--text", "t"),
        "subject");
  }

  @Test
  void recipientWithSmtpCommandIsRefused() throws Exception {
    assertBadInput(send("--to", "alice+hd@example.test>\r\nRCPT TO:<victim@example.com", "--subject", "s",
        "--text", "t"), "to[0] contains a line break");
  }

  @Test
  void reservedHeaderCannotBeSetThroughHeader() throws Exception {
    assertBadInput(send("--to", "alice+hd@example.test", "--subject", "s", "--text", "t",
        "--header", "Bcc: victim@example.com"), "Bcc");
  }

  @Test
  void messageIdWithCrLfIsRefused() throws Exception {
    assertBadInput(send("--to", "alice+hd@example.test", "--subject", "s", "--text", "t",
        "--message-id", "<a@b>\r\nBcc: victim@example.com"), "message");
  }

  @Test
  void searchWithALineBreakCannotInjectAnImapCommand() throws Exception {
    assertBadInput(receive("--search", "ALL\r\nA1 DELETE INBOX"), "line break");
  }

  @Test
  void filterTextWithALineBreakIsRefused() throws Exception {
    assertBadInput(receive("--subject", "x\r\nA1 DELETE INBOX"), "CR, LF");
  }

  @Test
  void headerFilterNameMustBeAFieldName() throws Exception {
    assertBadInput(receive("--header", "X Evil\r\n:x"), "header");
  }

  @Test
  void oversizedSubjectIsRefusedOrSentFolded() throws Exception {
    // 1 MiB on one line: never reaches the wire as one line (RFC 5322 2.1.1: at most 998 bytes).
    Cli r = send("--to", "alice+hd@example.test", "--subject", "s".repeat(1 << 20), "--text", "t");
    assertThat(r.exit()).as("stderr: %s", r.err()).isIn(ExitCodes.BAD_INPUT, ExitCodes.CONNECTION);
  }

  @Test
  void attachmentThatIsNotThereIsBadInputNotATraversal() throws Exception {
    assertBadInput(send("--to", "alice+hd@example.test", "--subject", "s", "--text", "t",
        "--attach", "../../../../nonexistent-hd/passwd;name=../../evil.sh"), "passwd");
  }
}
