package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local files the user names that are not what they should be ({@code /dev/zero}, a huge file, a
 * typo in a settings key, a NUL in a path): a clear one-line error with the documented exit code,
 * before any connection (the servers given are closed ports).
 */
class HostileLocalInputTest {
  @TempDir
  Path dir;

  private static void oneClearLine(Cli r, int exit, String... words) {
    assertThat(r.exit()).as("exit; stderr: %s", r.err()).isEqualTo(exit);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("mailbridge: ").contains(words).doesNotContain("\tat ", "OutOfMemoryError");
  }

  @Test
  void passwordFileWithoutEndIsRefused() {
    oneClearLine(Cli.run("check", "--imap-host", "127.0.0.1", "--imap-port", "1", "--inbound-only", "--user", "bob",
        "--password-file", "/dev/zero"), ExitCodes.USAGE, "/dev/zero", "first line");
  }

  @Test
  void caFileThatNeverEndsIsRefused() throws IOException {
    Path pw = Files.writeString(dir.resolve("pw"), "secret-pw\n");
    oneClearLine(Cli.run("check", "--imap-host", "127.0.0.1", "--imap-port", "1", "--inbound-only", "--user", "bob",
        "--password-file", pw.toString(), "--ca-file", "/dev/zero"), ExitCodes.USAGE, "/dev/zero", "larger than");
  }

  @Test
  void textFileThatNeverEndsIsBadInput() throws IOException {
    Path pw = Files.writeString(dir.resolve("pw"), "secret-pw\n");
    oneClearLine(Cli.run("send", "--smtp-host", "127.0.0.1", "--smtp-port", "1", "--user", "bob@example.test",
        "--password-file", pw.toString(), "--to", "alice@example.test", "--subject", "x", "--text-file", "/dev/zero"),
        ExitCodes.BAD_INPUT, "--text-file", "/dev/zero", "--attach");
  }

  @Test
  void hundredMegabyteSettingsFileIsRefused() throws IOException {
    Path config = dir.resolve("mailbridge.yaml");
    try (RandomAccessFile f = new RandomAccessFile(config.toFile(), "rw")) {
      f.setLength(100L << 20);
    }
    oneClearLine(Cli.run("check", "--config", config.toString(), "--inbound-only"), ExitCodes.USAGE,
        "mailbridge.yaml", "larger than");
  }

  @Test
  void misspelledSettingsKeyNamesTheNearestKnownOne() throws IOException {
    Path config = Files.writeString(dir.resolve("mailbridge.yaml"), "profiles:\n  default:\n    user: bob\n"
        + "    passwrod: hunter2-not-used\n    imap: { host: 127.0.0.1, port: 1 }\n");
    oneClearLine(Cli.run("check", "--config", config.toString(), "--inbound-only"), ExitCodes.USAGE,
        "unknown key 'passwrod'", "did you mean 'password'?");
  }

  @Test
  void unknownNestedSettingsKeyIsAnError() throws IOException {
    Path config = Files.writeString(dir.resolve("mailbridge.yaml"), "profiles:\n  default:\n    user: bob\n"
        + "    imap: { host: 127.0.0.1, port: 1, bogus: 1 }\n");
    oneClearLine(Cli.run("check", "--config", config.toString(), "--inbound-only"), ExitCodes.USAGE,
        "unknown key 'imap.bogus'");
  }

  @Test
  void knownSettingsKeysAreAccepted() {
    for (String k : new String[] {"user", "passwordFile", "imap.host", "smtp.security", "oauth2.clientId",
        "caFile", "imap.readTimeout", "proxyPasswordFile"}) {
      assertThat(ProfileKeys.known(k)).as(k).isTrue();
    }
    assertThat(ProfileKeys.nearest("imap.hots")).contains("imap.host");
  }

  @Test
  void nulInAnAttachmentPathIsBadInput() throws IOException {
    Path pw = Files.writeString(dir.resolve("pw"), "secret-pw\n");
    Cli r = Cli.run("send", "--smtp-host", "127.0.0.1", "--smtp-port", "1", "--user", "bob@example.test",
        "--password-file", pw.toString(), "--to", "alice@example.test", "--subject", "x", "--text", "y",
        "--attach", "report\u0000.pdf");
    oneClearLine(r, ExitCodes.BAD_INPUT, "not valid", "report\\u0000.pdf");
  }
}
