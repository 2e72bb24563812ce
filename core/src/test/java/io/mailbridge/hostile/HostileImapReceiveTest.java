package io.mailbridge.hostile;

import static io.mailbridge.hostile.HostileFixture.READ_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.document.MailDocument;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Receive against scripted hostile IMAP servers: every scenario ends within twice the read
 * timeout with one {@link MailbridgeException} of the right kind naming the server, never a hang,
 * an Error or a silently wrong result.
 */
class HostileImapReceiveTest {

  private static final Duration LIMIT = READ_TIMEOUT.multipliedBy(2);

  private static List<MailDocument> receive(HostileServer s) {
    return Receive.from(HostileFixture.imap(s)).receiveAll(ReceiveSettings.builder().folder("INBOX").build());
  }

  /** Runs a receive that must fail, within the limit, and returns what it threw. */
  private static Throwable failure(HostileServer.Script script) {
    try (HostileServer s = HostileServer.start(script)) {
      Throwable t = assertTimeoutPreemptively(LIMIT, () -> catchThrowable(() -> receive(s)));
      assertThat(t).as("receive against a hostile server").isInstanceOf(MailbridgeException.class);
      assertThat(t.getMessage()).contains(s.host() + ":" + s.port());
      return t;
    }
  }

  private static Reply onBody(String tag, String line, Supplier<Reply> hostile) {
    return line.toUpperCase().contains("BODY") ? hostile.get() : null;
  }

