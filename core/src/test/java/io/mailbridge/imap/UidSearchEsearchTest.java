package io.mailbridge.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** RFC 4731 answers as Dovecot and others send them. */
class UidSearchEsearchTest {
  @Test
  void readsTheUidSetAfterTheTagCorrelator() {
    assertThat(UidSearch.esearchAll("* ESEARCH (TAG \"D4\") UID ALL 2:4,7,10:9")).containsExactly(2L, 3L, 4L, 7L, 9L,
        10L);
    assertThat(UidSearch.esearchAll("* ESEARCH (TAG \"A1\") UID ALL 1:10000")).hasSize(10_000).startsWith(1L)
        .endsWith(10_000L);
  }

  @Test
  void noAllMeansNoMatches() {
    assertThat(UidSearch.esearchAll("* ESEARCH (TAG \"D4\") UID")).isEmpty();
    assertThat(UidSearch.esearchAll("* ESEARCH (TAG \"D4\")")).isEmpty();
  }

  @Test
  void aTagThatLooksLikeAnItemIsNotRead() {
    assertThat(UidSearch.esearchAll("* ESEARCH (TAG \"ALL 5\") UID ALL 8")).containsExactly(8L);
    assertThat(UidSearch.esearchAll("* esearch (TAG \"x\") uid all 3:2")).containsExactly(2L, 3L);
  }

  @Test
  void anAnswerTooLargeForAnyFolderIsAnErrorNotFourBillionUids() {
    assertThatThrownBy(() -> UidSearch.esearchAll("* ESEARCH (TAG \"D4\") UID ALL 1:4294967295"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ESEARCH");
    assertThatThrownBy(() -> UidSearch.esearchAll("* ESEARCH (TAG \"D4\") UID ALL 1:3,,5"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ESEARCH");
  }
}
