package io.mailbridge.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * The statistics of the report: how many times faster one client is than another, from the
 * per-round timings, and the spread of those ratios. Kept apart from the report's layout so the
 * goals and the tables compute ratios the same way.
 */
final class Stats {
  private Stats() {}

  /**
   * How many times faster {@code b} is than {@code a}: with the same number of rounds, the median
   * of the per-round ratios (each from two runs seconds apart, so load swings cancel); else the
   * ratio of the medians.
   */
  static double ratio(Row a, Row b) {
    if (a.secs().size() != b.secs().size()) {
      return a.median() / b.median();
    }
    List<Double> r = new ArrayList<>();
    for (int i = 0; i < a.secs().size(); i++) {
      r.add(a.secs().get(i) / b.secs().get(i));
    }
    return new Row("", r, 0, 0, 0).median();
  }

  static String ratioSpread(List<Double> limit, List<Double> ours) {
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (int i = 0; i < Math.min(limit.size(), ours.size()); i++) {
      lo = Math.min(lo, limit.get(i) / ours.get(i));
      hi = Math.max(hi, limit.get(i) / ours.get(i));
    }
    return String.format("%.2f-%.2f", lo, hi);
  }
}
