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
class CorpusFidelityTest {
  @Test
  void receiveReadsTheCorpusAsTheReferenceParserDoes() throws Exception {
    List<Corpus.Message> corpus = Corpus.load();
    assertThat(corpus).hasSizeGreaterThanOrEqualTo(1000);
    FidelityReport report = new FidelityReport("in-process corpus fidelity", Corpus.deliberateDifferences());
    CorpusDocuments documents = new CorpusDocuments(BodyFormat.TEXT);
    long uid = 1;
    for (Corpus.Message m : corpus) {
      byte[] raw = asImapServes(m.bytes());
      View expected;
      try {
        expected = ReferenceParse.read(raw);
      } catch (ReferenceParse.Unreadable e) {
        report.unreadable(m.name(), e.getMessage());
        continue;
      }
      try {
        report.compare(m.name(), raw, expected, View.of(documents.document(uid++, raw)));
      } catch (Exception e) {
        report.skipped(m.name(), e.toString());
      }
    }
    report.writeTo(Path.of("target", "fidelity", "in-process"));
    System.out.println(report.table());
    assertThat(report.goalFailures()).as(report.table()).isEmpty();
  }

  /**
   * The bytes as an IMAP server serves them (RFC 3501 FETCH returns CRLF line ends; Dovecot adds the
   * CR to a stored bare LF), so this check and the IT compare the same bytes.
   */
  static byte[] asImapServes(byte[] b) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(b.length + b.length / 32);
    for (int i = 0; i < b.length; i++) {
      if (b[i] == '\n' && (i == 0 || b[i - 1] != '\r')) {
        out.write('\r');
      }
      out.write(b[i]);
    }
    return out.toByteArray();
  }
}
