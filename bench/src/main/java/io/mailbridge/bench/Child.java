package io.mailbridge.bench;

import io.mailbridge.testkit.MailStack;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the {@link Suite} runs in a fresh JVM (cold start, small heaps): {@code raw FOLDER} (or
 * {@code raw-items FOLDER}: the FETCH items a receive asks for), or
 * {@code mailbridge FOLDER CACHE_DIR|none}, or {@code move} (carol's raw {@code UID MOVE}, see
 * {@link MoveBench}). Prints one last line
 * {@code result <messages> <seconds in main> <peak heap MB> <peak RSS MB>}.
 *
 * <p>With {@code -Dbench.stepped=true} the child waits for a line on stdin before each run ({@code go},
 * or {@code exit} to stop) and prints its result line after it, once its JIT compiler is idle: the
 * suite runs two such JVMs in turn, run by run, and a JVM that finished a run does not compile in
 * the background while the other one is timed.
 */
public final class Child {
  private Child() {}

  public static void main(String[] args) throws Exception {
    MailStack stack = MailStack.find().orElseThrow();
    int runs = Integer.getInteger("bench.runs", 1);
    boolean stepped = Boolean.getBoolean("bench.stepped");
    BufferedReader control = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
    for (int run = 0; run < runs; run++) {
      if (stepped && !"go".equals(control.readLine())) {
        return;
      }
      long t0 = System.nanoTime();
      long n = switch (args[0]) {
        case "raw" -> ReceiveBench.rawFetch(stack, args[1]);
        case "raw-items" -> ReceiveBench.rawFetch(stack, args[1], ReceiveBench.RECEIVE_ITEMS);
        case "mailbridge" -> ReceiveBench.mailbridge(stack, args[1],
            args[2].equals("none") ? null : Path.of(args[2]).resolve("run-" + run));
        case "move" -> {
          MoveBench.rawMove(stack, stack.carol());
          yield 0L;
        }
        default -> throw new IllegalArgumentException(args[0]);
      };
      double s = (System.nanoTime() - t0) / 1e9;
      if (stepped) {
        jitIdle();
      }
      System.out.printf("result %d %.4f %.1f %.1f%n", n, s, peakHeapMb(), peakRssMb());
      System.out.flush();
      if (run < runs - 1 && args[0].equals("mailbridge") && !args[2].equals("none")) {
        // Untimed: the next run should not wait on the kernel writing this run's files back.
        deleteTree(Path.of(args[2]).resolve("run-" + run));
      }
    }
  }

  /** Waits until the JIT compiler has spent no time for 200 ms in a row (at most 20 s). */
  private static void jitIdle() throws InterruptedException {
    CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
    long last = jit.getTotalCompilationTime();
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (System.nanoTime() < deadline) {
      Thread.sleep(200);
      long now = jit.getTotalCompilationTime();
      if (now == last) {
        return;
      }
      last = now;
    }
  }

  private static void deleteTree(Path dir) throws java.io.IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  static double peakHeapMb() {
    long peak = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        peak += p.getPeakUsage().getUsed();
      }
    }
    return peak / 1048576.0;
  }

  /** VmHWM: the resident set's high-water mark (Linux). */
  static double peakRssMb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }
}
