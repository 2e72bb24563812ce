package io.mailbridge.bench.watch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Waiting for the watcher's lines, the percentiles and one report row per workload. */
final class Latency {
  static final String HEADER = "| workload | mean rate msg/s | raw IDLE p50 / p95 / p99 ms | watch p50 / p95 / p99 / max ms "
      + "| lost | goal | met |\n|---|---|---|---|---|---|---|\n";

  private Latency() {}

  static void log(String s) {
    System.err.println(s);
  }

  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  /** "200ms", "1s", "2m" in ms. */
  static long millis(String d) {
    if (d.endsWith("ms")) {
      return Long.parseLong(d.substring(0, d.length() - 2));
    }
    long n = Long.parseLong(d.substring(0, d.length() - 1));
    return switch (d.charAt(d.length() - 1)) {
      case 's' -> n * 1000;
      case 'm' -> n * 60_000;
      default -> throw new IllegalArgumentException("duration " + d);
    };
  }

  /** Waits until the lines of messages {@code from} to {@code to} (exclusive) were read, or the time is up. */
  static void awaitLines(WatchChild w, int from, int to, long timeoutMs, Path dir) throws Exception {
    long end = System.nanoTime() + timeoutMs * 1_000_000L;
    while (System.nanoTime() < end) {
      boolean all = true;
      for (int i = from; i < to && all; i++) {
        all = w.line(i) >= 0;
      }
      if (all) {
        return;
      }
      if (!w.alive()) {
        throw new IllegalStateException("the watcher exited; its stderr: " + Files.readString(dir.resolve("stderr.txt")));
      }
      Thread.sleep(50);
    }
    log("  not all lines of messages " + from + "-" + (to - 1) + " arrived within " + timeoutMs + " ms");
  }

  static String row(String name, List<WatchLatencyBench.Target> targets, List<RawIdle> raw, WatchChild watch,
      long[] done, int first, int n, Goal goal) {
    List<Double> rawMs = new ArrayList<>();
    List<Double> watchMs = new ArrayList<>();
    int lost = 0;
    for (int i = first; i < first + n; i++) {
      int k = i % targets.size();
      long seen = raw.get(k).announced(i / targets.size() + 1);
      if (seen >= 0) {
        rawMs.add((seen - done[i]) / 1e6);
      }
      long line = watch.line(i);
      if (line >= 0) {
        watchMs.add((line - done[i]) / 1e6);
      } else {
        lost++;
      }
    }
    Collections.sort(rawMs);
    Collections.sort(watchMs);
    double rawP99 = pct(rawMs, 99);
    double p99 = pct(watchMs, 99);
    double max = watchMs.isEmpty() ? Double.NaN : watchMs.get(watchMs.size() - 1);
    boolean met = lost == 0 && goal.met(rawP99, p99, max);
    double rate = (n - 1) / ((done[first + n - 1] - done[first]) / 1e9);
    String r = String.format("| %s | %.0f | %.0f / %.0f / %.0f | %.0f / %.0f / %.0f / %.0f | %d | %s | %s |%n", name,
        rate, pct(rawMs, 50), pct(rawMs, 95), rawP99, pct(watchMs, 50), pct(watchMs, 95), p99, max, lost,
        goal.text(), met ? "yes" : "**no**");
    log("  " + r.strip());
    return r;
  }

  /** Nearest-rank percentile of sorted values. */
  static double pct(List<Double> sorted, int p) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.size());
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
  }
}
