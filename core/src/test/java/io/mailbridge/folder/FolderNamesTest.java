package io.mailbridge.folder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import org.junit.jupiter.api.Test;

class FolderNamesTest {

  @Test
  void acceptsUnicodeHierarchyQuotesAndBackslashes() {
    for (String ok : new String[] {"INBOX", "Archiv/Überfällig 2026", "請求書", "say \"hi\"", "back\\slash", "a&b"}) {
      assertThat(FolderNames.check("folder", ok)).isEqualTo(ok);
    }
  }

  @Test
  void rejectsControlCharacters() {
    assertThatThrownBy(() -> FolderNames.check("move.to", "a\r\nA1 DELETE INBOX"))
        .isInstanceOf(BadInputException.class)
        .hasMessage("move.to 'a??A1 DELETE INBOX' contains a control character (CR, LF, NUL, ...): folder names "
            + "cannot contain them");
    assertThatThrownBy(() -> FolderNames.check("f", "a\0b")).isInstanceOf(BadInputException.class);
  }

  @Test
  void rejectsListWildcards() {
    assertThatThrownBy(() -> FolderNames.check("folder", "Reports*")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("contains '*': IMAP treats * and % as LIST wildcards");
    assertThatThrownBy(() -> FolderNames.check("folder", "100%")).isInstanceOf(BadInputException.class);
  }

  @Test
  void rejectsEmptyAndPaddedNames() {
    assertThatThrownBy(() -> FolderNames.check("folder", "")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("folder is missing");
    assertThatThrownBy(() -> FolderNames.check("folder", " INBOX")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("white space");
  }
}
