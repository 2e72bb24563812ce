package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import io.mailbridge.testkit.hostile.SmtpScript;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line against scripted hostile IMAP and SMTP servers, in a child JVM with
 * {@code -Xmx64m}: each run ends within twice its read timeout with one clear stderr line, the
 * documented exit code, valid JSON on stdout and nothing written outside the cache directory.
 */
class HostileServerCliTest {
  private static final List<String> OWN = List.of("pw");
  @TempDir
  Path dir;

  private HostileRun receive(HostileServer.Script script) throws IOException {
    try (HostileServer s = HostileServer.start(script)) {
      Files.writeString(dir.resolve("pw"), "hostile-pw\n");
      return HostileRun.run(dir, "receive", "--imap-host", s.host(), "--imap-port", Integer.toString(s.port()),
          "--imap-security", "none", "--allow-plaintext", "--user", "bob", "--password-file", "pw",
          "--read-timeout", HostileRun.READ_TIMEOUT.toSeconds() + "s", "--folder", "INBOX", "--cache-dir", "cache");
    }
  }

  private HostileRun send(HostileServer.Script script, String... extra) throws IOException {
    try (HostileServer s = HostileServer.start(script)) {
      Files.writeString(dir.resolve("pw"), "hostile-pw\n");
      List<String> args = new ArrayList<>(List.of("send", "--smtp-host", s.host(), "--smtp-port",
          Integer.toString(s.port()), "--smtp-security", "none", "--allow-plaintext", "--user", "bob@hostile.test",
          "--password-file", "pw", "--read-timeout", HostileRun.READ_TIMEOUT.toSeconds() + "s", "--to",
          "alice@hostile.test", "--subject", "Hello", "--text", "Hi.", "--max-attempts", "1"));
      args.addAll(List.of(extra));
      return HostileRun.run(dir, args.toArray(String[]::new));
    }
  }

  private static Reply onBody(String line, Supplier<Reply> hostile) {
    return line.toUpperCase().contains("BODY") ? hostile.get() : null;
  }

  // 1: sizes announced by the server

