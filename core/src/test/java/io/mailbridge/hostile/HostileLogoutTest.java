package io.mailbridge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.ImapClient;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * {@link ImapClient#logoutAwaitingClose}: a connection limit may pass its slot on once the server
 * has closed the connection after LOGOUT, and only then; a server that keeps it open is waited for
 * no longer than asked.
 */
class HostileLogoutTest {
  @Test
  void aServerThatClosesAfterLogoutIsSeenClosing() {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).build())) {
      ImapClient imap = ImapClient.open(HostileFixture.imap(s).requireInbound("test"), new Properties(), false);
      long start = System.nanoTime();
      assertThat(imap.logoutAwaitingClose(Duration.ofSeconds(5))).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      assertThat(s.received()).anyMatch(c -> c.toUpperCase().endsWith("LOGOUT"));
    }
  }

  @Test
  void aServerThatKeepsTheConnectionOpenIsWaitedForAtMostTheGivenTime() {
    HostileServer.Script script = ImapScript.mailbox(1)
        .on("LOGOUT", (tag, line) -> Reply.lines("* BYE bye", tag + " OK LOGOUT done")).build();
    try (HostileServer s = HostileServer.start(script)) {
      ImapClient imap = ImapClient.open(HostileFixture.imap(s).requireInbound("test"), new Properties(), false);
      long start = System.nanoTime();
      assertThat(imap.logoutAwaitingClose(Duration.ofMillis(300))).isFalse();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(10));
    }
  }
}
