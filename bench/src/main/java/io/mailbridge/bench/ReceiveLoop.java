package io.mailbridge.bench;

import io.mailbridge.testkit.MailStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * A/B helper for tuning and profiling (JFR): per round, the raw client then each variant of
 * Mailbridge Receive of {@code bench-receive}, interleaved so that machine noise hits all alike.
 * A variant is {@code <cache base dir or none>:<batchMaxMessages>}; every run gets a fresh cache
 * directory. Prints per-round times and median ratios to raw.
 * Usage: {@code ReceiveLoop rounds variant...}, e.g. {@code ReceiveLoop 7 /tmp:1000 /tmp:100 none:1000}.
 */
public final class ReceiveLoop {
  private ReceiveLoop() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    MailStack stack = MailStack.find().orElseThrow();
    List<String> variants = List.of(args).subList(1, args.length);
    List<Path> dirs = new ArrayList<>();
    for (String v : variants) {
      String base = v.substring(0, v.lastIndexOf(':'));
      dirs.add(base.equals("none") ? null : Files.createTempDirectory(Path.of(base), "receive-loop"));
    }
    List<List<Double>> ratios = new ArrayList<>();
    variants.forEach(v -> ratios.add(new ArrayList<>()));
    for (int r = 0; r < rounds; r++) {
      long t0 = System.nanoTime();
      ReceiveBench.rawFetch(stack);
      double raw = (System.nanoTime() - t0) / 1e9;
      StringBuilder line = new StringBuilder(String.format("round %d: raw %.3f", r, raw));
      for (int i = 0; i < variants.size(); i++) {
        String v = variants.get(i);
        System.setProperty("bench.batchMaxMessages", v.substring(v.lastIndexOf(':') + 1));
        long t1 = System.nanoTime();
        long n = ReceiveBench.mailbridge(stack, dirs.get(i) == null ? null : dirs.get(i).resolve("run-" + r));
        double s = (System.nanoTime() - t1) / 1e9;
        if (n != 10_000 && n != ReceiveBench.count(stack)) {
          throw new IllegalStateException(v + " received " + n);
        }
        line.append(String.format(" | %s %.3f (%.2f)", v, s, raw / s));
        if (r > 0) {
          ratios.get(i).add(raw / s); // round 0 warms up
        }
      }
      System.out.println(line);
    }
    for (int i = 0; i < variants.size(); i++) {
      List<Double> xs = new ArrayList<>(ratios.get(i));
      xs.sort(Comparator.naturalOrder());
      if (!xs.isEmpty()) {
        System.out.printf("%-20s ratio to raw: median %.2f, min %.2f, max %.2f%n", variants.get(i),
            xs.get(xs.size() / 2), xs.get(0), xs.get(xs.size() - 1));
      }
      if (dirs.get(i) != null) {
        try (var files = Files.walk(dirs.get(i))) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }
}