  @Test
  void literalFarAboveTheMessageSize() throws IOException {
    HostileRun r = receive(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 180 BODY[] {300000000}\r\n"))).build());
    r.endsCleanly(ExitCodes.PROTOCOL, OWN);
    assertThat(r.errLines().get(0)).contains("300000000", "127.0.0.1:");
  }

  @Test
  void hugeLineInsideAFetch() throws IOException {
    receive(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(line,
        () -> Reply.hugeLine("* 1 FETCH (UID 1 FLAGS (", 200L << 20, (byte) 'A', ")\r\n"))).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void fourHundredUnaskedMegabyteBodies() throws IOException {
    receive(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(line, () -> {
      Reply r = Reply.none();
      for (int i = 2; i < 402; i++) {
        r = r.then(Reply.text("* " + i + " FETCH (UID " + i + " BODY[] {1048576}\r\n"))
            .then(Reply.repeat((byte) 'x', 1 << 20)).then(Reply.text(")\r\n"));
      }
      return r.then(Reply.lines(tag + " OK done"));
    })).build()).endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void maximalLiteral() throws IOException {
    receive(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS () BODY[] {2147483647}\r\n"))).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  // 2: deadlines

  @Test
  void tricklingGreeting() throws IOException {
    HostileRun r = receive(ImapScript.mailbox(1).greeting(Reply.trickle(
        Reply.lines("* OK [CAPABILITY IMAP4rev1] a greeting that takes its time"), Duration.ofSeconds(1))).build());
    r.endsCleanly(ExitCodes.CONNECTION, OWN);
    assertThat(r.errLines().get(0)).contains("timeout");
  }

  @Test
  void tricklingBody() throws IOException {
    receive(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS () BODY[] {180}\r\n")
            .then(Reply.trickle(Reply.repeat((byte) 'x', 180), Duration.ofSeconds(1))))).build())
        .endsCleanly(ExitCodes.CONNECTION, OWN);
  }

  @Test
  void tricklingSmtpGreeting() throws IOException {
    send(SmtpScript.server().greeting(Reply.trickle(Reply.lines("220 hostile.test ESMTP slowly"),
        Duration.ofSeconds(1))).build()).endsCleanly(ExitCodes.CONNECTION, OWN);
  }

  // 3: counts

  @Test
  void esearchOverTheFolder() throws IOException {
    receive(ImapScript.mailbox(1).on("UID SEARCH", (tag, line) ->
        Reply.lines("* ESEARCH (TAG \"" + tag + "\") UID ALL 1:9999999", tag + " OK done")).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void hundredMillionExists() throws IOException {
    receive(ImapScript.mailbox(1).on("SELECT", (tag, line) -> Reply.lines("* 100000000 EXISTS",
        "* OK [UIDVALIDITY 7] ok", tag + " OK [READ-WRITE] done")).on("EXAMINE", (tag, line) -> Reply.lines(
        "* 100000000 EXISTS", "* OK [UIDVALIDITY 7] ok", tag + " OK [READ-ONLY] done")).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void tenMillionSearchResults() throws IOException {
    receive(ImapScript.mailbox(1).on("UID SEARCH", (tag, line) -> Reply.text("* SEARCH")
        .then(Reply.repeat(" 1", 10_000_000)).then(Reply.lines("", tag + " OK done"))).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void tenMegabyteCapabilityList() throws IOException {
    receive(ImapScript.mailbox(1).greeting(Reply.text("* OK [CAPABILITY IMAP4rev1")
        .then(Reply.repeat(" X-FILLER", 1_200_000)).then(Reply.lines("] hi"))).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void fetchNestedAHundredThousandLevels() throws IOException {
    receive(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(line,
        () -> Reply.text("* 1 FETCH (UID 1 FLAGS ").then(Reply.repeat("(", 100_000))
            .then(Reply.repeat(")", 100_000)).then(Reply.lines(")", tag + " OK done")))).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void endlessEhloReply() throws IOException {
    send(SmtpScript.server().on("EHLO", l -> Reply.endless("250-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\r\n")).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  // 4: server text

  @Test
  void escapeSequencesInAnImapRefusalAreEscaped() throws IOException {
    HostileRun r = receive(ImapScript.mailbox(1).on("UID SEARCH", (tag, line) ->
        Reply.lines(tag + " NO \u001b]0;owned\u0007\u001b[2J all fine\u0000\rfake")).build());
    r.endsCleanly(ExitCodes.PROTOCOL, OWN);
    assertThat(r.errLines().get(0)).contains("\\u001b");
  }

  @Test
  void fiveMegabyteSmtpRefusalIsOneShortLine() throws IOException {
    HostileRun r = send(SmtpScript.server().on("MAIL", l -> Reply.text("550-")
        .then(Reply.repeat("x\u001b[31m5.7.1 refused\r\n550-", 200_000)).then(Reply.lines("550 end"))).build());
    assertThat(r.errLines()).hasSizeLessThanOrEqualTo(1);
    assertThat(r.err().length()).isLessThan(5000);
    assertThat(r.out() + r.err()).doesNotContain("\u001b");
  }

  // 5: silently wrong results

  @Test
  void earlyQueuedReplyBeforeTheDataIsNotSent() throws IOException {
    HostileRun r = send(SmtpScript.server().on("DATA", l -> Reply.lines("354 go ahead", "250 2.0.0 queued early"))
        .on(".", l -> Reply.lines("554 5.7.1 rejected after all")).build());
    assertThat(r.out()).doesNotContain("\"SENT\"");
    assertThat(r.exit()).isNotZero();
  }

  @Test
  void negativeUidValidity() throws IOException {
    receive(ImapScript.mailbox(1).on("SELECT", (tag, line) -> Reply.lines("* 1 EXISTS",
        "* OK [UIDVALIDITY -5] ok", tag + " OK [READ-WRITE] done")).on("EXAMINE", (tag, line) -> Reply.lines(
        "* 1 EXISTS", "* OK [UIDVALIDITY -5] ok", tag + " OK [READ-ONLY] done")).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void taggedOkBeforeTheSearchData() throws IOException {
    receive(ImapScript.mailbox(2).on("UID SEARCH", (tag, line) -> Reply.lines(tag + " OK done", "* SEARCH 1 2")).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }

  @Test
  void malformedFetchIsAProtocolError() throws IOException {
    receive(ImapScript.mailbox(1).on("UID FETCH", (tag, line) -> onBody(line,
        () -> Reply.lines("* 1 FETCH (UID 1 BODY[] {x})", tag + " OK done"))).build())
        .endsCleanly(ExitCodes.PROTOCOL, OWN);
  }
}
