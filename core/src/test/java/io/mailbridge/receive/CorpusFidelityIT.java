package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.TestEndpoints;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.MailDocument;
import io.mailbridge.fidelity.Corpus;
import io.mailbridge.fidelity.FidelityReport;
import io.mailbridge.fidelity.ReferenceParse;
import io.mailbridge.fidelity.View;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The proof of corpus fidelity: every corpus message APPENDed to real Dovecot, received with
 * Receive, and compared field by field with the reference parse (Jakarta Mail) of the very bytes
 * Receive got from the server. Receive, {@code watch} (Listener) and the Kafka source all turn
 * fetched messages into documents through the one {@code ReceiveRun} pipeline (fetch, then
 * {@code DocumentBuilder}: parser, attachment rule, tracked properties), so this one test covers
 * all three. {@code CorpusFidelityTest} is the same comparison in process, without a server.
 */
@RealServer
class CorpusFidelityIT {
  @Test
  void receiveReportsWhatTheReferenceParserReadsForEveryCorpusMessage(MailStack stack) throws Exception {
    String folder = "fidelity-corpus";
    StackMailbox.alice(stack).reset(folder);
    List<Corpus.Message> corpus = Corpus.load();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(1000);
    FidelityReport report = new FidelityReport("Dovecot corpus fidelity", Corpus.deliberateDifferences());
    // One APPEND per message: a message the server refuses is named, not a whole batch lost.
    List<Corpus.Message> stored = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      for (Corpus.Message m : corpus) {
        try {
          s.append(folder, List.of(m.bytes()), "");
          stored.add(m);
        } catch (IllegalStateException e) {
          refused.add(m.name() + ": " + e.getMessage());
        }
      }
    }
    assertThat(refused).as("messages Dovecot refused to store").isEmpty();

    Map<Long, MailDocument> received = new HashMap<>();
    ReceiveResult result = Receive.of(TestEndpoints.inbound(stack, stack.alice())).run(
        ReceiveSettings.builder().folder(folder).format(BodyFormat.EML).build(),
        doc -> received.put(doc.properties().uid().orElseThrow(), doc));
    Map<Long, String> skippedWhy = new HashMap<>();
    result.skipped().forEach(s -> skippedWhy.put(s.uid(), s.reason()));

    for (int i = 0; i < stored.size(); i++) {
      long uid = i + 1; // a fresh folder numbers APPENDed messages 1, 2, ... in order
      Corpus.Message m = stored.get(i);
      MailDocument doc = received.get(uid);
      byte[] raw;
      if (doc != null) {
        try (InputStream in = doc.openContent()) {
          raw = in.readAllBytes(); // the bytes Receive got from Dovecot: the reference reads the same
        }
      } else {
        raw = m.bytes();
      }
      View expected;
      try {
        expected = ReferenceParse.read(raw);
      } catch (ReferenceParse.Unreadable e) {
        report.unreadable(m.name(), e.getMessage());
        continue;
      }
      if (doc == null) {
        report.skipped(m.name(), skippedWhy.getOrDefault(uid, "not delivered"));
      } else {
        report.compare(m.name(), raw, expected, View.of(doc));
      }
    }
    report.writeTo(Path.of("target", "fidelity", "dovecot"));
    System.out.println(report.table());
    assertThat(received.size() + skippedWhy.size()).as("every stored message received or skipped")
        .isEqualTo(stored.size());
    assertThat(report.goalFailures()).as(report.table()).isEmpty();
  }
}
