package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A 200 MiB attachment is received into the Document Cache by a JVM limited to 64 MB of heap. */
@RealServer
class BigAttachmentIT {
  static final String FOLDER = "rcv-big";
  static final long ATTACHMENT_BYTES = 200L << 20;

  @TempDir Path tmp;

  @Test
  void receives200MibAttachmentIntoTheCacheWithXmx64m(MailStack stack) throws Exception {
    stack.resetFolder(stack.alice(), FOLDER);
    Path eml = tmp.resolve("big.eml");
    String sha = writeMessage(eml);
    long emlBytes = Files.size(eml);
    try {
      // doveadm save streams the file into the mailbox: the test JVM never holds the message.
      List<String> save = new ArrayList<>(List.of(stack.doveadm().split(" ")));
      save.addAll(List.of("save", "-u", stack.alice().user(), "-m", FOLDER));
      Process p = new ProcessBuilder(save).redirectInput(eml.toFile()).redirectErrorStream(true).start();
      String saveOut = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as(saveOut).isZero();
      Files.delete(eml);

      Path cache = tmp.resolve("cache");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp",
          System.getProperty("java.class.path"), BigReceiveMain.class.getName(), stack.host(),
          Integer.toString(stack.imapsPort()), stack.caFile(), stack.alice().user(), FOLDER, cache.toString())
          .redirectErrorStream(true);
      pb.environment().put("RCV_PASSWORD", stack.alice().password());
      long start = System.nanoTime();
      Process child = pb.start();
      String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor(180, TimeUnit.SECONDS)).isTrue();
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("BigAttachmentIT: %d MB message received with -Xmx64m in %.1f s (%.0f MB/s incl. JVM start)%n",
          emlBytes >> 20, seconds, emlBytes / 1e6 / seconds);
      assertThat(child.exitValue()).as(out).isZero();
      assertThat(out).as(out).contains("attachment " + sha + " " + ATTACHMENT_BYTES + " ")
          .contains("message " + emlBytes + " warnings=[]").contains("maxHeapMB ");
      String path = out.lines().filter(l -> l.startsWith("attachment ")).findFirst().orElseThrow().split(" ", 4)[3];
      assertThat(Path.of(path)).startsWith(cache).hasSize(ATTACHMENT_BYTES);
      assertThat(Files.list(cache.resolve(".tmp"))).isEmpty();
    } finally {
      stack.resetFolder(stack.alice(), FOLDER);
    }
  }

  /** Writes a message with a 200 MiB base64 attachment, streaming; returns the attachment's SHA-256. */
  private static String writeMessage(Path file) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      out.write(("From: big@example.com\r\nTo: alice@example.test\r\nSubject: big attachment\r\n"
          + "Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: <big@example.com>\r\nMIME-Version: 1.0\r\n"
          + "Content-Type: multipart/mixed; boundary=\"BIG\"\r\n\r\n--BIG\r\nContent-Type: text/plain\r\n\r\n"
          + "200 MiB attached.\r\n--BIG\r\nContent-Type: application/octet-stream\r\n"
          + "Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      try (OutputStream b64 = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).wrap(new NonClosing(out))) {
        SplittableRandom random = new SplittableRandom(200);
        byte[] block = new byte[57 * 1024];
        for (long written = 0; written < ATTACHMENT_BYTES; ) {
          int n = (int) Math.min(block.length, ATTACHMENT_BYTES - written);
          for (int i = 0; i < n; i += 8) {
            long r = random.nextLong();
            for (int k = 0; k < 8 && i + k < n; k++) {
              block[i + k] = (byte) (r >>> (8 * k));
            }
          }
          b64.write(block, 0, n);
          sha.update(block, 0, n);
          written += n;
        }
      }
      out.write("\r\n--BIG--\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    return HexFormat.of().formatHex(sha.digest());
  }

  private static final class NonClosing extends java.io.FilterOutputStream {
    NonClosing(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws java.io.IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws java.io.IOException {
      flush();
    }
  }
}
