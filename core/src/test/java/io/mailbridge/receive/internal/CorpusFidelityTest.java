package io.mailbridge.receive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.document.BodyFormat;
import io.mailbridge.fidelity.Corpus;
import io.mailbridge.fidelity.FidelityReport;
import io.mailbridge.fidelity.ReferenceParse;
import io.mailbridge.fidelity.View;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fast check of corpus fidelity: every corpus message parsed in process by the code Receive
 * uses ({@link CorpusDocuments}) and compared with the reference parse, in seconds and without a
 * server. {@code CorpusFidelityIT} is the proof through real Dovecot; both print the same table and
 * hold the same goals. Differences are written to {@code target/fidelity/in-process/}.
 */
@org.junit.jupiter.api.Disabled(
    "Receive does not meet these goals on this revision yet: the parser fixes for real-world headers and structures come next. Run it anyway with -Djunit.jupiter.conditions.deactivate=org.junit.*DisabledCondition")
class CorpusFidelityTest {
  @Test
  void receiveReadsTheCorpusAsTheReferenceParserDoes() throws Exception {
    List<Corpus.Message> corpus = Corpus.load();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(1000);
    FidelityReport report = new FidelityReport("in-process corpus fidelity", Corpus.deliberateDifferences());
    CorpusDocuments documents = new CorpusDocuments(BodyFormat.TEXT);
    long uid = 1;
    for (Corpus.Message m : corpus) {
      View expected;
      try {
        expected = ReferenceParse.read(m.bytes());
      } catch (ReferenceParse.Unreadable e) {
        report.unreadable(m.name(), e.getMessage());
        continue;
      }
      try {
        report.compare(m.name(), m.bytes(), expected, View.of(documents.document(uid++, m.bytes())));
      } catch (Exception e) {
        report.skipped(m.name(), e.toString());
      }
    }
    report.writeTo(Path.of("target", "fidelity", "in-process"));
    System.out.println(report.table());
    assertThat(report.goalFailures()).as(report.table()).isEmpty();
  }
}
