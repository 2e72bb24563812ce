package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.TestEndpoints;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.MailDocument;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Size limits against real Dovecot: decided from RFC822.SIZE / BODYSTRUCTURE before the body is
 * fetched, per policy skip, fail and reference.
 */
@RealServer
class SizeLimitsIT {
  private static final long LIMIT = 100_000;

  @TempDir
  Path cache;

  private static byte[] small(String subject) {
    return TestMessages.plain("a@example.com", "alice@example.test", subject, 500);
  }

  private static byte[] big(String subject) {
    return TestMessages.withAttachment("a@example.com", "alice@example.test", subject, "big.bin", new byte[300_000]);
  }

  /** The body of every FETCH command in the trace that downloads whole messages. */
  private static List<String> bodyFetches(ReceiveResult r) {
    return r.protocolTrace().stream().filter(l -> l.contains("UID FETCH") && l.contains("BODY.PEEK[]")).toList();
  }

  @Test
  void skipLeavesAnOversizedMessageOnTheServerUnfetchedAndDeliversTheRest(MailStack stack) {
    String folder = "sl-skip";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).reset(folder + "-done");
    StackMailbox.alice(stack).append(folder, List.of(small("s1"), big("huge"), small("s3")), "");
    List<MailDocument> docs = new ArrayList<>();

    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(ReceiveSettings.builder().folder(folder)
        .sizeLimits(SizeLimits.of(LIMIT, Long.MAX_VALUE, SizePolicy.SKIP)).traceProtocol(true)
        .postAction(PostAction.moveTo(folder + "-done")).build(), docs::add);

