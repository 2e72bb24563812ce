package io.mailbridge.receive;

import static io.mailbridge.testkit.TestMessages.crlf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.TestEndpoints;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.search.Filter;
import io.mailbridge.search.UidSet;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealServer
class ReceiveIT {
  @TempDir Path tmp;

  static String sha(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static ReceiveSettings.Builder in(String folder) {
    return ReceiveSettings.builder().folder(folder);
  }

  private static Map<String, MailDocument> bySubject(List<MailDocument> docs) {
    return docs.stream().collect(Collectors.toMap(d -> d.properties().subject(), Function.identity()));
  }

  static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
  static final byte[] PDF = "%PDF-1.4\n% invoice\n".getBytes(StandardCharsets.US_ASCII);

  static String b64(byte[] b) {
    return Base64.getMimeEncoder().encodeToString(b);
  }

  @Test
  void realMessagesComeBackWithExactTrackedPropertiesAndAttachmentBytes(MailStack stack) throws Exception {
    String folder = "rcv-props";
    stack.resetFolder(stack.alice(), folder);
    List<byte[]> msgs = new ArrayList<>();
    msgs.add(TestMessages.plain("Sender <sender@example.com>", "alice@example.test", "plain one", 500));
    msgs.add(crlf("""
        From: news@example.com
        To: alice@example.test
        Subject: alternative
        Date: Tue, 24 Nov 2026 09:00:00 +0000
        Message-ID: <alt@example.com>
        MIME-Version: 1.0
        Content-Type: multipart/alternative; boundary=a

        --a
        Content-Type: text/plain; charset=UTF-8

        plain version
        --a
        Content-Type: text/html; charset=UTF-8

        <b>html version</b>
        --a--
        """));
    msgs.add(crlf("""
        From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <juergen@example.de>
        To: alice@example.test, bob@example.test
        Cc: carol@example.test
        Reply-To: replies@example.de
        Subject: =?UTF-8?B?UmVjaG51bmcgZsO8ciBNw6RyeiDigqw=?=
        Date: Tue, 24 Nov 2026 09:30:00 +0100
        Message-ID: <nested@example.de>
        MIME-Version: 1.0
        Content-Type: multipart/mixed; boundary="outer"

        --outer
        Content-Type: multipart/alternative; boundary="alt"

        --alt
        Content-Type: text/plain; charset=UTF-8

        Siehe Anhang.
        --alt
        Content-Type: multipart/related; boundary="rel"

        --rel
        Content-Type: text/html; charset=UTF-8

        <p>Siehe <img src="cid:logo@x"></p>
        --rel
        Content-Type: image/png
        Content-ID: <logo@x>
        Content-Disposition: inline; filename="logo.png"
        Content-Transfer-Encoding: base64

        """ + b64(PNG) + """

        --rel--
        --alt--
        --outer
        Content-Type: application/pdf
        Content-Disposition: attachment; filename*=UTF-8''Rechnung%20M%C3%A4rz%20%E2%82%AC.pdf
        Content-Transfer-Encoding: base64

        """ + b64(PDF) + """

        --outer
        Content-Type: message/rfc822
        Content-Disposition: attachment; filename="forwarded.eml"

        From: orig@example.com
        Subject: original

        original body
        --outer--
        """));
    byte[] eightBit = ("From: a@example.com\r\nTo: alice@example.test\r\nSubject: Grüße aus Köln\r\n"
        + "Date: Tue, 24 Nov 2026 11:00:00 +0000\r\nMessage-ID: <8bit@example.com>\r\n\r\nHallo\r\n")
        .getBytes(StandardCharsets.UTF_8);
    msgs.add(eightBit);
    StackMailbox.alice(stack).append(folder, msgs, "");

    Path cacheDir = tmp.resolve("cache");
    List<MailDocument> docs = Receive.of(TestEndpoints.inbound(stack, stack.alice()))
        .receiveAll(in(folder).cacheDir(cacheDir).includeHeaders(true).build());
    assertThat(docs).hasSize(4);
    Map<String, MailDocument> by = bySubject(docs);

    TrackedProperties plain = by.get("plain one").properties();
    assertThat(plain.fromAddress()).isEqualTo("sender@example.com");
    assertThat(plain.toAddress()).containsExactly("alice@example.test");
    assertThat(plain.attachmentsCount()).hasValue(0);
    assertThat(plain.fromFolder()).hasValue(folder);
    assertThat(plain.messageId()).startsWith("<").endsWith("@example.test>");
    assertThat(plain.receivedDate()).isPresent();
    assertThat(plain.size()).hasValue((long) msgs.get(0).length);
    assertThat(plain.flags()).doesNotContain("\\Seen");
    assertThat(by.get("plain one").text()).hasValueSatisfying(t -> assertThat(t).startsWith("Line 5 of"));
    assertThat(by.get("plain one").warnings()).isEmpty();

    assertThat(by.get("alternative").text()).hasValue("plain version");

    MailDocument nested = by.get("Rechnung für März €");
    TrackedProperties n = nested.properties();
    assertThat(n.fromAddress()).isEqualTo("juergen@example.de");
    assertThat(n.toAddress()).containsExactly("alice@example.test", "bob@example.test");
    assertThat(n.cc()).containsExactly("carol@example.test");
    assertThat(n.replyTo()).containsExactly("replies@example.de");
    assertThat(n.messageId()).isEqualTo("<nested@example.de>");
    assertThat(n.date()).hasValueSatisfying(d -> assertThat(d.toString()).isEqualTo("2026-11-24T09:30+01:00"));
    assertThat(n.attachmentsCount()).hasValue(3);
    assertThat(n.fileName()).containsExactly("logo.png", "Rechnung März €.pdf", "forwarded.eml");
    assertThat(n.contentType()).containsExactly("image/png", "application/pdf", "message/rfc822");
    assertThat(nested.text()).hasValue("Siehe Anhang.");
    assertThat(nested.headers()).containsKey("Reply-To");
    DocumentCache cache = DocumentCache.open(cacheDir);
    Attachment logo = nested.attachments().get(0);
    assertThat(logo.inline()).isTrue();
    assertThat(logo.contentId()).hasValue("logo@x");
    assertThat(logo.sha256()).isEqualTo(sha(PNG));
    Attachment pdf = nested.attachments().get(1);
    assertThat(pdf.sha256()).isEqualTo(sha(PDF));
    assertThat(Files.readAllBytes(pdf.path().orElseThrow())).isEqualTo(PDF);
    try (InputStream s = cache.open(pdf.key().orElseThrow())) {
      assertThat(s.readAllBytes()).isEqualTo(PDF);
    }
    assertThat(cache.meta(pdf.key().orElseThrow()).orElseThrow().messageId()).isEqualTo("<nested@example.de>");
    Attachment fwd = nested.attachments().get(2);
    assertThat(new String(Files.readAllBytes(fwd.path().orElseThrow()), StandardCharsets.US_ASCII))
        .isEqualTo("From: orig@example.com\r\nSubject: original\r\n\r\noriginal body");
    assertThat(nested.warnings()).isEmpty();

    MailDocument eight = by.get("Grüße aus Köln");
    assertThat(eight.text()).hasValue("Hallo\r\n");
    assertThat(eight.key()).matches("imap://alice%40example.test@127.0.0.1:\\d+/rcv-props;UIDVALIDITY=\\d+/;UID=\\d+");

    // Re-receiving writes the same cache keys (idempotent).
    List<MailDocument> again = Receive.of(TestEndpoints.inbound(stack, stack.alice()))
        .receiveAll(in(folder).cacheDir(cacheDir).build());
    assertThat(bySubject(again).get("Rechnung für März €").attachments()).extracting(a -> a.key().orElseThrow())
        .isEqualTo(nested.attachments().stream().map(a -> a.key().orElseThrow()).toList());
  }

  @Test
  void cacheRetentionPrunesAfterTheRunOldestFirstAndSaysWhat(MailStack stack) throws Exception {
    String folder = "rcv-retention";
    stack.resetFolder(stack.alice(), folder);
    StackMailbox.alice(stack).append(folder, List.of(
        TestMessages.withAttachment("a@example.com", "alice@example.test", "r1", "r1.bin", new byte[1000]),
        TestMessages.withAttachment("a@example.com", "alice@example.test", "r2", "r2.bin", new byte[1000])), "");
    Path cacheDir = tmp.resolve("retained");
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    ReceiveResult first = receive.run(in(folder).cacheDir(cacheDir).maxMessages(1).build(), d -> {});
    assertThat(first.cachePruned()).isEmpty(); // no retention asked for
    Thread.sleep(5); // the second entry is stored later than the first
    ReceiveResult second = receive.run(in(folder).cacheDir(cacheDir).order(ReceiveSettings.Order.NEWEST_FIRST)
        .maxMessages(1).cacheRetention(io.mailbridge.document.CacheRetention.of(null, 1500L)).build(), d -> {});
    io.mailbridge.document.PruneResult p = second.cachePruned().orElseThrow();
    assertThat(p.deletedEntries()).isEqualTo(1);
    assertThat(p.keptEntries()).isEqualTo(1);
    assertThat(DocumentCache.open(cacheDir).find(io.mailbridge.document.CacheQuery.all()))
        .extracting(DocumentCache.Entry::fileName).containsExactly("r2.bin");
  }

  @Test
  void emlFormatGivesTheRawMessageByteForByte(MailStack stack) throws Exception {
    String folder = "rcv-eml";
    stack.resetFolder(stack.alice(), folder);
    byte[] raw = TestMessages.withAttachment("a@example.com", "alice@example.test", "eml", "x.bin", new byte[3000]);
    StackMailbox.alice(stack).append(folder, List.of(raw), "");
    List<MailDocument> docs = Receive.of(TestEndpoints.inbound(stack, stack.alice()))
        .receiveAll(in(folder).format(BodyFormat.EML).build());
    try (InputStream in = docs.get(0).openContent()) {
      assertThat(in.readAllBytes()).isEqualTo(raw);
    }
    assertThat(docs.get(0).properties().attachmentsCount()).hasValue(1);
    assertThat(docs.get(0).attachments().get(0).sha256()).isEqualTo(sha(new byte[3000]));
  }

  @Test
  void aLargeMessageIsStreamedWithOneFetchIntoTheCacheWithExactBytes(MailStack stack) throws Exception {
    String folder = "rcv-streamed";
    stack.resetFolder(stack.alice(), folder);
    byte[] big = new byte[700_000];
    new java.util.Random(5).nextBytes(big);
    byte[] raw = TestMessages.withAttachment("a@example.com", "alice@example.test", "big", "big.bin", big);
    StackMailbox.alice(stack).append(folder, List.of(raw, TestMessages.plain("b@example.com", "alice@example.test", "small", 100)), "");
    ReceiveResult r;
    List<MailDocument> docs = new ArrayList<>();
    r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).cacheDir(tmp.resolve("c")).format(BodyFormat.EML)
        .largeMessageBytes(64 * 1024).chunkBytes(16 * 1024).batchMaxBytes(128 * 1024).traceProtocol(true).build(),
        docs::add);
    assertThat(r.accepted()).isEqualTo(2);
    MailDocument d = bySubject(docs).get("big");
    assertThat(d.attachments().get(0).sha256()).isEqualTo(sha(big));
    assertThat(d.rawFile()).isPresent();
    assertThat(sha(Files.readAllBytes(d.rawFile().orElseThrow()))).isEqualTo(sha(raw));
    long uid = d.properties().uid().orElseThrow();
    // One command for the whole body (no partial-fetch round trips), its answer traced without the literal.
    List<String> trace = r.protocolTrace();
    assertThat(trace.stream().filter(l -> l.matches("^[A-Z]+[0-9]+ UID FETCH " + uid + " \\(UID BODY\\.PEEK\\[\\]\\)$")))
        .as("trace: %s", trace).hasSize(1);
    assertThat(trace).noneMatch(l -> l.contains("BODY.PEEK[]<"));
    assertThat(trace).anyMatch(l -> l.matches("^\\* [0-9]+ FETCH \\(UID " + uid + " BODY\\[\\] \\{" + raw.length + "\\}$"));
    assertThat(trace).noneMatch(l -> l.startsWith("Subject: "));
    assertThat(Files.list(tmp.resolve("c").resolve(".tmp"))).isEmpty();
  }

  @Test
  void peekIsTheDefaultAndLeavesSeenUnset(MailStack stack) throws Exception {
    String folder = "rcv-peek";
    stack.resetFolder(stack.alice(), folder);
    StackMailbox.alice(stack).append(folder, List.of(TestMessages.plain("a@example.com", "alice@example.test", "p", 100)), "");
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    ReceiveResult r = receive.run(in(folder).traceProtocol(true).build(), d -> { });
    assertThat(r.accepted()).isEqualTo(1);
    assertThat(r.protocolTrace()).anyMatch(l -> l.contains("BODY.PEEK[]")).noneMatch(l -> l.contains(" STORE ") || l.contains("+FLAGS"));
    assertThat(receive.receiveAll(in(folder).filter(Filter.seen()).build())).isEmpty();
    // Without peek the server sets \Seen as it sends the body (RFC 3501 6.4.5).
    receive.receiveAll(in(folder).peek(false).build());
    assertThat(receive.receiveAll(in(folder).filter(Filter.seen()).build())).hasSize(1);
  }

  @Test
  void onlyMessagesAboveABatchsSharePerMessageAreMeasuredAndBatchesStayWithinTheirBytes(MailStack stack)
      throws Exception {
    String folder = "rcv-sizes";
    stack.resetFolder(stack.alice(), folder);
    List<byte[]> msgs = new ArrayList<>(TestMessages.bulk("a@example.com", "alice@example.test", 2_500));
    byte[] big = new byte[20_000];
    new java.util.Random(7).nextBytes(big);
    for (int i = 99; i < msgs.size(); i += 100) { // 25 messages of ~27 KB among ~4 KB ones
      msgs.set(i, TestMessages.withAttachment("a@example.com", "alice@example.test", "big " + i, "b.bin", big));
    }
    StackMailbox.alice(stack).append(folder, msgs, "");
    List<MailDocument> docs = new ArrayList<>();
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).batchMaxBytes(1_000_000)
        .batchMaxMessages(100).largeMessageBytes(500_000).chunkBytes(64 * 1024).traceProtocol(true).build(), docs::add);
    assertThat(r.accepted()).isEqualTo(2_500);
    List<Long> bigUids = docs.stream().filter(d -> d.properties().subject().startsWith("big "))
        .map(d -> d.properties().uid().orElseThrow()).toList();
    assertThat(bigUids).hasSize(25);
    List<String> trace = r.protocolTrace();
    // The messages above 10,000 bytes (1,000,000 / 100) are found by one search and only they are measured.
    assertThat(trace).filteredOn(l -> l.matches("^[A-Z]+[0-9]+ UID SEARCH .*")).hasSize(2)
        .last().asString().endsWith(" LARGER 10000");
    assertThat(trace).filteredOn(l -> l.endsWith(" (UID RFC822.SIZE)")).singleElement().asString()
        .endsWith(" UID FETCH " + UidSet.format(bigUids) + " (UID RFC822.SIZE)");
    // Every batch within 1,000,000 bytes counting the others at the 10,000 bytes they are at most.
    Map<Long, Long> size = new HashMap<>();
    docs.forEach(d -> size.put(d.properties().uid().orElseThrow(), d.properties().size().orElseThrow()));
    List<String> batches = trace.stream().filter(l -> l.matches("^[A-Z]+[0-9]+ UID FETCH .* BODY\\.PEEK\\[\\]\\)$"))
        .toList();
    assertThat(batches).hasSizeGreaterThan(25);
    for (String b : batches) {
      List<Long> uids = UidSet.parse(b.split(" ")[3]);
      assertThat(uids.size()).as(b).isLessThanOrEqualTo(100);
      assertThat(uids.stream().mapToLong(u -> Math.max(size.get(u), 10_000)).sum()).as(b).isLessThanOrEqualTo(1_000_000);
    }
  }

  @Test
  void aFolderOfSmallMessagesIsFetchedRightAfterItsTwoSearchesWithoutARoundTripBetween(MailStack stack) {
    String folder = "rcv-no-noop";
    stack.resetFolder(stack.alice(), folder);
    StackMailbox.alice(stack).append(folder, TestMessages.bulk("a@example.com", "alice@example.test", 30), "");
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).traceProtocol(true).build(),
        d -> { });
    assertThat(r.accepted()).isEqualTo(30);
    // The client's commands (a tag, then the command); the size search finds nothing above a
    // batch's share, and the selection's search already showed the server answers in order: no
    // NOOP to look for late results before the bodies are asked for.
    List<String> commands = r.protocolTrace().stream().filter(l -> l.matches("^[A-Z]+[0-9]+ [A-Z].*"))
        .map(l -> l.substring(l.indexOf(' ') + 1)).filter(c -> !c.matches("^(OK|NO|BAD)\\b.*")).toList();
    int sizeSearch = commands.indexOf(commands.stream().filter(c -> c.startsWith("UID SEARCH ") && c.contains(" LARGER "))
        .findFirst().orElseThrow(() -> new AssertionError("no size search in " + commands)));
    assertThat(commands.get(sizeSearch + 1)).as("command after the size search in %s", commands)
        .startsWith("UID FETCH ").endsWith(" BODY.PEEK[])");
    assertThat(commands).noneMatch(c -> c.startsWith("NOOP"));
  }

  @Test
  void withSizeLimitsTheSizesOfAContiguousFolderComeInOneCommand(MailStack stack) {
    String folder = "rcv-sizes-limits";
    stack.resetFolder(stack.alice(), folder);
    StackMailbox.alice(stack).append(folder, TestMessages.bulk("a@example.com", "alice@example.test", 2_500), "");
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).traceProtocol(true)
        .sizeLimits(SizeLimits.of(1 << 20, Long.MAX_VALUE, SizePolicy.SKIP)).build(), d -> { });
    assertThat(r.accepted()).isEqualTo(2_500);
    List<String> sizeFetches = r.protocolTrace().stream().filter(l -> l.endsWith(" (UID RFC822.SIZE)")).toList();
    // UIDs go on across resets of the folder: one range of 2,500 UIDs, wherever it starts.
    assertThat(sizeFetches).hasSize(1);
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^[A-Z]+[0-9]+ UID FETCH ([0-9]+):([0-9]+) "
        + "\\(UID RFC822\\.SIZE\\)$").matcher(sizeFetches.get(0));
    assertThat(m.matches()).as(sizeFetches.get(0)).isTrue();
    assertThat(Long.parseLong(m.group(2)) - Long.parseLong(m.group(1)) + 1).isEqualTo(2_500);
  }

  @Test
  void newestFirstAndMaxMessagesPickTheRightMessages(MailStack stack) {
    String folder = "rcv-order";
    stack.resetFolder(stack.alice(), folder);
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      msgs.add(TestMessages.plain("a@example.com", "alice@example.test", "m" + i, 100));
    }
    StackMailbox.alice(stack).append(folder, msgs, "");
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    assertThat(receive.receiveAll(in(folder).maxMessages(2).build()))
        .extracting(d -> d.properties().subject()).containsExactly("m1", "m2");
    assertThat(receive.receiveAll(in(folder).maxMessages(2).order(ReceiveSettings.Order.NEWEST_FIRST).build()))
        .extracting(d -> d.properties().subject()).containsExactly("m5", "m4");
    // Batches of 2: order is kept across batches.
    assertThat(receive.receiveAll(in(folder).batchMaxMessages(2).order(ReceiveSettings.Order.NEWEST_FIRST).build()))
        .extracting(d -> d.properties().subject()).containsExactly("m5", "m4", "m3", "m2", "m1");
  }

  @Test
  void manyMessagesParsedInRunsOnSeveralThreadsComeBackInOrderEachWithItsOwnUid(MailStack stack) {
    String folder = "rcv-order-many";
    stack.resetFolder(stack.alice(), folder);
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 1; i <= 150; i++) {
      msgs.add(i % 7 == 0
          ? TestMessages.withAttachment("a@example.com", "alice@example.test", "m" + i, "f" + i + ".bin",
              ("attachment " + i).getBytes(StandardCharsets.US_ASCII))
          : TestMessages.plain("a@example.com", "alice@example.test", "m" + i, 100 + i));
    }
    StackMailbox.alice(stack).append(folder, msgs, "");
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    for (ReceiveSettings.Order order : ReceiveSettings.Order.values()) {
      List<MailDocument> docs = new ArrayList<>();
      // Batches of 70, 70 and 10 messages: runs of parsed messages end inside and at batch ends.
      boolean oldest = order == ReceiveSettings.Order.OLDEST_FIRST;
      ReceiveResult r = receive.run(in(folder).batchMaxMessages(70).order(order)
          .postAction(oldest ? PostAction.flag() : PostAction.markRead()).build(), docs::add);
      List<String> expected = new ArrayList<>();
      for (int i = 1; i <= 150; i++) {
        expected.add("m" + i);
      }
      if (order == ReceiveSettings.Order.NEWEST_FIRST) {
        java.util.Collections.reverse(expected);
      }
      assertThat(docs).extracting(d -> d.properties().subject()).containsExactlyElementsOf(expected);
      long first = docs.stream().mapToLong(d -> d.properties().uid().orElseThrow()).min().orElseThrow();
      for (MailDocument d : docs) {
        int n = Integer.parseInt(d.properties().subject().substring(1));
        assertThat(d.properties().uid()).as("m%d", n).hasValue(first + n - 1);
        assertThat(d.attachments()).as("m%d", n).hasSize(n % 7 == 0 ? 1 : 0);
      }
      assertThat(r.accepted()).isEqualTo(150);
      assertThat(r.postActions()).isEqualTo(150);
      // Each message got the post-action: it went to the UID of its own document.
      assertThat(receive.run(in(folder).filter(oldest ? Filter.unflagged() : Filter.unseen()).build(), d -> { })
          .selected()).isZero();
    }
  }

  @Test
  void unicodeFolderNamesWork(MailStack stack) throws Exception {
    String folder = "rcv-Ünïcødé ✉";
    stack.resetFolder(stack.alice(), folder);
    StackMailbox.alice(stack).appendDated(folder, "From: a@example.com\nSubject: in unicode folder\nDate: Tue, 24 Nov 2026 "
        + "10:00:00 +0000\nMessage-ID: <u@x>\n\nbody\n");
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).traceProtocol(true).build(), d ->
        assertThat(d.properties().fromFolder()).hasValue(folder));
    assertThat(r.accepted()).isEqualTo(1);
    assertThat(r.protocolTrace()).anyMatch(l -> l.contains("EXAMINE \"rcv-&ANw-n&AO8-c&APg-d&AOk- &Jwk-\""))
        // The folder is opened without asking first whether it exists (a LIST round trip per receive):
        // only a failed EXAMINE leads to a LIST (missingFolderIsAClearError).
        .noneMatch(l -> l.matches("^[A-Z]+[0-9]+ LIST .*"));
  }

  @Test
  void missingFolderIsAClearError(MailStack stack) {
    assertThatThrownBy(() -> Receive.of(TestEndpoints.inbound(stack, stack.alice())).receiveAll(in("rcv-no-such-folder").build()))
        .isInstanceOf(BadInputException.class).hasMessageContaining("folder 'rcv-no-such-folder' does not exist");
  }

  @Test
  void aMessageThatCannotBeParsedIsReportedAndSkippedAndTheRestArrive(MailStack stack) {
    String folder = "rcv-bad";
    stack.resetFolder(stack.alice(), folder);
    byte[] hopeless = ("From: a@example.com\r\nSubject: hopeless\r\nX-Long: " + "x".repeat(1_100_000)
        + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] malformed = crlf("""
        From: broken@@example.com
        Subject: =?x-unknown?Q?weird?= subject
        Content-Type: multipart/mixed; boundary=zz

        --zz
        Content-Type: text/plain; charset=nope
        Content-Transfer-Encoding: base64

        !!!not base64!!!
        --zz
        Content-Type: application/octet-stream; name="../../etc/passwd"
        Content-Transfer-Encoding: quoted-printable

        =ZZ=4
        """);
    StackMailbox.alice(stack).append(folder, List.of(TestMessages.plain("a@example.com", "alice@example.test", "ok 1", 100),
        hopeless, malformed, TestMessages.plain("a@example.com", "alice@example.test", "ok 2", 100)), "");
    List<MailDocument> docs = new ArrayList<>();
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).postAction(PostAction.flag()).build(),
        docs::add);
    assertThat(docs).extracting(d -> d.properties().subject()).contains("ok 1", "ok 2");
    assertThat(docs).hasSize(3);
    MailDocument bad = docs.get(1);
    assertThat(bad.warnings()).isNotEmpty();
    assertThat(bad.properties().fileName()).containsExactly("passwd");
    assertThat(r.skipped()).hasSize(1);
    assertThat(r.skipped().get(0).reason()).contains("cannot be parsed");
    assertThat(r.postActions()).isEqualTo(3); // the skipped message was not accepted, so not flagged
    ReceiveResult unflagged = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).filter(Filter.unflagged()).build(),
        d -> { });
    assertThat(unflagged.selected()).isEqualTo(1);
    assertThat(unflagged.skipped()).extracting(ReceiveResult.Skipped::uid).containsExactly(r.skipped().get(0).uid());
  }

  @Test
  void aLargeMessageTheParserGivesUpOnEarlyIsSkippedAndTheConnectionServesTheNext(MailStack stack) throws Exception {
    String folder = "rcv-bad-large";
    stack.resetFolder(stack.alice(), folder);
    // Over largeMessageBytes, so its body is read by the parser from the connection; the header
    // limit stops the parser after 1 MiB and the rest of the literal must be skipped on the wire.
    byte[] hopeless = ("From: a@example.com\r\nSubject: hopeless\r\nX-Long: " + "x".repeat(1_100_000)
        + "\r\n\r\n" + "body line\r\n".repeat(100_000)).getBytes(StandardCharsets.US_ASCII);
    byte[] after = TestMessages.withAttachment("a@example.com", "alice@example.test", "after", "a.bin",
        "payload".repeat(50_000).getBytes(StandardCharsets.US_ASCII));
    StackMailbox.alice(stack).append(folder, List.of(hopeless, after,
        TestMessages.plain("a@example.com", "alice@example.test", "last", 100)), "");
    List<MailDocument> docs = new ArrayList<>();
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(in(folder).largeMessageBytes(256 * 1024)
        .chunkBytes(64 * 1024).cacheDir(tmp.resolve("bad-large")).build(), docs::add);
    assertThat(docs).extracting(d -> d.properties().subject()).containsExactly("after", "last");
    assertThat(docs.get(0).attachments().get(0).sha256()).isEqualTo(sha("payload".repeat(50_000)
        .getBytes(StandardCharsets.US_ASCII)));
    assertThat(r.skipped()).singleElement().satisfies(s -> assertThat(s.reason()).contains("header is larger"));
  }

  @Test
  void cacheFailureStopsTheReceiveAndLeavesThatMessageUnmarked(MailStack stack) throws Exception {
    String folder = "rcv-cachefail";
    stack.resetFolder(stack.alice(), folder);
    StackMailbox.alice(stack).append(folder, List.of(
        TestMessages.withAttachment("a@example.com", "alice@example.test", "first", "a.bin", new byte[10]),
        TestMessages.withAttachment("a@example.com", "alice@example.test", "second", "b.bin", new byte[10])), "");
    Receive receive = Receive.of(TestEndpoints.inbound(stack, stack.alice()));
    List<MailDocument> probe = receive.receiveAll(in(folder).build());
    long secondUid = probe.get(1).properties().uid().orElseThrow();
    long uidValidity = probe.get(1).properties().uidValidity().orElseThrow();
    Path cacheDir = tmp.resolve("cache");
    DocumentCache cache = DocumentCache.open(cacheDir);
    String mailbox = stack.alice().user() + "@" + stack.host() + ":" + stack.imapsPort();
    String key = new DocumentCache.PartId(mailbox, folder, uidValidity, secondUid, "2").key();
    // A non-empty directory where the metadata file must go: the write fails like a full disk.
    Files.createDirectories(cache.directory().resolve(key.substring(0, key.indexOf('-')))
        .resolve(uidValidity + "-" + secondUid + "-2.meta.json").resolve("blocker"));

    List<String> accepted = new ArrayList<>();
    assertThatThrownBy(() -> receive.run(in(folder).cacheDir(cacheDir).postAction(PostAction.markRead()).build(),
        d -> accepted.add(d.properties().subject())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot store part 2 of UID " + secondUid);
    assertThat(accepted).containsExactly("first");
    assertThat(receive.receiveAll(in(folder).filter(Filter.seen()).build()))
        .extracting(d -> d.properties().subject()).containsExactly("first");
  }
}
