package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Flags;
import org.junit.jupiter.api.Test;

class SentCopyTest {
  @Test
  void theMarkIsTheKeywordWhereTheFolderKeepsKeywordsElseDraft() {
    Flags anyKeyword = new Flags(Flags.Flag.SEEN);
    anyKeyword.add(Flags.Flag.USER); // PERMANENTFLAGS (... \*)
    assertThat(SentCopy.mark(anyKeyword).getUserFlags()).containsExactly(SentCopy.UNCONFIRMED);
    assertThat(SentCopy.mark(new Flags(SentCopy.UNCONFIRMED)).getUserFlags()).containsExactly(SentCopy.UNCONFIRMED);

    // GNU Mailutils: PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft), a keyword is BAD.
    Flags systemOnly = new Flags();
    for (Flags.Flag f : new Flags.Flag[] {Flags.Flag.ANSWERED, Flags.Flag.FLAGGED, Flags.Flag.DELETED,
        Flags.Flag.SEEN, Flags.Flag.DRAFT}) {
      systemOnly.add(f);
    }
    assertThat(SentCopy.mark(systemOnly).contains(Flags.Flag.DRAFT)).isTrue();
    assertThat(SentCopy.mark(systemOnly).getUserFlags()).isEmpty();
    assertThat(SentCopy.mark(null).contains(Flags.Flag.DRAFT)).isTrue();
  }

  @Test
  void theMarkIsNamedAsTheFolderShowsIt() {
    Flags anyKeyword = new Flags();
    anyKeyword.add(Flags.Flag.USER);
    assertThat(SentCopy.name(SentCopy.mark(anyKeyword))).isEqualTo(SentCopy.UNCONFIRMED);
    assertThat(SentCopy.name(SentCopy.mark(new Flags(Flags.Flag.SEEN)))).isEqualTo("\\Draft");
  }
}
