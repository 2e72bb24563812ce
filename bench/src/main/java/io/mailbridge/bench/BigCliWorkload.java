package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.WORK;
import static io.mailbridge.bench.BenchFiles.deleteTree;
import static io.mailbridge.bench.BenchFiles.fresh;
import static io.mailbridge.bench.ChildJvms.process;
import static io.mailbridge.bench.Measure.settleDisk;
import static io.mailbridge.bench.Stats.ratio;
import static io.mailbridge.bench.Stats.ratioSpread;

import io.mailbridge.testkit.MailStack;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The message with a 200 MiB attachment as a user receives it: {@code ./mailbridge receive} with the
 * launcher's defaults and {@code JAVA_TOOL_OPTIONS=-Xmx64m}, a fresh process per run, timed from
 * start to exit against the raw client in its own {@code -Xmx64m} JVM timed the same way; without
 * {@code --cache-dir} (the attachment hashed) and with it (the attachment stored).
 */
final class BigCliWorkload extends Workloads {
  BigCliWorkload(MailStack stack, int rounds, int peerRounds, Set<String> workloads, Report report) {
    super(stack, rounds, peerRounds, workloads, report);
  }

  void run() throws Exception {
    String folder = Seeding.BIG_FOLDER;
    seedBig();
    double mb = totalMb(folder);
    Launcher launcher = new Launcher(stack);
    launcher.prepare();
    Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-Xmx64m");
    List<String> raw = Launcher.raw(List.of("-Xmx64m"), "raw", folder);
    List<Double> rawS = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> cached = new ArrayList<>();
    List<Double> quickOnly = new ArrayList<>();
    // The launcher's options for the other short commands (C1 only, ChaCha20 first): what the
    // receive's C2 for the JDK's bulk-data methods gains.
    Map<String, String> noLongRun = Map.of("JAVA_TOOL_OPTIONS", "-Xmx64m", "MAILBRIDGE_JAVA_OPTS",
        "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dmailbridge.tls.chacha20First=true -XX:SharedArchiveFile="
        + BenchFiles.ROOT.resolve("cli/target/mailbridge.jsa"));
    // All four in every round, the order rotating, the disk synced before each run: a cold run of a
    // few seconds varies with what else the machine does, so the goal is the median of per-round ratios.
    for (int r = 0; r < cliPairRounds(); r++) {
      for (int k = 0; k < 4; k++) {
        settleDisk();
        switch ((r + k) % 4) {
          case 0 -> rawS.add(process("raw -Xmx64m process", raw, -1));
          case 1 -> ours.add(process("./mailbridge receive", launcher.imap("receive", stack.alice(), "--folder",
              folder), 1, env, null));
          case 3 -> quickOnly.add(process("./mailbridge C1 only", launcher.imap("receive", stack.alice(), "--folder",
              folder), 1, noLongRun, null));
          default -> {
            cached.add(process("./mailbridge --cache-dir", launcher.imap("receive", stack.alice(), "--folder", folder,
                "--cache-dir", fresh(WORK).toString()), 1, env, null));
            deleteTree(WORK.resolve("cache"));
          }
        }
      }
    }
    List<Row> rows = List.of(new Row("raw Java socket client, own JVM `-Xmx64m` (the limit)", rawS, mb, 0, 0),
        new Row("**`./mailbridge receive`**, `JAVA_TOOL_OPTIONS=-Xmx64m`, attachment hashed", ours, mb, 0, 0),
        new Row("`./mailbridge receive --cache-dir`, `JAVA_TOOL_OPTIONS=-Xmx64m`, attachment stored", cached, mb, 0,
            0),
        new Row("`./mailbridge receive` in a C1-only JVM (the other commands' options)",
            quickOnly, mb, 0, 0));
    table(String.format("CLI: one message with a 200 MiB attachment (%.0f MB on the wire), cold process, start to "
        + "exit", mb), "MB/s", rows, 0, 1);
    goal("CLI 200 MiB attachment, cold, -Xmx64m ≥ 0.9× raw speed", ratio(rows.get(0), rows.get(1)), 0.9,
        String.format("per round %s; with --cache-dir %.2f× (per round %s); C1 only %.2f×",
            ratioSpread(rawS, ours), ratio(rows.get(0), rows.get(2)), ratioSpread(rawS, cached),
            ratio(rows.get(0), rows.get(3))));
    chart("200 MiB, CLI cold, -Xmx64m", ratio(rows.get(0), rows.get(1)), 0.9);
    chart("200 MiB, CLI cold, --cache-dir", ratio(rows.get(0), rows.get(2)), Double.NaN);
  }
}
