package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.Reply;
import io.mailbridge.testkit.hostile.SmtpScript;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code send --batch} writes its lines beside the sending, in batch order: the next message goes
 * out without waiting for the last one's line to be written, and every line is written before the
 * command ends, also when the server refuses a message.
 */
class SendLinesTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir
  Path dir;

  @Test
  void theBatchIsSentWhileStdoutIsNotTakingLinesAndTheLinesFollowInOrder() throws Exception {
    int n = 5;
    try (HostileServer s = HostileServer.start(SmtpScript.server().build())) {
      // Stdout takes nothing until the server has every message of the batch.
      CountDownLatch allSent = new CountDownLatch(1);
      StringWriter out = new StringWriter();
      Writer held = new Writer() {
        @Override
        public void write(char[] c, int off, int len) throws IOException {
          try {
            if (!allSent.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
              throw new IOException("stdout held too long");
            }
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          out.write(c, off, len);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
      CompletableFuture<Integer> exit = run(s, batch(n), new PrintWriter(held, true), new StringWriter());
      Await.until("every message at the server while stdout takes nothing", WAIT, () -> dataEnds(s) == n);
      allSent.countDown();
      assertThat(exit.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isZero();
      List<String> lines = out.toString().lines().toList();
      assertThat(lines).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(lines.get(i)).contains("\"SENT\"").contains("<m" + i + "@scripted.test>");
      }
    }
  }

  @Test
  void aRefusedMessageGetsItsLineInPlaceAndTheExitSaysSo() throws Exception {
    AtomicInteger mails = new AtomicInteger();
    HostileServer.Script script = SmtpScript.server()
        .on("MAIL", l -> mails.incrementAndGet() == 2 ? Reply.lines("550 5.7.1 sender refused") : null).build();
    try (HostileServer s = HostileServer.start(script)) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int exit = run(s, batch(3), new PrintWriter(out, true), err).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(exit).as(err.toString()).isEqualTo(ExitCodes.PARTIAL);
      List<String> lines = out.toString().lines().toList();
      assertThat(lines).hasSize(3);
      assertThat(lines.get(0)).contains("\"SENT\"").contains("<m0@scripted.test>");
      assertThat(lines.get(1)).contains("\"FAILED\"").contains("<m1@scripted.test>");
      assertThat(lines.get(2)).contains("\"SENT\"").contains("<m2@scripted.test>");
      assertThat(err.toString()).contains("sender refused");
    }
  }

  private static long dataEnds(HostileServer s) {
    return s.received().stream().filter(l -> l.equals(".")).count();
  }

  private static String batch(int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"to\":\"alice@scripted.test\",\"subject\":\"m").append(i).append("\",\"text\":\"Hi.\",")
          .append("\"messageId\":\"<m").append(i).append("@scripted.test>\"}\n");
    }
    return b.toString();
  }

  private CompletableFuture<Integer> run(HostileServer s, String batch, PrintWriter out, StringWriter err)
      throws IOException {
    Files.writeString(dir.resolve("pw"), "pw\n");
    CommandLine cl = MailbridgeCommand.commandLine();
    ((SendCommand) cl.getSubcommands().get("send").getCommand()).stdin =
        new ByteArrayInputStream(batch.getBytes(StandardCharsets.UTF_8));
    cl.setOut(out);
    cl.setErr(new PrintWriter(err, true));
    String[] args = {"send", "--smtp-host", s.host(), "--smtp-port", Integer.toString(s.port()), "--smtp-security",
        "none", "--allow-plaintext", "--user", "bob@scripted.test", "--password-file", dir.resolve("pw").toString(),
        "--journal", "off", "--batch"};
    return CompletableFuture.supplyAsync(() -> cl.execute(args));
  }
}
