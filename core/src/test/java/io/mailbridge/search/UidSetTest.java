package io.mailbridge.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  @Test
  void aServersSetIsExpandedInItsOwnOrder() {
    // COPYUID pairs source and target by position: the order is the server's, each range ascending.
    assertThat(UidSet.expand("304,319:320", 100)).containsExactly(304L, 319L, 320L);
    assertThat(UidSet.expand("10,2,7:5", 100)).containsExactly(10L, 2L, 5L, 6L, 7L);
    assertThat(UidSet.expand("1:10000", 10_000)).hasSize(10_000).startsWith(1L).endsWith(10_000L);
  }

  @Test
  void aMalformedOrOversizedServerSetIsRefused() {
    for (String bad : List.of("", ",", "1,", ",1", "1,,2", "1:", ":2", "a", "1:b", "1 2")) {
      assertThatThrownBy(() -> UidSet.expand(bad, 100)).as(bad).isInstanceOf(NumberFormatException.class);
    }
    // The bound holds for one range and for many small parts alike, before anything large is built.
    assertThatThrownBy(() -> UidSet.expand("1:4294967295", 10_000_000)).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> UidSet.expand("1:60,70:120", 100)).isInstanceOf(NumberFormatException.class);
    assertThatThrownBy(() -> UidSet.expand("1,2,3,4", 3)).isInstanceOf(NumberFormatException.class);
    assertThat(UidSet.expand("1,2,3", 3)).containsExactly(1L, 2L, 3L);
    assertThat(UidSet.expand("1:50,51:100", 100)).hasSize(100);
  }
}
