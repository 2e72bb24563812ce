package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.Reply;
import io.mailbridge.testkit.hostile.SmtpScript;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code send --batch} logs in while it still reads its batch from stdin, and that changes nothing
 * of what is sent: a bad line still sends nothing, a refused login is reported once.
 */
class SendEarlyLoginTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String GOOD = "{\"to\":\"alice@scripted.test\",\"subject\":\"one\",\"text\":\"Hi.\"}\n";

  @TempDir
  Path dir;

  /** The command running in this JVM on its own thread, reading stdin from {@link #feed}. */
  private record Running(PipedOutputStream feed, CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
    void write(String lines) throws IOException {
      feed.write(lines.getBytes(StandardCharsets.UTF_8));
      feed.flush();
    }

    int end() throws Exception {
      feed.close();
      return exit.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private Running start(HostileServer s) throws IOException {
    Files.writeString(dir.resolve("pw"), "pw\n");
    PipedInputStream stdin = new PipedInputStream(1 << 16);
    PipedOutputStream feed = new PipedOutputStream(stdin);
    CommandLine cl = MailbridgeCommand.commandLine();
    ((SendCommand) cl.getSubcommands().get("send").getCommand()).stdin = stdin;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cl.execute("send", "--smtp-host", s.host(),
        "--smtp-port", Integer.toString(s.port()), "--smtp-security", "none", "--allow-plaintext", "--user",
        "bob@scripted.test", "--password-file", dir.resolve("pw").toString(), "--journal", "off", "--batch"));
    return new Running(feed, exit, out, err);
  }

  @Test
  void logsInWhileStdinIsStillOpenAndSendsOverThatConnection() throws Exception {
    try (HostileServer s = HostileServer.start(SmtpScript.server().build())) {
      Running r = start(s);
      r.write(GOOD);
      Await.until("the login, with stdin still open", WAIT, () -> s.receivedCommand("AUTH"));
      assertThat(s.receivedCommand("MAIL")).as("nothing sent before the batch ended").isFalse();
      r.write(GOOD.replace("one", "two"));
      assertThat(r.end()).as(r.err().toString()).isZero();
      assertThat(r.out().toString().lines()).hasSize(2).allMatch(l -> l.contains("\"SENT\""));
      assertThat(s.connections()).as("the early connection carried the batch").isEqualTo(1);
      assertThat(s.received().stream().filter(l -> l.startsWith("AUTH")).count()).isEqualTo(1);
    }
  }

  @Test
  void aBadLineReadAfterTheLoginSendsNothing() throws Exception {
    try (HostileServer s = HostileServer.start(SmtpScript.server().build())) {
      Running r = start(s);
      r.write(GOOD);
      Await.until("the login, with stdin still open", WAIT, () -> s.receivedCommand("AUTH"));
      r.write("{\"to\": oops}\n");
      assertThat(r.end()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err().toString()).contains("stdin line 2 is not valid JSON");
      assertThat(r.out().toString()).isEmpty();
      assertThat(s.receivedCommand("MAIL")).isFalse();
    }
  }

  @Test
  void aRefusedLoginIsTriedOnceAndReportedAfterTheBatchWasRead() throws Exception {
    HostileServer.Script refusing = SmtpScript.server()
        .on("AUTH", l -> Reply.lines("535 5.7.8 Error: authentication failed")).build();
    try (HostileServer s = HostileServer.start(refusing)) {
      Running r = start(s);
      r.write(GOOD);
      Await.until("the login, with stdin still open", WAIT, () -> s.receivedCommand("AUTH"));
      int exit = r.end();
      assertThat(exit).as(r.err().toString()).isNotIn(ExitCodes.OK, ExitCodes.BAD_INPUT, ExitCodes.INTERNAL);
      assertThat(r.err().toString()).contains("bob@scripted.test");
      assertThat(s.received().stream().filter(l -> l.toUpperCase().startsWith("AUTH")).count())
          .as("a refused login is not repeated").isEqualTo(1);
      assertThat(s.receivedCommand("MAIL")).isFalse();
    }
  }

  @Test
  void badInputIsReportedBeforeARefusedLogin() throws Exception {
    HostileServer.Script refusing = SmtpScript.server()
        .on("AUTH", l -> Reply.lines("535 5.7.8 Error: authentication failed")).build();
    try (HostileServer s = HostileServer.start(refusing)) {
      Running r = start(s);
      r.write("not json\n");
      assertThat(r.end()).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err().toString()).contains("stdin line 1 is not valid JSON");
    }
  }
}
