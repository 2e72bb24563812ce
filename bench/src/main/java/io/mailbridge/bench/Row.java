package io.mailbridge.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** One client's timings for a workload; {@code units} per run (messages or MB). */
record Row(String client, List<Double> secs, double units, double heapMb, double rssMb) {
  double median() {
    List<Double> s = new ArrayList<>(secs);
    s.sort(Comparator.naturalOrder());
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }
}
