package io.mailbridge.move.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.search.UidSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BatchesTest {

  @Test
  void contiguousUidsAreCutByCountOnly() {
    List<Long> uids = LongStream.rangeClosed(1, 10_000).boxed().toList();
    List<List<Long>> b = Batches.of(uids, 5000);
    assertThat(b).hasSize(2);
    assertThat(UidSet.format(b.get(0))).isEqualTo("1:5000");
    assertThat(UidSet.format(b.get(1))).isEqualTo("5001:10000");
  }

  @Test
  void scatteredUidsAreCutBeforeTheSetExceedsTheLineBudget() {
    List<Long> uids = new ArrayList<>();
    for (long u = 4_000_000_000L; uids.size() < 5000; u += 2) {
      uids.add(u);
    }
    List<List<Long>> b = Batches.of(uids, 5000);
    assertThat(b.size()).isGreaterThan(1);
    assertThat(b).allSatisfy(x -> assertThat(UidSet.format(x).length()).isLessThanOrEqualTo(Batches.MAX_SET_CHARS));
    assertThat(b.stream().mapToInt(List::size).sum()).isEqualTo(5000);
  }

  @Test
  void mixedRangesKeepEveryUidOnce() {
    List<Long> uids = List.of(1L, 2L, 3L, 7L, 9L, 10L, 11L);
    List<List<Long>> b = Batches.of(uids, 3);
    assertThat(b).containsExactly(List.of(1L, 2L, 3L), List.of(7L, 9L, 10L), List.of(11L));
  }
}