    assertThat(docs).extracting(d -> d.properties().subject()).containsExactly("s1", "s3");
    assertThat(r.oversized()).singleElement().satisfies(s -> {
      assertThat(s.uid()).isEqualTo(2);
      assertThat(s.reason()).contains("uid 2", "above maxMessageBytes 100000", "left on the server");
    });
    assertThat(r.skipped()).isEmpty();
    // Never downloaded: no body fetch names uid 2 (the two others are fetched as "1" and "3").
    assertThat(bodyFetches(r)).isNotEmpty().noneMatch(l -> l.matches(".*UID FETCH [^ ]*\\b2\\b.*"));
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(1); // not post-actioned
    assertThat(stack.messageCount(stack.alice(), folder + "-done")).isEqualTo(2);
  }

  @Test
  void failStopsAtTheOversizedMessageNamingUidSizeAndLimitAndLosesNothing(MailStack stack) {
    String folder = "sl-fail";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).reset(folder + "-done");
    StackMailbox.alice(stack).append(folder, List.of(small("f1"), big("huge"), small("f3")), "");
    List<MailDocument> docs = new ArrayList<>();

    assertThatThrownBy(() -> Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(ReceiveSettings.builder().folder(folder)
        .sizeLimits(SizeLimits.of(LIMIT, Long.MAX_VALUE, SizePolicy.FAIL))
        .postAction(PostAction.moveTo(folder + "-done")).build(), docs::add))
        .isInstanceOf(BadInputException.class)
        .hasMessageContaining("uid 2 in " + folder + " is ")
        .hasMessageContaining("above maxMessageBytes 100000 (size policy fail)");

    assertThat(docs).extracting(d -> d.properties().subject()).containsExactly("f1");
    assertThat(stack.messageCount(stack.alice(), folder + "-done")).isEqualTo(1); // f1 accepted and moved
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(2); // the big one and f3 untouched
  }

  @Test
  void referenceListsTheAttachmentsOfAnOversizedMessageWithoutStoringThem(MailStack stack) throws Exception {
    String folder = "sl-ref";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).reset(folder + "-done");
    StackMailbox.alice(stack).append(folder, List.of(big("quarterly report"),
        TestMessages.plain("a@example.com", "alice@example.test", "long text", 150_000)), "");
    List<MailDocument> docs = new ArrayList<>();

    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(ReceiveSettings.builder().folder(folder)
        .cacheDir(cache).sizeLimits(SizeLimits.of(LIMIT, Long.MAX_VALUE, SizePolicy.REFERENCE)).traceProtocol(true)
        .postAction(PostAction.moveTo(folder + "-done")).build(), docs::add);

    assertThat(r.accepted()).isEqualTo(2);
    assertThat(bodyFetches(r)).isEmpty(); // header, structure and the small text part only
    MailDocument d = docs.get(0);
    assertThat(d.properties().subject()).isEqualTo("quarterly report");
    assertThat(d.properties().fromAddress()).isEqualTo("a@example.com");
    assertThat(d.properties().attachmentsCount()).hasValue(1);
    assertThat(d.text()).hasValueSatisfying(t -> assertThat(t.strip()).isEqualTo("See attachment."));
    assertThat(d.attachments()).singleElement().satisfies(a -> {
      assertThat(a.fileName()).isEqualTo("big.bin");
      assertThat(a.contentType()).isEqualTo("application/octet-stream");
      assertThat(a.partPath()).isEqualTo("2");
      assertThat(a.size()).isBetween(299_500L, 300_500L); // decoded estimate from the base64 size
      assertThat(a.stored()).isFalse();
      assertThat(a.path()).isEmpty();
      assertThat(a.withheld()).hasValueSatisfying(w -> assertThat(w).contains("above maxMessageBytes 100000"));
    });
    assertThat(d.warnings()).singleElement().satisfies(w -> assertThat(w).contains("above maxMessageBytes 100000",
        "only the header, the structure and the body text (part 1) were read", "1 attachment(s) stay on the server"));
    assertThat(d.reference()).isTrue();
    // A body text above the limit itself is not read either.
    MailDocument text = docs.get(1);
    assertThat(text.reference()).isTrue();
    assertThat(text.properties().subject()).isEqualTo("long text");
    assertThat(text.text()).hasValue("");
    assertThat(text.attachments()).isEmpty();
    assertThat(text.warnings()).singleElement().satisfies(w -> assertThat(w).contains(
        "only the header and the structure were read", "0 attachment(s)"));
    assertThat(storedFiles()).isEmpty();
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(2); // kept on the server, no post-action
    assertThat(stack.messageCount(stack.alice(), folder + "-done")).isZero();
  }

  @Test
  void referenceWithholdsOnlyTheOversizedAttachmentAndStoresTheRest(MailStack stack) throws Exception {
    String folder = "sl-att";
    StackMailbox.alice(stack).reset(folder);
    byte[] smallPart = "small attachment".getBytes(StandardCharsets.UTF_8);
    byte[] bigPart = new byte[50_000];
    StackMailbox.alice(stack).append(folder, List.of(twoAttachments("two parts", smallPart, bigPart)), "");
    List<MailDocument> docs = new ArrayList<>();

    Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(ReceiveSettings.builder().folder(folder).cacheDir(cache)
        .sizeLimits(SizeLimits.of(1 << 20, 10_000, SizePolicy.REFERENCE)).build(), docs::add);

    MailDocument d = docs.get(0);
    assertThat(d.text()).hasValueSatisfying(t -> assertThat(t).contains("See the attachments."));
    assertThat(d.attachments()).hasSize(2);
    Attachment kept = d.attachments().get(0);
    Attachment withheld = d.attachments().get(1);
    assertThat(kept.fileName()).isEqualTo("small.txt");
    assertThat(kept.stored()).isTrue();
    assertThat(Files.readAllBytes(kept.path().orElseThrow())).isEqualTo(smallPart);
    assertThat(withheld.fileName()).isEqualTo("big.bin");
    assertThat(withheld.size()).isEqualTo(50_000);
    assertThat(withheld.sha256()).hasSize(64);
    assertThat(withheld.stored()).isFalse();
    assertThat(withheld.withheld()).hasValueSatisfying(w -> assertThat(w).contains("maxAttachmentBytes 10000"));
    assertThat(storedFiles()).singleElement().satisfies(p -> assertThat(p).isEqualTo(kept.path().get()));
  }

  @Test
  void skipDecidesOnTheAttachmentSizeFromTheStructure(MailStack stack) {
    String folder = "sl-att-skip";
    StackMailbox.alice(stack).reset(folder);
    StackMailbox.alice(stack).append(folder, List.of(small("plain"),
        twoAttachments("two parts", new byte[10], new byte[50_000])), "");
    List<MailDocument> docs = new ArrayList<>();

    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(ReceiveSettings.builder().folder(folder)
        .sizeLimits(SizeLimits.of(1 << 20, 10_000, SizePolicy.SKIP)).build(), docs::add);

    assertThat(docs).extracting(x -> x.properties().subject()).containsExactly("plain");
    assertThat(r.oversized()).singleElement().satisfies(s ->
        assertThat(s.reason()).contains("uid 2", "maxAttachmentBytes 10000", "big.bin (part 3"));
  }

  private List<Path> storedFiles() throws Exception {
    try (Stream<Path> s = Files.walk(cache)) {
      return s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.tmp/"))
          .filter(p -> !p.getFileName().toString().endsWith(".json") && !p.getFileName().toString().startsWith("."))
          .toList();
    }
  }

  static byte[] twoAttachments(String subject, byte[] small, byte[] big) {
    String b = "b-" + System.nanoTime();
    Base64.Encoder enc = Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII));
    return ("From: a@example.com\r\nTo: alice@example.test\r\nSubject: " + subject + "\r\n"
        + "Message-ID: <two." + System.nanoTime() + "@example.test>\r\nMIME-Version: 1.0\r\n"
        + "Content-Type: multipart/mixed; boundary=\"" + b + "\"\r\n\r\n"
        + "--" + b + "\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nSee the attachments.\r\n"
        + "--" + b + "\r\nContent-Type: text/plain; name=\"small.txt\"\r\n"
        + "Content-Disposition: attachment; filename=\"small.txt\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + enc.encodeToString(small) + "\r\n"
        + "--" + b + "\r\nContent-Type: application/octet-stream; name=\"big.bin\"\r\n"
        + "Content-Disposition: attachment; filename=\"big.bin\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + enc.encodeToString(big) + "\r\n--" + b + "--\r\n").getBytes(StandardCharsets.UTF_8);
  }
}
