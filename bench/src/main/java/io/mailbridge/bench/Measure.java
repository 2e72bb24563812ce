package io.mailbridge.bench;

import java.util.concurrent.TimeUnit;

/**
 * Timing one client's run inside this JVM: the warm-up until the JIT compiler has settled, the
 * disk flush between rounds, the timed run with its count check, and the progress log. Every
 * workload times its clients through here so they are all measured the same way.
 */
final class Measure {
  private Measure() {}

  interface Timed {
    Object run() throws Exception;
  }

  interface Counted {
    long run() throws Exception;
  }

  /**
   * Runs the clients in turn until the JIT has settled: a round of all of them spent less than 3%
   * of its time compiling (at least 3 rounds, at most 40). Warm means the steady state of a
   * long-running service; the first rounds of a JVM measure the compiler (C2 reaches the TLS
   * decryption's caller only after several full receives), which hits a client with more code
   * harder than the raw one.
   */
  static void warmUp(Counted... clients) throws Exception {
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    for (int r = 1; r <= 40; r++) {
      long c0 = jit.getTotalCompilationTime();
      long t0 = System.nanoTime();
      for (Counted c : clients) {
        c.run();
      }
      double roundMs = (System.nanoTime() - t0) / 1e6;
      long compiledMs = jit.getTotalCompilationTime() - c0;
      if (r >= 3 && compiledMs < 0.03 * roundMs) {
        log(String.format("  warm after %d rounds (last: %.0f ms, %d ms compiling)", r, roundMs, compiledMs));
        return;
      }
      if (r == 40) {
        log(String.format("  JIT still busy after %d rounds (last: %.0f ms, %d ms compiling)", r, roundMs, compiledMs));
      }
    }
  }

  /**
   * Flushes what the previous round wrote to disk (the cache variants create thousands of files)
   * outside the timed runs, so the kernel's write-back does not land in the next client's time.
   */
  static void settleDisk() throws Exception {
    new ProcessBuilder("sync").inheritIO().start().waitFor(2, TimeUnit.MINUTES);
  }

  static double time(String name, long n, Counted c) throws Exception {
    long t0 = System.nanoTime();
    long got = c.run();
    double s = (System.nanoTime() - t0) / 1e9;
    check(name, got, n);
    log(String.format("  %-20s %.3f s", name, s));
    return s;
  }

  static double timed(String name, Timed t) throws Exception {
    long t0 = System.nanoTime();
    Object o = t.run();
    double s = o instanceof Double inner ? inner : (System.nanoTime() - t0) / 1e9; // a child's own timing
    log(String.format("  %-20s %.3f s", name, s));
    return s;
  }

  static void check(String name, long got, long n) {
    if (got != n) {
      throw new IllegalStateException(name + " got " + got + ", expected " + n);
    }
  }

  static void log(String s) {
    System.out.println(s);
  }
}
