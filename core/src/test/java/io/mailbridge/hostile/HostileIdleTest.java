package io.mailbridge.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.document.MailDocument;
import io.mailbridge.listen.Listener;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mail that arrives while the watcher checks the folder (after its search, before its next IDLE).
 * A server reports it in the answer to the next command, but during IDLE only when its own
 * notification comes (Dovecot: a timer of half a second started afresh by each IDLE; other servers:
 * their next look at the mailbox, or never until the client speaks). This server never pushes
 * during IDLE, so only a command before the IDLE finds such mail before the keepalive.
 */
class HostileIdleTest {
  private static final Duration KEEPALIVE = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  @Test
  void mailArrivingDuringACheckIsHandedOverWithoutWaitingForTheServersIdleNotification() throws Exception {
    AtomicBoolean arrived = new AtomicBoolean();
    AtomicBoolean announced = new AtomicBoolean();
    HostileServer.Script script = ImapScript.mailbox(2).capabilities("IMAP4rev1 LITERAL+ UIDPLUS MOVE IDLE")
        // Until the first search has run, the folder holds message 1 only; message 2 arrives right after it.
        .on("SELECT", (tag, line) -> arrived.get() ? null : Reply.lines("* FLAGS (\\Seen)", "* 1 EXISTS",
            "* OK [UIDVALIDITY 7] UIDs valid", "* OK [UIDNEXT 2] next", tag + " OK [READ-WRITE] SELECT done"))
        .on("EXAMINE", (tag, line) -> arrived.get() ? null : Reply.lines("* FLAGS (\\Seen)", "* 1 EXISTS",
            "* OK [UIDVALIDITY 7] UIDs valid", "* OK [UIDNEXT 2] next", tag + " OK [READ-ONLY] EXAMINE done"))
        .on("UID SEARCH", (tag, line) -> arrived.getAndSet(true) ? null
            : Reply.lines("* SEARCH 1", tag + " OK SEARCH done"))
        // Announced in the answer to the next command, as RFC 3501 7.3.1 allows; never during IDLE.
        .on("NOOP", (tag, line) -> arrived.get() && !announced.getAndSet(true)
            ? Reply.lines("* 2 EXISTS", tag + " OK NOOP done") : null)
        .build();
    List<MailDocument> delivered = new CopyOnWriteArrayList<>();
    try (HostileServer s = HostileServer.start(script);
        Listener l = Listener.of(HostileFixture.imap(s)).settings(ListenerSettings.builder().folders("INBOX")
            .start(StartPosition.all()).keepalive(KEEPALIVE).idleRenew(Duration.ofMinutes(10))
            .responseTimeout(Duration.ofSeconds(5)).build())
            .stateFile(dir.resolve("state.json")).handler(delivered::add).build()) {
      l.start();
      long started = System.nanoTime();
      long deadline = started + Duration.ofSeconds(20).toNanos();
      while (delivered.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(delivered).as("delivered after %s; server saw %s", took, s.received()).hasSize(2);
      assertThat(delivered.get(1).properties().subject()).contains("Message 2");
      assertThat(took).isLessThan(KEEPALIVE);
    }
  }
}
