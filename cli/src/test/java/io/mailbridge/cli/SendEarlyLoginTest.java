package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.Reply;
import io.mailbridge.testkit.hostile.SmtpScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code send --batch} logs in while it still reads its batch from stdin, and that changes nothing
 * of what is sent: a bad line still sends nothing, a refused login is reported once.
 */
class SendEarlyLoginTest {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final String GOOD = "{\"to\":\"alice@scripted.test\",\"subject\":\"one\",\"text\":\"Hi.\"}\n";

  @TempDir
  Path dir;

  private PipedSend start(HostileServer s) throws IOException {
    Files.writeString(dir.resolve("pw"), "pw\n");
    return PipedSend.start("--smtp-host", s.host(), "--smtp-port", Integer.toString(s.port()), "--smtp-security",
        "none", "--allow-plaintext", "--user", "bob@scripted.test", "--password-file", dir.resolve("pw").toString(),
        "--journal", "off", "--batch");
  }

  @Test
  void logsInWhileStdinIsStillOpenAndSendsOverThatConnection() throws Exception {
    try (HostileServer s = HostileServer.start(SmtpScript.server().build())) {
      PipedSend r = start(s);
      r.write(GOOD);
      Await.until("the login, with stdin still open", WAIT, () -> s.receivedCommand("AUTH"));
      assertThat(s.receivedCommand("MAIL")).as("nothing sent before the batch ended").isFalse();
      r.write(GOOD.replace("one", "two"));
      assertThat(r.end(WAIT)).as(r.err().toString()).isZero();
      assertThat(r.out().toString().lines()).hasSize(2).allMatch(l -> l.contains("\"SENT\""));
      assertThat(s.connections()).as("the early connection carried the batch").isEqualTo(1);
      assertThat(s.received().stream().filter(l -> l.startsWith("AUTH")).count()).isEqualTo(1);
    }
  }

  @Test
  void aBadLineReadAfterTheLoginSendsNothing() throws Exception {
    try (HostileServer s = HostileServer.start(SmtpScript.server().build())) {
      PipedSend r = start(s);
      r.write(GOOD);
      Await.until("the login, with stdin still open", WAIT, () -> s.receivedCommand("AUTH"));
      r.write("{\"to\": oops}\n");
      assertThat(r.end(WAIT)).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err().toString()).contains("stdin line 2 is not valid JSON");
      assertThat(r.out().toString()).isEmpty();
      assertThat(s.receivedCommand("MAIL")).isFalse();
    }
  }

  @Test
  void aRefusedLoginIsTriedOnceAndReportedAfterTheBatchWasRead() throws Exception {
    try (HostileServer s = HostileServer.start(refusingLogin())) {
      PipedSend r = start(s);
      r.write(GOOD);
      Await.until("the login, with stdin still open", WAIT, () -> s.receivedCommand("AUTH"));
      int exit = r.end(WAIT);
      assertThat(exit).as(r.err().toString()).isNotIn(ExitCodes.OK, ExitCodes.BAD_INPUT, ExitCodes.INTERNAL);
      assertThat(r.err().toString()).contains("bob@scripted.test");
      assertThat(s.received().stream().filter(l -> l.toUpperCase().startsWith("AUTH")).count())
          .as("a refused login is not repeated").isEqualTo(1);
      assertThat(s.receivedCommand("MAIL")).isFalse();
    }
  }

  @Test
  void badInputIsReportedBeforeARefusedLogin() throws Exception {
    try (HostileServer s = HostileServer.start(refusingLogin())) {
      PipedSend r = start(s);
      r.write("not json\n");
      assertThat(r.end(WAIT)).isEqualTo(ExitCodes.BAD_INPUT);
      assertThat(r.err().toString()).contains("stdin line 1 is not valid JSON");
    }
  }

  private static HostileServer.Script refusingLogin() {
    return SmtpScript.server().on("AUTH", l -> Reply.lines("535 5.7.8 Error: authentication failed")).build();
  }
}
