package io.mailbridge.receive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.junit.jupiter.api.Test;

/** Announcements read Angus's own response objects, parsed from the lines a server sends. */
class AnnouncementsTest {
  private final AtomicInteger wakes = new AtomicInteger();
  private final Announcements a = new Announcements(wakes::incrementAndGet);

  private void server(String line) throws Exception {
    a.handleResponse(new IMAPResponse(line));
  }

  @Test
  void existsInAnyAnswerCountsAsNewsSinceTheMark() throws Exception {
    long mark = a.mark();
    server("* 3 FETCH (UID 7 FLAGS ())");
    server("* OK [HIGHESTMODSEQ 9] Highest");
    server("A5 OK Fetch completed.");
    assertThat(a.since(mark)).isFalse();
    server("* 4 EXISTS");
    assertThat(a.since(mark)).isTrue();
    assertThat(a.since(a.mark())).isFalse();
  }

  @Test
  void existsBeforeTheIdleContinuationEndsTheIdleOnceItRuns() throws Exception {
    a.arm();
    server("* 4 EXISTS");
    assertThat(wakes).hasValue(0); // IDLE not running yet: nothing to end
    server("+ idling");
    assertThat(wakes).hasValue(1);
    server("* 5 EXISTS"); // during the IDLE: Angus ends it itself
    assertThat(wakes).hasValue(1);
  }

  @Test
  void existsDuringTheIdleOrWhileNotArmedWakesNobody() throws Exception {
    server("* 4 EXISTS");
    server("+ go ahead");
    a.arm();
    server("+ idling");
    server("* 5 EXISTS");
    a.disarm();
    server("* 6 EXISTS");
    server("+ idling");
    assertThat(wakes).hasValue(0);
  }
}