  @Test
  void wellBehavedMailboxIsReceived() {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(3).build())) {
      assertThat(receive(s)).extracting(d -> d.properties().subject()).containsExactly("Message 1", "Message 2", "Message 3");
    }
  }

  // 1: sizes announced by the server

  @Test
  void literalFarAboveTheMessageSizeIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 180 BODY[] {300000000}\r\n"))).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("300000000");
  }

  @Test
  void maximalLiteralIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS () BODY[] {2147483647}\r\n"))).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("2147483647");
  }

  @Test
  void hugeLineInsideAFetchIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line,
        () -> Reply.hugeLine("* 1 FETCH (UID 1 FLAGS (", 200L * 1024 * 1024, (byte) 'A', ")\r\n"))).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("line");
  }

  @Test
  void bodiesForUidsNotAskedForAreAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line, () -> {
      Reply r = Reply.none();
      for (int i = 2; i < 402; i++) {
        r = r.then(Reply.text("* " + i + " FETCH (UID " + i + " BODY[] {1048576}\r\n"))
            .then(Reply.repeat((byte) 'x', 1 << 20)).then(Reply.text(")\r\n"));
      }
      return r.then(Reply.lines(tag + " OK done"));
    })).build());
    assertThat(t).isInstanceOf(ProtocolException.class);
  }

  @Test
  void nothingMoreIsSentOverAConnectionWhoseAnswerWasLeftHalfRead() {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line,
        () -> Reply.text("* 2 FETCH (UID 2 BODY[] {5}\r\nhello)\r\n"))).build())) {
      Throwable t = assertTimeoutPreemptively(LIMIT, () -> catchThrowable(() -> receive(s)));
      assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("UID 2");
      List<String> received = s.received();
      int fetch = received.size() - 1;
      while (fetch >= 0 && !(received.get(fetch).contains("UID FETCH") && received.get(fetch).contains("BODY"))) {
        fetch--;
      }
      assertThat(fetch).as("the body FETCH in %s", received).isNotNegative();
      // A CLOSE or LOGOUT would have to read past the rest of the answer to find its own reply.
      assertThat(received.subList(fetch + 1, received.size())).as("commands after the half-read answer").isEmpty();
    }
  }

  // 2: deadlines

  @Test
  void tricklingGreetingTimesOut() {
    Throwable t = failure(ImapScript.mailbox(1)
        .greeting(Reply.trickle(Reply.lines("* OK [CAPABILITY IMAP4rev1] a greeting that takes its time"),
            Duration.ofSeconds(1))).build());
    assertThat(t).isInstanceOf(ConnectionException.class);
    assertThat(((ConnectionException) t).reason()).isEqualTo(ConnectionException.Reason.TIMEOUT);
  }

  @Test
  void tricklingBodyTimesOut() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS () BODY[] {180}\r\n")
            .then(Reply.trickle(Reply.repeat((byte) 'x', 180), Duration.ofSeconds(1))))).build());
    assertThat(t).isInstanceOf(ConnectionException.class);
    assertThat(((ConnectionException) t).reason()).isEqualTo(ConnectionException.Reason.TIMEOUT);
  }

  // 3: counts

  @Test
  void hugeExistsIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("SELECT", (tag, line) -> Reply.lines("* 2147483647 EXISTS",
        "* OK [UIDVALIDITY 7] ok", tag + " OK [READ-WRITE] done")).on("EXAMINE", (tag, line) -> Reply.lines(
        "* 2147483647 EXISTS", "* OK [UIDVALIDITY 7] ok", tag + " OK [READ-ONLY] done")).build());
    assertThat(t).hasMessageContaining("2147483647");
  }

  @Test
  void tenMillionSearchResultsAreAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID SEARCH", (tag, line) -> Reply.text("* SEARCH")
        .then(Reply.repeat(" 1", 10_000_000)).then(Reply.lines("", tag + " OK done"))).build());
    assertThat(t).isInstanceOf(ProtocolException.class);
  }

  @Test
  void esearchOverTheUidBoundIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID SEARCH", (tag, line) ->
        Reply.lines("* ESEARCH (TAG \"" + tag + "\") UID ALL 1:9999999", tag + " OK done")).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("9999999");
  }

  @Test
  void fetchAnswerNestedAHundredThousandLevelsIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS ").then(Reply.repeat("(", 100_000))
            .then(Reply.repeat(")", 100_000)).then(Reply.lines(")", tag + " OK done")))).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("nested");
  }

  // 4: server text

  @Test
  void controlCharactersInAServerRefusalAreEscaped() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID SEARCH", (tag, line) ->
        Reply.lines(tag + " NO \u001b]0;owned\u0007\u001b[2J all fine\u0000\rfake")).build());
    assertThat(t.getMessage()).doesNotContain("\u001b", "\u0007", "\u0000", "\r").contains("\\u001b");
  }

  @Test
  void hugeServerRefusalIsCut() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID SEARCH", (tag, line) ->
        Reply.hugeLine(tag + " NO ", 500_000, (byte) 'N', "\r\n")).build());
    assertThat(t.getMessage().length()).isLessThan(2000);
    assertThat(t.getMessage()).contains("…");
  }

  // 5: silently wrong results

  @Test
  void taggedOkBeforeTheSearchDataIsNotAnEmptyResult() {
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(2).on("UID SEARCH", (tag, line) ->
        Reply.lines(tag + " OK done", "* SEARCH 1 2")).build())) {
      Throwable t = assertTimeoutPreemptively(LIMIT, () -> catchThrowable(() -> receive(s)));
      // Either the late answer is seen as the protocol violation it is, or it is not taken as "nothing".
      assertThat(t).isInstanceOf(ProtocolException.class);
    }
  }

  private static Reply twice(String tag, byte[] first, byte[] second) {
    return Reply.literal("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE " + first.length + " BODY[] ", first, ")\r\n")
        .then(Reply.literal("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE " + second.length + " BODY[] ", second, ")\r\n"))
        .then(Reply.lines(tag + " OK done"));
  }

  @Test
  void uidAnsweredTwiceWithDifferentBodiesIsDeliveredOnceWithAWarning() {
    byte[] real = ImapScript.message("Invoice 42", "<m1@hostile.test>", "Pay 100 EUR.\r\n");
    byte[] other = ImapScript.message("Invoice 42", "<m1@hostile.test>", "Pay 999 EUR to another account.\r\n");
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(List.of(real)).on("UID FETCH",
        (tag, line) -> onBody(tag, line, () -> twice(tag, real, other))).build())) {
      List<MailDocument> docs = assertTimeoutPreemptively(LIMIT, () -> receive(s));
      assertThat(docs).hasSize(1);
      assertThat(docs.get(0).warnings()).anySatisfy(w -> assertThat(w).contains("twice", "different contents",
          "first copy"));
    }
  }

  @Test
  void uidAnsweredTwiceWithTheSameBodyIsDeliveredOnceWithoutWarning() {
    byte[] real = ImapScript.message("Invoice 42", "<m1@hostile.test>", "Pay 100 EUR.\r\n");
    try (HostileServer s = HostileServer.start(ImapScript.mailbox(List.of(real)).on("UID FETCH",
        (tag, line) -> onBody(tag, line, () -> twice(tag, real, real))).build())) {
      List<MailDocument> docs = assertTimeoutPreemptively(LIMIT, () -> receive(s));
      assertThat(docs).hasSize(1);
      assertThat(docs.get(0).warnings()).noneSatisfy(w -> assertThat(w).contains("twice"));
    }
  }

  @Test
  void negativeUidValidityIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("SELECT", (tag, line) -> Reply.lines("* 1 EXISTS",
        "* OK [UIDVALIDITY -5] ok", tag + " OK [READ-WRITE] done")).on("EXAMINE", (tag, line) -> Reply.lines(
        "* 1 EXISTS", "* OK [UIDVALIDITY -5] ok", tag + " OK [READ-ONLY] done")).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("UIDVALIDITY");
  }

  @Test
  void garbageUidValidityIsAProtocolError() {
    Throwable t = failure(ImapScript.mailbox(1).on("SELECT", (tag, line) -> Reply.lines("* 1 EXISTS",
        "* OK [UIDVALIDITY abc] ok", tag + " OK [READ-WRITE] done")).on("EXAMINE", (tag, line) -> Reply.lines(
        "* 1 EXISTS", "* OK [UIDVALIDITY abc] ok", tag + " OK [READ-ONLY] done")).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("UIDVALIDITY");
  }

  @Test
  void malformedFetchIsAProtocolErrorNotAClosedConnection() {
    Throwable t = failure(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(tag, line,
        () -> Reply.lines("* 1 FETCH (UID 1 BODY[] {x})", tag + " OK done"))).build());
    assertThat(t).isInstanceOf(ProtocolException.class);
    assertThat(((MailbridgeException) t).isRetriable()).isFalse();
  }
}
