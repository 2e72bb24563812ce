package io.mailbridge.fidelity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fidelity report's goals: what it counts, what it lets pass and what it refuses. */
class FidelityReportTest {
  @TempDir Path tmp;

  private static View view(String from, String subject) {
    return new View(from, List.of("to@example.com"), List.of(), subject, "<id@example.com>", List.of(), List.of(), 0,
        List.of());
  }

  private FidelityReport report(String... listed) throws Exception {
    Path f = tmp.resolve("deliberate.tsv");
    Files.writeString(f, "# comment\n" + String.join("\n", listed) + "\n");
    return new FidelityReport("test", f);
  }

  @Test
  void equalViewsMeetTheGoals() throws Exception {
    FidelityReport r = report();
    r.compare("a/1.eml", new byte[0], view("a@example.com", "s"), view("a@example.com", "s"));
    assertThat(r.goalFailures()).isEmpty();
    assertThat(r.table()).contains("subject").contains("100.00%");
  }

  @Test
  void anUnlistedAddressDifferenceFailsEvenAboveTheAgreementGoal() throws Exception {
    FidelityReport r = report();
    for (int i = 0; i < 200; i++) {
      r.compare("a/" + i + ".eml", new byte[0], view("a@example.com", "s"), view("a@example.com", "s"));
    }
    r.compare("a/x.eml", new byte[0], view("a@example.com", "s"), view("a@example.co", "s"));
    assertThat(r.goalFailures()).singleElement().asString()
        .startsWith("address differs without a listed reason: a/x.eml fromAddress");
  }

  @Test
  void aListedDifferenceCountsAsAgreedAndAStaleOneFails() throws Exception {
    FidelityReport r = report("a/1.eml\tsubject\twindows-1252 where the reference shows U+FFFD",
        "a/2.eml\tsubject\tno longer happens");
    r.compare("a/1.eml", new byte[0], view("a@example.com", "\ufffd"), view("a@example.com", "é"));
    r.compare("a/2.eml", new byte[0], view("a@example.com", "s"), view("a@example.com", "s"));
    assertThat(r.goalFailures()).containsExactly(
        "stale deliberate difference (it no longer occurs, remove the line): a/2.eml subject");
  }

  @Test
  void agreementBelowTheGoalAndASkippedMessageFail() throws Exception {
    FidelityReport r = report();
    r.compare("a/1.eml", new byte[0], view("a@example.com", "one"), view("a@example.com", "other"));
    r.skipped("a/2.eml", "cannot be parsed");
    assertThat(r.goalFailures()).anyMatch(f -> f.startsWith("subject: 0.00% agreement"))
        .contains("skipped although the reference reads it: a/2.eml: cannot be parsed");
  }

  @Test
  void aMalformedListLineIsRefusedWithTheExpectedShape() throws Exception {
    assertThatThrownBy(() -> report("a/1.eml\tsubjekt\treason"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("message<TAB>field<TAB>reason");
  }

  @Test
  void differencesAndTheDifferingMessagesAreWrittenForInspection() throws Exception {
    FidelityReport r = report();
    r.compare("a/1.eml", "raw".getBytes(), view("a@example.com", "one"), view("a@example.com", "other"));
    r.writeTo(tmp.resolve("out"));
    assertThat(Files.readString(tmp.resolve("out/differences.tsv"))).isEqualTo("a/1.eml\tsubject\tTODO\n");
    assertThat(tmp.resolve("out/messages/a_1.eml")).hasContent("raw");
  }
}
