package io.mailbridge.bench;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The markdown report: the machine it ran on, one table per workload (printed as soon as the
 * workload ends), and the goals with whether each holds. The workloads hand it rows and goal
 * values; it owns the layout, so every table reads the same.
 */
final class Report {
  private final StringBuilder report = new StringBuilder();
  private final List<String> goals = new ArrayList<>();
  private final GoalsChart chart = new GoalsChart();

  /** The report's heading: the machine and how many rounds each client runs. */
  void begin(int rounds, int peerRounds, int coldPairRounds, int moveRounds, int cliPairRounds, String dovecotTz)
      throws Exception {
    report.append("# Mailbridge benchmark results\n\n").append(machine()).append(String.format("Dovecot started "
        + "with TZ %s%s.%n%n", dovecotTz, "unset".equals(dovecotTz) ? " (as Debian's service starts it)" : ""));
    report.append(String.format("Rounds: %d per client (peers marked * : %d), more for the goals' pairs: the warm "
        + "receive at least 21, the cold CLI receive %d, move %d, the CLI's 200 MiB and move %d, the 200 MiB "
        + "message 3 runs of each JVM per round; "
        + "times are medians with the spread (min-max) of the rounds; 'x limit' is throughput relative to the protocol "
        + "limit measured in the same run; 'MB x' is how many times faster Mailbridge is than that client.%n%n", rounds,
        peerRounds, coldPairRounds, moveRounds, cliPairRounds));
  }

  /** Appends the goals and the suite's run time; returns the whole report. */
  String end(long start) {
    report.append("## Goals (BENCHMARKS.md)\n\n");
    report.append("Ratios here are medians of per-round ratios (raw and Mailbridge run seconds apart in each "
        + "round); the tables show ratios of medians.\n\n");
    goals.forEach(g -> report.append("- ").append(g).append('\n'));
    report.append(String.format("%nSuite run time %.0f s, %s.%n", (System.nanoTime() - start) / 1e9,
        LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME).substring(0, 16)));
    return report.toString();
  }

  void table(String title, String unit, List<Row> rows, int limit, int ours) {
    boolean mem = rows.stream().anyMatch(r -> r.heapMb() > 0);
    report.append("## ").append(title).append("\n\n");
    report.append("Load average after the workload: ").append(loadAverage()).append("\n\n");
    report.append("| client | median s | spread s | ").append(unit).append(" | x limit | MB x |")
        .append(mem ? " peak heap MB | peak RSS MB |" : "").append('\n');
    report.append("|---|---|---|---|---|---|").append(mem ? "---|---|" : "").append('\n');
    Row l = rows.get(limit);
    Row o = rows.get(ours);
    for (Row r : rows) {
      report.append(String.format("| %s | %.3f | %.3f-%.3f | %,.1f | %.2f | %s |", r.client(), r.median(),
          Collections.min(r.secs()), Collections.max(r.secs()), r.units() / r.median(), l.median() / r.median(),
          r == o ? "-" : String.format("%.2f", r.median() / o.median())));
      if (mem) {
        report.append(String.format(" %.0f | %.0f |", r.heapMb(), r.rssMb()));
      }
      report.append('\n');
    }
    report.append('\n');
    System.out.print(report.substring(report.lastIndexOf("## ")));
  }

  /**
   * A bar of the goals chart: Mailbridge's throughput relative to the limit of the same run, and the
   * goal as such a ratio (a time goal "≤ 1.25× raw" is "≥ 0.8× raw throughput"; NaN: no goal).
   */
  void chart(String workload, double relative, double goal) {
    chart.add(workload, relative, goal);
  }

  /** Writes the goals chart, when any workload drew a bar; returns whether it did. */
  boolean writeChart(Path png, String title) throws Exception {
    if (chart.isEmpty()) {
      return false;
    }
    chart.write(png, title);
    return true;
  }

  /** A goal: {@code bound > 0} means value ≥ bound, {@code bound < 0} means value ≤ -bound. */
  void goal(String what, double value, double bound, String note) {
    boolean ok = bound > 0 ? value >= bound : value <= -bound;
    goals.add(String.format("%s %s: measured %.2f%s", ok ? "**holds**" : "**MISSED**", what, value,
        note.isEmpty() ? "" : " (" + note + ")"));
  }

  static String loadAverage() {
    try {
      String[] l = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return l[0] + " " + l[1] + " " + l[2] + " (1, 5, 15 min; " + Runtime.getRuntime().availableProcessors()
          + " cores)";
    } catch (Exception e) {
      return "?";
    }
  }

  static String machine() throws Exception {
    String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
        .findFirst().map(l -> l.substring(l.indexOf(':') + 2)).orElse("?");
    long memKb = Long.parseLong(Files.readAllLines(Path.of("/proc/meminfo")).get(0).replaceAll("[^0-9]", ""));
    String load = Files.readString(Path.of("/proc/loadavg")).strip();
    return String.format("Machine: %d cores (%s), %.1f GB RAM, %s %s (%s), %s; load average at start %s; "
        + "Dovecot %s, Postfix %s on loopback.%n", Runtime.getRuntime().availableProcessors(), cpu, memKb / 1048576.0,
        System.getProperty("java.vm.name"), System.getProperty("java.version"), System.getProperty("os.arch"),
        System.getProperty("os.name") + " " + System.getProperty("os.version"), load, version("dovecot", "--version"),
        version("postconf", "-d", "-h", "mail_version"));
  }

  static String version(String... cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      p.waitFor();
      return out.split("\\s")[0];
    } catch (Exception e) {
      return "?";
    }
  }
}
