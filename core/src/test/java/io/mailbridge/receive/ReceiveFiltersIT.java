package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.document.MailDocument;
import io.mailbridge.search.Filter;
import io.mailbridge.search.SearchCompiler;
import io.mailbridge.search.UidSet;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import jakarta.mail.Flags;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Each filter returns exactly the expected messages, and the protocol trace shows the selection
 * was made by the server: one UID SEARCH, then a body FETCH of exactly the matching UIDs.
 */
@RealServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReceiveFiltersIT {
  static final String FOLDER = "rcv-filters";
  private final Map<String, Long> uid = new HashMap<>();
  private Receive receive;

  @BeforeAll
  void seed(MailStack stack) throws Exception {
    stack.resetFolder(stack.alice(), FOLDER);
    StackMailbox.alice(stack).appendDated(FOLDER, """
        From: Shop <invoices@shop.example>
        To: alice@example.test
        Subject: Invoice 1
        Date: Sun, 1 Nov 2026 12:00:00 +0000
        Message-ID: <m1@x>
        X-Priority: 1

        pay
        """);
    StackMailbox.alice(stack).appendDated(FOLDER, """
        From: news@letters.example
        To: alice@example.test
        Cc: boss@corp.example
        Subject: Weekly news
        Date: Mon, 2 Nov 2026 12:00:00 +0000
        Message-ID: <m2@x>

        news
        """);
    StackMailbox.alice(stack).appendDated(FOLDER, """
        From: invoices@shop.example
        To: bob@example.test
        Subject: =?UTF-8?Q?Invoice_2_=E2=80=94_Gr=C3=B6=C3=9Fe?=
        Date: Tue, 3 Nov 2026 12:00:00 +0000
        Message-ID: <m3@x>

        """ + "large body line\n".repeat(1000));
    StackMailbox.alice(stack).appendDated(FOLDER, """
        From: friend@x.example
        To: alice@example.test
        Subject: Hello
        Date: Tue, 3 Nov 2026 13:00:00 +0000
        Message-ID: <m4@x>

        hi
        """, Flags.Flag.SEEN);
    StackMailbox.alice(stack).appendDated(FOLDER, """
        From: invoices@shop.example
        To: alice@example.test
        Subject: Reminder
        Date: Thu, 5 Nov 2026 12:00:00 +0000
        Message-ID: <m5@x>
        X-Mailer: Special Mailer

        remember
        """, Flags.Flag.FLAGGED);
    receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    for (MailDocument d : receive.receiveAll(ReceiveSettings.builder().folder(FOLDER).build())) {
      uid.put(d.properties().messageId().replaceAll("[<>]|@x", ""), d.properties().uid().orElseThrow());
    }
    assertThat(uid).hasSize(5);
  }

  private void check(Filter filter, String... expected) {
    ReceiveResult r = receive.run(ReceiveSettings.builder().folder(FOLDER).filter(filter).traceProtocol(true).build(),
        d -> { });
    List<Long> want = new ArrayList<>();
    for (String m : expected) {
      want.add(uid.get(m));
    }
    List<Long> got = new ArrayList<>();
    receive.run(ReceiveSettings.builder().folder(FOLDER).filter(filter).build(),
        d -> got.add(d.properties().uid().orElseThrow()));
    assertThat(got).as(SearchCompiler.toImap(filter)).containsExactlyElementsOf(want);
    assertThat(r.accepted()).isEqualTo(want.size());
    // Server-side: one UID SEARCH carrying the filter, and bodies fetched for exactly the matches.
    List<String> commands = r.protocolTrace().stream().filter(l -> l.matches("^[A-Z]+[0-9]+ UID (SEARCH|FETCH) .*"))
        .toList();
    assertThat(commands).as("trace: %s", r.protocolTrace()).isNotEmpty();
    assertThat(commands.get(0)).as("first command").contains(" UID SEARCH ");
    // Dovecot offers ESEARCH (RFC 4731): the matches come back as one UID set.
    assertThat(commands.get(0)).contains(" UID SEARCH RETURN (ALL) ");
    assertThat(r.protocolTrace()).anyMatch(l -> l.startsWith("* ESEARCH ")).noneMatch(l -> l.startsWith("* SEARCH"));
    // With matches, one more search: the same filter and LARGER a batch's share per message (the
    // plan measures only those messages; ReceiveIT).
    List<String> searches = commands.stream().filter(l -> l.contains(" UID SEARCH ")).toList();
    assertThat(searches).hasSize(want.isEmpty() ? 1 : 2);
    if (!want.isEmpty()) {
      String criteria = searches.get(0).substring(searches.get(0).indexOf(" RETURN (ALL) ") + 14);
      assertThat(searches.get(1)).contains(criteria);
      // The command's last line (after a literal, a line of its own in the trace).
      List<String> trace = r.protocolTrace();
      assertThat(trace.subList(trace.indexOf(searches.get(1)), trace.size()))
          .anyMatch(l -> l.endsWith(" LARGER 8388") && !l.startsWith("* "));
    }
    List<String> bodyFetches = commands.stream().filter(l -> l.contains("BODY.PEEK[]")).toList();
    if (want.isEmpty()) {
      assertThat(bodyFetches).isEmpty();
    } else {
      assertThat(bodyFetches).hasSize(1);
      assertThat(bodyFetches.get(0)).contains(" UID FETCH " + UidSet.format(want) + " (");
    }
  }

  @Test
  void subjectContains() {
    check(Filter.subject("Invoice"), "m1", "m3");
  }

  @Test
  void subjectContainsUnicodeIsSentAsUtf8() {
    check(Filter.subject("Größe"), "m3");
  }

  @Test
  void fromToAndCc() {
    check(Filter.from("invoices@shop"), "m1", "m3", "m5");
    check(Filter.to("bob@"), "m3");
    check(Filter.cc("boss@corp"), "m2");
  }

  @Test
  void readUnreadAndFlagged() {
    check(Filter.seen(), "m4");
    check(Filter.unseen(), "m1", "m2", "m3", "m5");
    check(Filter.flagged(), "m5");
  }

  /** IMAP day semantics on INTERNALDATE: SINCE = on or after, BEFORE = strictly before, ON = that day. */
  @Test
  void receivedDateOnBeforeAfterBetween() {
    check(Filter.receivedOn(LocalDate.of(2026, 11, 3)), "m3", "m4");
    check(Filter.receivedBefore(LocalDate.of(2026, 11, 2)), "m1");
    check(Filter.receivedSince(LocalDate.of(2026, 11, 3)), "m3", "m4", "m5");
    check(Filter.receivedBetween(LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 3)), "m2", "m3", "m4");
    check(Filter.receivedOn(LocalDate.of(2026, 11, 4)));
  }

  @Test
  void sizeLargerAndSmaller() {
    check(Filter.largerThan(10_000), "m3");
    check(Filter.smallerThan(10_000), "m1", "m2", "m4", "m5");
  }

  @Test
  void headerContains() {
    check(Filter.header("X-Mailer", "Special"), "m5");
    check(Filter.header("X-Priority", ""), "m1");
  }

  @Test
  void andOrNotCombine() {
    check(Filter.and(Filter.from("invoices@shop"), Filter.not(Filter.flagged())), "m1", "m3");
    check(Filter.or(Filter.subject("Hello"), Filter.cc("boss@")), "m2", "m4");
    check(Filter.or(Filter.subject("Hello"), Filter.cc("boss@"), Filter.flagged()), "m2", "m4", "m5");
    check(Filter.and(Filter.unseen(), Filter.or(Filter.to("bob@"), Filter.from("news@")),
        Filter.receivedSince(LocalDate.of(2026, 11, 2))), "m2", "m3");
  }

  @Test
  void rawImapSearchForExperts() {
    check(Filter.raw("FROM friend"), "m4");
    check(Filter.raw("OR FROM friend HEADER X-Mailer Special"), "m4", "m5");
  }
}
