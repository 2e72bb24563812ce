package io.mailbridge.move;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import org.junit.jupiter.api.Test;

/** Delete and Flags take settings records like Move: checked when built, each field named. */
class DeleteAndFlagSettingsTest {

  @Test
  void deleteDefaultsToTrashAllUidsPerCommandNoCheck() {
    DeleteSettings s = DeleteSettings.builder().folder("INBOX").selection(Selection.uids(1)).build();
    assertThat(s.expunge()).isFalse();
    assertThat(s.batchSize()).isEqualTo(MoveSettings.DEFAULT_BATCH_SIZE);
    assertThat(s.expectedUidValidity()).isEmpty();
    assertThat(s.expungeWithoutUidplus()).isFalse();
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void deleteRejectsWhatCannotWork() {
    assertThatThrownBy(() -> DeleteSettings.builder().selection(Selection.uids(1)).build())
        .isInstanceOf(BadInputException.class).hasMessageContaining("delete.folder is missing");
    assertThatThrownBy(() -> DeleteSettings.builder().folder("INBOX").build())
        .isInstanceOf(NullPointerException.class).hasMessageContaining("delete.selection is missing");
    assertThatThrownBy(() -> DeleteSettings.builder().folder("INBOX").selection(Selection.uids(1)).batchSize(0).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("delete.batchSize 0 is out of range");
    assertThatThrownBy(() -> DeleteSettings.builder().folder("INBOX").selection(Selection.uids(1))
        .expectedUidValidity(0L).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("delete.expectedUidValidity 0 is out of range");
  }

  @Test
  void flagsAreNormalizedWhenBuilt() {
    FlagSettings s = FlagSettings.builder().folder("INBOX").selection(Selection.uids(1)).add("\\seen", "$Done")
        .remove("\\FLAGGED").build();
    assertThat(s.add()).containsExactly("\\Seen", "$Done");
    assertThat(s.remove()).containsExactly("\\Flagged");
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void flagsRejectNothingToDoAndContradictions() {
    assertThatThrownBy(() -> FlagSettings.builder().folder("INBOX").selection(Selection.uids(1)).build())
        .isInstanceOf(BadInputException.class).hasMessageContaining("no flag to add or remove");
    assertThatThrownBy(() -> FlagSettings.builder().folder("INBOX").selection(Selection.uids(1)).add("\\Seen")
        .remove("\\SEEN").build())
        .isInstanceOf(BadInputException.class).hasMessageContaining("both added and removed");
    assertThatThrownBy(() -> FlagSettings.builder().folder("INBOX").selection(Selection.uids(1)).add("\\Recent")
        .build())
        .isInstanceOf(BadInputException.class).hasMessageContaining("not a settable system flag");
  }
}
