package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.WORK;
import static io.mailbridge.bench.Measure.check;
import static io.mailbridge.bench.Measure.log;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starting and timing other processes: a {@link Child} JVM for one or several runs, and any command
 * (the CLI launcher, {@code java -version}) timed from start to exit. Cold starts and small heaps
 * can only be measured in a process of their own; {@link Stepped} runs a child run by run.
 */
final class ChildJvms {
  static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();
  static final String CP = System.getProperty("java.class.path");

  private ChildJvms() {}

  /** Runs a child JVM {@link Child} with several runs; returns {wall s, run s, heap MB, RSS MB} per run. */
  static List<double[]> childRuns(String name, List<String> cmd) throws Exception {
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(name + " failed: " + out);
    }
    double wall = (System.nanoTime() - t0) / 1e9;
    List<double[]> runs = new ArrayList<>();
    for (String line : out.lines().filter(l -> l.startsWith("result ")).toList()) {
      String[] r = line.split(" ");
      runs.add(new double[] {wall, Double.parseDouble(r[2]), Double.parseDouble(r[3]), Double.parseDouble(r[4])});
    }
    log(String.format("  %-20s %.3f s, runs %s s in main (heap %.1f MB, RSS %.1f MB)", name, wall,
        runs.stream().map(x -> String.format("%.3f", x[1])).toList(), runs.get(runs.size() - 1)[2],
        runs.get(runs.size() - 1)[3]));
    return runs;
  }

  /** Runs a child JVM {@link Child} once; returns {wall s, main s, heap MB, RSS MB}. */
  static double[] child(String name, List<String> cmd) throws Exception {
    List<double[]> runs = childRuns(name, cmd);
    return runs.get(runs.size() - 1);
  }

  /** Wall time of a process; with {@code lines >= 0}, checks it printed that many stdout lines. */
  static double process(String name, List<String> cmd, long lines) throws Exception {
    return process(name, cmd, lines, Map.of(), null);
  }

  /**
   * Wall time of a process started with {@code env} added to this JVM's environment and stdin read
   * from {@code stdin} (none: {@code null}); with {@code lines >= 0}, checks it printed that many
   * stdout lines.
   */
  static double process(String name, List<String> cmd, long lines, Map<String, String> env, Path stdin)
      throws Exception {
    Path out = Files.createTempFile(WORK, "out", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD);
    // A CLI run journals into the bench's own file, never the user's journal.
    pb.environment().put("MAILBRIDGE_JOURNAL", BenchJournal.scratch().toString());
    pb.environment().putAll(env);
    if (stdin != null) {
      pb.redirectInput(stdin.toFile());
    }
    long t0 = System.nanoTime();
    Process p = pb.start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException(name + " failed (exit " + p.exitValue() + "): " + Files.readString(out));
    }
    double s = (System.nanoTime() - t0) / 1e9;
    if (lines >= 0) {
      try (var l = Files.lines(out)) {
        check(name, l.count(), lines);
      }
    }
    Files.delete(out);
    log(String.format("  %-20s %.3f s", name, s));
    return s;
  }
}
