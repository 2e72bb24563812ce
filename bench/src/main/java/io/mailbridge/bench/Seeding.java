package io.mailbridge.bench;

import static io.mailbridge.bench.Measure.log;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The workloads' mail on the stack: seeding a folder once (kept between suite runs when it already
 * holds what the workload needs), counting and sizing folders, and writing the big attachment
 * message. Seeding is never timed, so it lives apart from the workloads.
 */
final class Seeding {
  private final MailStack stack;

  Seeding(MailStack stack) {
    this.stack = stack;
  }

  void seedBulk(String folder, int n) {
    if (count(folder) != n) {
      log("seeding " + n + " messages into " + folder);
      stack.resetFolder(stack.alice(), folder);
      try (ImapSeeder s = seeder()) {
        s.append(folder, TestMessages.bulk("bench@example.com", stack.alice().user(), n), "");
      }
    }
  }

  /** The folder of the big message: a new name whenever the message changes, so an old copy is not reused. */
  static final String BIG_FOLDER = "bench-big-2";

  /** One message with a 200 MiB attachment in {@link #BIG_FOLDER} (doveadm save: APPEND of it is slow). */
  void seedBig(Path scratch) throws Exception {
    if (count(BIG_FOLDER) == 1) {
      return;
    }
    log("seeding one message with a 200 MiB attachment into " + BIG_FOLDER);
    stack.resetFolder(stack.alice(), BIG_FOLDER);
    Path eml = scratch.resolve("big.eml");
    writeBigMessage(eml);
    List<String> save = new ArrayList<>(List.of(stack.doveadm().split(" ")));
    save.addAll(List.of("save", "-u", stack.alice().user(), "-m", BIG_FOLDER));
    Process p = new ProcessBuilder(save).redirectInput(eml.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException("doveadm save failed: " + out);
    }
    Files.delete(eml);
  }

  ImapSeeder seeder() {
    return StackMailbox.alice(stack).seeder();
  }

  long count(String folder) {
    return count(stack.alice(), folder);
  }

  long count(MailStack.User user, String folder) {
    try {
      return stack.messageCount(user, folder);
    } catch (IllegalStateException missing) {
      return -1;
    }
  }

  double totalMb(String folder) {
    String out = stack.doveadm("mailbox", "status", "-u", stack.alice().user(), "vsize", folder);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("vsize=([0-9]+)").matcher(out);
    if (!m.find()) {
      throw new IllegalStateException("no vsize in doveadm output: " + out);
    }
    return Long.parseLong(m.group(1)) / 1e6;
  }

  /**
   * The big message's boundary, in the shape Jakarta Mail writes ({@code ----=_Part_<n>_<hash>.<time>}).
   * Other mail programs use boundaries as long. It matters to the parser: MIME parsers search the
   * body for the boundary, and a search can skip ahead at most the boundary's length, so a short
   * boundary, which no mail program sends, would measure a slower search than real mail gets.
   */
  static final String BIG_BOUNDARY = "----=_Part_0_1187439461.1764000000000";

  /** The 200 MiB base64 attachment message of BigAttachmentIT, written streaming. */
  static void writeBigMessage(Path file) throws Exception {
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(("From: big@example.com\r\nTo: alice@example.test\r\nSubject: big attachment\r\n"
          + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big-bench@example.com>\r\nMIME-Version: 1.0\r\n"
          + "Content-Type: multipart/mixed; boundary=\"" + BIG_BOUNDARY + "\"\r\n\r\n--" + BIG_BOUNDARY
          + "\r\nContent-Type: text/plain\r\n\r\n200 MiB attached.\r\n--" + BIG_BOUNDARY
          + "\r\nContent-Type: application/octet-stream\r\n"
          + "Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      OutputStream b64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).wrap(new java.io.FilterOutputStream(out) {
        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
          out.write(b, off, len);
        }

        @Override
        public void close() {
          // keep the message stream open
        }
      });
      SplittableRandom random = new SplittableRandom(200);
      byte[] block = new byte[57 * 1024];
      for (long written = 0; written < (200L << 20); written += block.length) {
        for (int i = 0; i < block.length; i += 8) {
          long r = random.nextLong();
          for (int k = 0; k < 8; k++) {
            block[i + k] = (byte) (r >>> (8 * k));
          }
        }
        b64.write(block, 0, (int) Math.min(block.length, (200L << 20) - written));
      }
      b64.close();
      out.write(("\r\n--" + BIG_BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }
  }
}
