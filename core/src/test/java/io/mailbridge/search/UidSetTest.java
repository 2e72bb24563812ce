package io.mailbridge.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class UidSetTest {
  @Test
  void aContiguousSelectionIsOneSetWhateverItsSize() {
    List<Long> uids = LongStream.rangeClosed(1, 100_000).boxed().toList();
    assertThat(UidSet.chunksByLength(uids, 8_000)).containsExactly("1:100000");
  }

  @Test
  void aSparseSelectionIsCutBelowTheLimitAndKeepsEveryUidOnce() {
    List<Long> uids = new ArrayList<>();
    for (long u = 1; u <= 20_000; u += 2) {
      uids.add(u);
    }
    uids.add(30_000L);
    uids.add(30_001L);
    uids.add(5L); // a duplicate, out of order
    List<String> sets = UidSet.chunksByLength(uids, 100);
    assertThat(sets).allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(100));
    assertThat(sets).hasSizeGreaterThan(100);
    List<Long> back = new ArrayList<>();
    sets.forEach(s -> back.addAll(UidSet.parse(s)));
    assertThat(back).isSorted().doesNotHaveDuplicates().hasSize(10_002).contains(30_000L, 30_001L);
    assertThat(sets.get(sets.size() - 1)).endsWith("30000:30001");
  }

  @Test
  void emptyAndSingleSelections() {
    assertThat(UidSet.chunksByLength(List.of(), 10)).isEmpty();
    assertThat(UidSet.chunksByLength(List.of(42L), 10)).containsExactly("42");
    assertThat(UidSet.chunksByLength(List.of(3L, 1L, 2L, 7L), 10)).containsExactly("1:3,7");
  }
}
