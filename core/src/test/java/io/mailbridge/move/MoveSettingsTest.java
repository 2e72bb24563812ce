package io.mailbridge.move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MoveSettingsTest {

  private static MoveSettings.Builder valid() {
    return MoveSettings.builder().from("INBOX").to("Archive/2026").selection(Selection.uids(1));
  }

  @Test
  void defaultsAreFiveThousandUidsPerCommandNoCreateNoCheck() {
    MoveSettings s = valid().build();
    assertThat(s.batchSize()).isEqualTo(10_000);
    assertThat(s.createTarget()).isFalse();
    assertThat(s.expectedUidValidity()).isEmpty();
    assertThat(s.expungeWithoutUidplus()).isFalse();
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void rejectsMissingFoldersAndSelection() {
    assertThatThrownBy(() -> valid().from(null).build()).isInstanceOf(BadInputException.class)
        .hasMessageContaining("move.from is missing");
    assertThatThrownBy(() -> valid().to("").build()).isInstanceOf(BadInputException.class)
        .hasMessageContaining("move.to is missing");
    assertThatThrownBy(() -> valid().selection(null).build()).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("move.selection is missing");
  }

  @Test
  void rejectsTheSameFolderAsTarget() {
    assertThatThrownBy(() -> valid().to("INBOX").build()).isInstanceOf(ConfigException.class)
        .hasMessage("move.from and move.to are both 'INBOX': choose a different target folder");
  }

  @Test
  void rejectsBatchSizeAndUidValidityOutOfRange() {
    assertThatThrownBy(() -> valid().batchSize(0).build()).isInstanceOf(ConfigException.class)
        .hasMessage("move.batchSize 0 is out of range 1-10000");
    assertThatThrownBy(() -> valid().batchSize(10_001).build()).isInstanceOf(ConfigException.class);
    assertThatThrownBy(() -> valid().expectedUidValidity(0L).build()).isInstanceOf(ConfigException.class)
        .hasMessage("move.expectedUidValidity 0 is out of range 1-4294967295");
  }

  @Test
  void selectionRejectsEmptyAndOutOfRangeInput() {
    assertThatThrownBy(() -> Selection.uids(List.of())).isInstanceOf(BadInputException.class)
        .hasMessageContaining("selection has no UIDs");
    assertThatThrownBy(() -> Selection.uids(0)).isInstanceOf(BadInputException.class)
        .hasMessage("UID 0 is out of range 1-4294967295");
    assertThatThrownBy(() -> Selection.uidSet("1:*")).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> Selection.messageIds(List.of())).isInstanceOf(BadInputException.class)
        .hasMessageContaining("selection has no Message-IDs");
    assertThatThrownBy(() -> Selection.messageIds(List.of("<a@b>\r\nA1 DELETE INBOX")))
        .isInstanceOf(BadInputException.class).hasMessageContaining("contains CR, LF or NUL");
    assertThat(((Selection.Uids) Selection.uids(5, 3, 3)).uids()).containsExactly(3L, 5L);
  }

  @Test
  void flagsAreCheckedAndSystemFlagsNormalized() {
    assertThat(Flags.normalize(Set.of("\\seen"))).containsExactly("\\Seen");
    assertThat(Flags.normalize(Set.of("$Processed"))).containsExactly("$Processed");
    assertThatThrownBy(() -> Flags.normalize(Set.of("\\Recent"))).isInstanceOf(BadInputException.class)
        .hasMessageContaining("\\Recent is set by the server");
    assertThatThrownBy(() -> Flags.normalize(Set.of("two words"))).isInstanceOf(BadInputException.class)
        .hasMessageContaining("is not an IMAP atom");
    assertThatThrownBy(() -> Flags.normalize(Set.of("a)b"))).isInstanceOf(BadInputException.class);
    assertThatThrownBy(() -> Flags.normalize(Set.of("NIL"))).isInstanceOf(BadInputException.class)
        .hasMessageContaining("reserved");
  }
}
