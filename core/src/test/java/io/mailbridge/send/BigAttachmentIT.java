package io.mailbridge.send;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.SmtpClient;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.ScriptedSmtpServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.search.HeaderTerm;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attachments larger than the heap: a child JVM with a small {@code -Xmx} sends the file, and the
 * attachment fetched back from Dovecot has the same SHA-256. Proves attachments are streamed from
 * disk, never buffered.
 */
@RealServer
class BigAttachmentIT {
  private static final long MIB = 1024 * 1024;

  @TempDir
  Path dir;

  @Test
  void hundredMegabyteAttachmentGoesOutWithA64MegabyteHeap(MailStack stack) throws Exception {
    long size = 100 * MIB;
    long limit = sizeLimit(stack);
    long needed = size / 57 * 78 + MIB; // base64 with CRLF every 76 chars, plus headers
    Assumptions.assumeTrue(limit == 0 || limit >= needed, "Postfix announces SIZE " + limit + " but a 100 MiB "
        + "attachment needs " + needed + " bytes: in scripts/mailstack set `message_size_limit = 157286400` "
        + "(and `mailbox_size_limit = 0`) and restart the stack");
    sendAndVerify(stack, size, "-Xmx64m");
  }

  @Test
  void thirtyMegabyteAttachmentGoesOutWithA16MegabyteHeap(MailStack stack) throws Exception {
    // Fits the default 50 MiB Postfix limit, and a 16 MiB heap cannot hold the file, let alone its base64.
    sendAndVerify(stack, 30 * MIB, "-Xmx16m");
  }

  @Test
  void hundredMegabyteAttachmentStreamsWithA64MegabyteHeapToAServerWithoutSizeLimit() throws Exception {
    // The client half of the 100 MiB case, independent of Postfix's limit: a local SMTP server
    // that announces no SIZE limit and counts what it receives.
    long size = 100 * MIB;
    Path file = dir.resolve("big-local.bin");
    writeRandom(file, size);
    try (ScriptedSmtpServer server = new ScriptedSmtpServer(0, (c, e, n) -> "")) {
      String out = runChild("-Xmx64m", file, "big local " + UUID.randomUUID(),
          "plain:" + server.port());
      assertThat(out).contains("RESULT SENT");
      assertThat(server.messagesReceived()).isEqualTo(1);
      // base64 of 100 MiB without line ends: 4/3 of it
      assertThat(server.dataBytes()).isGreaterThan(size * 4 / 3);
    }
  }

  private static String runChild(String heap, Path file, String subject, String... extra) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        heap, "-cp", System.getProperty("java.class.path"), BigSendMain.class.getName(), file.toString(), subject));
    cmd.addAll(List.of(extra));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }

  private static long sizeLimit(MailStack stack) {
    try (SmtpClient smtp = SmtpClient.open(TestEndpoints.submission(stack, stack.bob()), new Properties(), false)) {
      String p = smtp.transport().getExtensionParameter("SIZE");
      return p == null ? 0 : Long.parseLong(p.strip());
    }
  }

  private void sendAndVerify(MailStack stack, long size, String heap) throws Exception {
    Path file = dir.resolve("big-" + size + ".bin");
    String expected = writeRandom(file, size);
    String subject = "big " + UUID.randomUUID();
    String out = runChild(heap, file, subject);
    String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst().orElseThrow(() -> new AssertionError(out));
    String[] parts = result.split(" ");
    assertThat(parts[1]).as(out).isEqualTo("SENT");
    String messageId = parts[2];

    Properties props = new Properties();
    props.setProperty("mail.imaps.fetchsize", Long.toString(MIB));
    try (ImapClient imap = ImapClient.open(TestEndpoints.imaps(stack, stack.bob()), props, false)) {
      IMAPFolder inbox = (IMAPFolder) imap.store().getFolder("INBOX");
      Message m = null;
      long deadline = System.currentTimeMillis() + 120_000;
      while (m == null && System.currentTimeMillis() < deadline) {
        inbox.open(Folder.READ_ONLY);
        Message[] found = inbox.search(new HeaderTerm("Message-ID", messageId));
        if (found.length > 0) {
          m = found[0];
        } else {
          inbox.close(false);
          Thread.sleep(500);
        }
      }
      assertThat(m).as("message " + messageId + " delivered").isNotNull();
      try {
        assertThat((long) m.getSize()).isGreaterThan(size * 4 / 3);
        MimeMultipart mixed = (MimeMultipart) m.getContent();
        assertThat(mixed.getBodyPart(1).getFileName()).isEqualTo(file.getFileName().toString());
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n = 0;
        try (InputStream in = mixed.getBodyPart(1).getInputStream()) {
          byte[] buf = new byte[1 << 16];
          int r;
          while ((r = in.read(buf)) > 0) {
            sha.update(buf, 0, r);
            n += r;
          }
        }
        assertThat(n).isEqualTo(size);
        assertThat(HexFormat.of().formatHex(sha.digest())).isEqualTo(expected);
      } finally {
        inbox.close(false);
      }
    }
  }

  /** Deterministic pseudo-random content; returns its SHA-256. */
  private static String writeRandom(Path file, long size) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    Random random = new Random(size);
    byte[] buf = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (long left = size; left > 0; left -= buf.length) {
        random.nextBytes(buf);
        int k = (int) Math.min(buf.length, left);
        out.write(buf, 0, k);
        sha.update(buf, 0, k);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
