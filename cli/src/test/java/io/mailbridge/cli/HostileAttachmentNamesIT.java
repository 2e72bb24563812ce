package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mailbridge receive --cache-dir} with attachment names built to escape the cache (relative
 * and absolute traversal, RFC 2231 percent-encoded slashes, a Windows path, a device name, NUL and a
 * right-to-left override): every file lands inside the cache under a sanitised name, and the
 * JSON line reports that name.
 */
@RealServer
class HostileAttachmentNamesIT {
  @TempDir
  Path tmp;

  private static final List<String> DISPOSITIONS = List.of(
      "attachment; filename=\"../../../../tmp/hd-evil.sh\"",
      "attachment; filename=\"/etc/cron.d/hd-evil\"",
      "attachment; filename*=utf-8''..%2F..%2Fhd-evil.txt",
      "attachment; filename=\"C:\\\\Windows\\\\hd-evil.exe\"",
      "attachment; filename=\"CON.txt\"",
      "attachment; filename=\"invoice\u202Efdp.exe\"",
      "attachment; filename=\"..\"");

  private static byte[] message() {
    StringBuilder m = new StringBuilder("From: hd@example.com\r\nTo: alice@example.test\r\nSubject: hostile names\r\n"
        + "Message-ID: <hd-names@example.test>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n");
    for (String d : DISPOSITIONS) {
      m.append("--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: ").append(d)
          .append("\r\n\r\npayload\r\n");
    }
    return m.append("--b--\r\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void attachmentsNeverLeaveTheCacheDirectory(MailStack stack) throws Exception {
    String folder = "hd-names";
    stack.resetFolder(stack.alice(), folder);
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(folder, List.of(message()), "");
    }
    Path pw = Files.writeString(tmp.resolve("pw"), stack.alice().password() + "\n");
    Path cache = Files.createDirectories(tmp.resolve("nested/cache"));
    Cli r = Cli.run("receive", "--imap-host", stack.host(), "--imap-port", Integer.toString(stack.imapsPort()),
        "--user", stack.alice().user(), "--password-file", pw.toString(), "--ca-file", stack.caFile(),
        "--folder", folder, "--cache-dir", cache.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = Json.mapper().readTree(r.out().lines().filter(l -> !l.isBlank()).findFirst().orElseThrow());
    assertThat(doc.get("attachmentsCount").asInt()).isEqualTo(DISPOSITIONS.size());
    Path root = cache.toRealPath();
    for (JsonNode a : doc.get("attachments")) {
      Path p = Path.of(a.get("path").asText()).toRealPath();
      assertThat(p).startsWith(root);
      assertThat(Files.readString(p)).isEqualTo("payload");
      assertThat(a.get("fileName").asText()).doesNotContain("/", "\\", "\u202E").isNotIn("..", ".", "CON.txt");
    }
    try (Stream<Path> outside = Files.walk(tmp)) {
      assertThat(outside.filter(Files::isRegularFile).filter(p -> !p.startsWith(cache)).map(Path::getFileName)
          .map(Path::toString)).containsOnly("pw");
    }
    assertThat(Path.of("/tmp/hd-evil.sh")).doesNotExist();
  }
}
