package io.mailbridge.move.internal;

import java.util.ArrayList;
import java.util.List;

/** UID sets cut for one command each. */
final class Batches {
  private Batches() {}

  // RFC 7162 4: clients should keep command lines under 8,192 octets; scattered UIDs need the guard.
  static final int MAX_SET_CHARS = 8_000;

  /** Sorted UIDs cut into batches of at most {@code size} UIDs whose UID set fits {@link #MAX_SET_CHARS}. */
  static List<List<Long>> of(List<Long> uids, int size) {
    List<List<Long>> out = new ArrayList<>();
    int start = 0;
    int chars = 0;
    long prev = -2;
    for (int i = 0; i < uids.size(); i++) {
      long u = uids.get(i);
      // Upper bound of what u adds to the set: ",u" for a new run, ":u" when it extends one.
      int add = Long.toString(u).length() + 1;
      if (i > start && (i - start == size || chars + add > MAX_SET_CHARS)) {
        out.add(uids.subList(start, i));
        start = i;
        chars = 0;
      }
      chars += (u == prev + 1 && i > start) ? 0 : add + Long.toString(u).length() + 1;
      prev = u;
    }
    if (start < uids.size()) {
      out.add(uids.subList(start, uids.size()));
    }
    return out;
  }
}
