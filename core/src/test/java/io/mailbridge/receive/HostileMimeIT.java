package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.document.MailDocument;
import io.mailbridge.mime.HostileMime;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile messages through the whole receive path against real Dovecot: stored in alice's
 * {@code hd-mime}, fetched in bulk, parsed, attachments into a Document Cache. The run completes;
 * each message becomes a document (with warnings where limits hit) or a skip with a reason.
 */
@RealServer
class HostileMimeIT {
  // IMAP literals cannot carry NUL (RFC 3501 4.3), so the NUL and binary cases stay unit-level.
  private static final List<String> CASES = List.of("mixed-line-endings", "multipart-without-boundary-parameter",
      "closing-boundary-missing", "bad-base64", "unknown-transfer-encoding-and-charset", "broken-encoded-words",
      "rfc2231-traversal-name", "addresses-unbalanced", "header-of-2-MiB", "nesting-1000-levels", "10000-parts");

  @TempDir
  Path cache;

  @Test
  void hostileMessagesBecomeDocumentsWithWarningsOrSkipsWithReasons(MailStack stack) throws Exception {
    String folder = "hd-mime";
    stack.resetFolder(stack.alice(), folder);
    Map<String, HostileMime.Case> corpus = HostileMime.small();
    List<byte[]> msgs = new ArrayList<>();
    for (String name : CASES) {
      msgs.add(corpus.get(name).bytes());
    }
    StackMailbox.alice(stack).append(folder, msgs, "");
    assertThat(stack.messageCount(stack.alice(), folder)).isEqualTo(CASES.size());

    List<MailDocument> docs = new ArrayList<>();
    long t0 = System.nanoTime();
    ReceiveResult r = Receive.of(TestEndpoints.inbound(stack, stack.alice()))
        .run(ReceiveSettings.builder().folder(folder).cacheDir(cache).build(), docs::add);
    long millis = (System.nanoTime() - t0) / 1_000_000;

    assertThat(r.accepted() + r.skipped().size()).isEqualTo(CASES.size());
    assertThat(r.skipped()).singleElement().satisfies(s ->
        assertThat(s.reason()).contains("receive.maxHeaderBytes")); // the 2 MiB header
    assertThat(docs).anySatisfy(d -> assertThat(d.warnings()).anyMatch(w -> w.contains("receive.maxPartDepth")));
    assertThat(docs).anySatisfy(d -> {
      assertThat(d.warnings()).anyMatch(w -> w.contains("receive.maxParts"));
      assertThat(d.attachments()).hasSize(1000);
    });
    Path root = cache.toRealPath();
    assertThat(docs).allSatisfy(d -> d.attachments().forEach(a ->
        assertThat(a.path()).hasValueSatisfying(p -> assertThat(p.normalize()).startsWith(root))));
    assertThat(millis).as("whole run of %d hostile messages", CASES.size()).isLessThan(20_000);
    System.out.printf("HostileMimeIT: %d messages in %d ms, %d skipped%n", CASES.size(), millis, r.skipped().size());
  }
}
