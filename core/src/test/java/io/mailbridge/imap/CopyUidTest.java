package io.mailbridge.imap;

import io.mailbridge.move.internal.Strategy;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CopyUidTest {

  @Test
  void parsesTheCodeFromATaggedOk() {
    CopyUid c = CopyUid.find("A12 OK [COPYUID 38505 304,319:320 3956:3958] Done").orElseThrow();
    assertThat(c.uidValidity()).isEqualTo(38505);
    assertThat(c.source()).containsExactly(304L, 319L, 320L);
    assertThat(c.target()).containsExactly(3956L, 3957L, 3958L);
    assertThat(c.mapping()).containsOnly(Map.entry(304L, 3956L), Map.entry(319L, 3957L), Map.entry(320L, 3958L));
  }

  @Test
  void parsesTheCodeFromAnUntaggedOkOfUidMove() {
    CopyUid c = CopyUid.find("* OK [COPYUID 1700000000 2:3,5:7 1:5] Moved UIDs.").orElseThrow();
    assertThat(c.mapping()).containsEntry(2L, 1L).containsEntry(7L, 5L).hasSize(5);
  }

  @Test
  void keepsTheServersOrderAcrossElements() {
    CopyUid c = CopyUid.find("a OK [copyuid 7 10,2 20:21]").orElseThrow();
    assertThat(c.mapping()).containsEntry(10L, 20L).containsEntry(2L, 21L);
  }

  @Test
  void reversedRangesMeanTheSameSet() {
    assertThat(CopyUid.find("a OK [COPYUID 9 5:3 7:9]").orElseThrow().source()).containsExactly(3L, 4L, 5L);
  }

  @Test
  void ignoresAbsentOrInconsistentCodes() {
    assertThat(CopyUid.find("A1 OK Move completed.")).isEmpty();
    assertThat(CopyUid.find("A1 OK [COPYUID 1 1:3 1:2] sizes differ")).isEmpty();
    assertThat(CopyUid.find("A1 OK [COPYUID 1 1,,2 3:4]")).isEmpty();
    assertThat(CopyUid.find(null)).isEmpty();
    assertThat(CopyUid.find("A1 OK [COPYUID 1 1:99999999999 1:99999999999]")).isEmpty();
  }

  @Test
  void strategyFollowsTheCapabilities() {
    assertThat(Strategy.choose(Map.of("MOVE", "MOVE", "UIDPLUS", "UIDPLUS"))).isEqualTo(Strategy.MOVE);
    assertThat(Strategy.choose(Map.of("UIDPLUS", "UIDPLUS"))).isEqualTo(Strategy.UIDPLUS);
    assertThat(Strategy.choose(Map.of("IMAP4REV1", "IMAP4REV1"))).isEqualTo(Strategy.COPY);
    assertThat(Strategy.MOVE.supportedBy(Map.of("UIDPLUS", ""))).isFalse();
    assertThat(List.of(Strategy.values())).allMatch(s -> s != Strategy.COPY || s.supportedBy(Map.of()));
  }
}
