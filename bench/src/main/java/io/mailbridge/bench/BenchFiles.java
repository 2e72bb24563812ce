package io.mailbridge.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where the suite keeps its files: the repository root it runs from, its scratch directory under
 * {@code bench/target}, a fresh Document Cache directory per run, and removing them again. One
 * place, so every workload cleans up what the others may write.
 */
final class BenchFiles {
  static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
  static final Path WORK = ROOT.resolve("bench/target/suite");
  private static final AtomicInteger RUN = new AtomicInteger();

  private BenchFiles() {}

  static Path fresh(Path base) {
    return base.resolve("cache").resolve("run-" + RUN.incrementAndGet());
  }

  static void deleteTree(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).filter(p -> !p.equals(dir)).forEach(p -> p.toFile().delete());
    }
  }
}
