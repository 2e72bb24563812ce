package io.mailbridge.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SearchCompilerTopLevelTest {

  @Test
  void topLevelAndAndRawAreNotParenthesized() {
    assertThat(SearchCompiler.toImap(Filter.and(Filter.subject("Invoice"), Filter.receivedBefore(LocalDate.of(2026, 1, 1)))))
        .isEqualTo("SUBJECT \"Invoice\" BEFORE 1-Jan-2026");
    assertThat(SearchCompiler.toImap(Filter.raw("UID 2,4"))).isEqualTo("UID 2,4");
  }

  @Test
  void andsNestedAtTheTopLevelAreFlattenedWithTheirRawKeys() {
    // A UID range narrowed by a user's filter: GreenMail rejects "(UID 1:*) (SUBJECT ...)".
    assertThat(SearchCompiler.toImap(Filter.and(Filter.raw("UID 1:*"), Filter.and(Filter.subject("Invoice"),
        Filter.from("billing@")))))
        .isEqualTo("UID 1:* SUBJECT \"Invoice\" FROM \"billing@\"");
    assertThat(SearchCompiler.toImap(Filter.and(Filter.raw("UID 5:9"), Filter.or(Filter.seen(), Filter.raw("FLAGGED")))))
        .isEqualTo("UID 5:9 OR SEEN (FLAGGED)");
  }

  @Test
  void nestedGroupsKeepTheirParentheses() {
    assertThat(SearchCompiler.toImap(Filter.or(Filter.and(Filter.seen(), Filter.flagged()), Filter.unseen())))
        .isEqualTo("OR (SEEN FLAGGED) UNSEEN");
    assertThat(SearchCompiler.toImap(Filter.not(Filter.and(Filter.seen(), Filter.flagged()))))
        .isEqualTo("NOT (SEEN FLAGGED)");
  }
}
