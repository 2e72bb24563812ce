package io.mailbridge.move;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MoveResultPropertiesTest {
  @Test
  void aMovedMessageNamesTheFolderItCameFromAndTheOneItIsInNow() {
    MessageOutcome o = new MessageOutcome(Optional.of(42L), Optional.of("<inv-42@x>"), MessageOutcome.Status.MOVED,
        Optional.of(7L), "");
    MoveResult moved = new MoveResult("INBOX", Optional.of("Archive"), "MOVE", 9, Optional.of(11L), List.of(o),
        List.of());
    assertThat(moved.properties(o).toMap()).containsEntry("fromFolder", "INBOX").containsEntry("folder", "Archive")
        .containsEntry("uid", 42L).containsEntry("uidValidity", 9L).containsEntry("messageId", "<inv-42@x>");
    MoveResult flagged = new MoveResult("INBOX", Optional.empty(), "STORE", 9, Optional.empty(), List.of(o), List.of());
    assertThat(flagged.properties(o).toMap()).containsEntry("fromFolder", "INBOX").containsEntry("folder", "INBOX");
  }
}
