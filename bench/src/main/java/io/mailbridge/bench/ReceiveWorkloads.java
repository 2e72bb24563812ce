package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.ROOT;
import static io.mailbridge.bench.BenchFiles.WORK;
import static io.mailbridge.bench.BenchFiles.deleteTree;
import static io.mailbridge.bench.BenchFiles.fresh;
import static io.mailbridge.bench.ChildJvms.CP;
import static io.mailbridge.bench.ChildJvms.JAVA;
import static io.mailbridge.bench.ChildJvms.child;
import static io.mailbridge.bench.ChildJvms.process;
import static io.mailbridge.bench.Measure.log;
import static io.mailbridge.bench.Measure.settleDisk;
import static io.mailbridge.bench.Measure.time;
import static io.mailbridge.bench.Measure.timed;
import static io.mailbridge.bench.Measure.warmUp;
import static io.mailbridge.bench.Stats.ratio;
import static io.mailbridge.bench.Stats.ratioSpread;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.TestMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The receive workloads: 10,000 small messages in a warm JVM (with and without the Document Cache,
 * against the peers) and from a cold process start through the CLI, 500 messages of 200 KB, and
 * one message with a 200 MiB attachment under a 64 MB heap. Each measures the raw protocol client
 * as the limit in the same rounds as Mailbridge.
 */
final class ReceiveWorkloads extends Workloads {
  /** Rounds of the warm receive's goal pair (raw, Mailbridge), at least. */
  static final int WARM_PAIR_ROUNDS = 21;

  /** Runs of the big message per JVM; from {@link #SERVICE_RUN} on they are timed as a running service's. */
  static final int BIG_RUNS = 6;

  /**
   * The first run counted as a running service's: runs 2-3 of a fresh JVM still pay for the JIT
   * recompiling the TLS, socket and MIME code it compiled during run 1 (seen with
   * {@code -XX:+PrintCompilation}: methods made not entrant and compiled again at the start of run 3).
   */
  static final int SERVICE_RUN = 4;

  ReceiveWorkloads(MailStack stack, int rounds, int peerRounds, Set<String> workloads, Report report) {
    super(stack, rounds, peerRounds, workloads, report);
  }

  void receiveWarm() throws Exception {
    String folder = ReceiveBench.FOLDER;
    int n = 10_000;
    seedBulk(folder, n);
    Path shm = Path.of("/dev/shm");
    Path mem = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "mb-suite") : null;
    log("receive 10k: warm-up");
    warmUp(() -> ReceiveBench.rawFetch(stack, folder), () -> ReceiveBench.mailbridge(stack, folder, null));
    List<Double> raw = new ArrayList<>();
    List<Double> mb = new ArrayList<>();
    List<Double> rawB = new ArrayList<>();
    List<Double> mbDisk = new ArrayList<>();
    List<Double> mbTmp = new ArrayList<>();
    List<Double> mbMem = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    List<Double> rawItems = new ArrayList<>();
    // The goal's pair first, on its own: the cache variants' writes (and the kernel writing them back)
    // and their code paths (other call-site profiles, recompiles) are not in its rounds. A round is
    // short and the raw client alone varies from round to round, so the pair runs more rounds than
    // the suite's --rounds: a median of a few rounds moves too much between runs to judge the goal.
    // Who goes first alternates: the one right after `sync` and the one after the other's run (its
    // garbage, its socket teardown on the server) swap places every round.
    for (int r = 0; r < Math.max(rounds, WARM_PAIR_ROUNDS); r++) {
      settleDisk();
      if (r % 2 == 0) {
        raw.add(time("raw", n, () -> ReceiveBench.rawFetch(stack, folder)));
        mb.add(time("mailbridge", n, () -> ReceiveBench.mailbridge(stack, folder, null)));
      } else {
        mb.add(time("mailbridge", n, () -> ReceiveBench.mailbridge(stack, folder, null)));
        raw.add(time("raw", n, () -> ReceiveBench.rawFetch(stack, folder)));
      }
    }
    // The cache variants run code the default does not (the Document Cache): compile it too, then
    // let the JIT settle again, so no timed round pays for compiling or recompiling shared code. After
    // the goal's rounds: their code paths change the profiles the JIT compiled the default path with.
    Path tmp = Files.createTempDirectory("mb-suite"); // /tmp: its file system may create files at another speed
    for (int i = 0; i < 2; i++) {
      ReceiveBench.mailbridge(stack, folder, fresh(WORK));
      ReceiveBench.mailbridge(stack, folder, fresh(tmp));
      if (mem != null) {
        ReceiveBench.mailbridge(stack, folder, fresh(mem));
        deleteTree(mem);
      }
      deleteTree(WORK);
      deleteTree(tmp);
    }
    warmUp(() -> ReceiveBench.rawFetch(stack, folder), () -> ReceiveBench.mailbridge(stack, folder, null));
    for (int r = 0; r < rounds; r++) {
      settleDisk();
      // The two raw clients side by side, who goes first alternating: the server's cost of the items.
      if (r % 2 == 0) {
        rawB.add(time("raw", n, () -> ReceiveBench.rawFetch(stack, folder)));
      }
      rawItems.add(time("raw, receive's items", n, () -> ReceiveBench.rawFetch(stack, folder,
          ReceiveBench.RECEIVE_ITEMS)));
      if (r % 2 != 0) {
        rawB.add(time("raw", n, () -> ReceiveBench.rawFetch(stack, folder)));
      }
      mbDisk.add(time("mailbridge cache", n, () -> ReceiveBench.mailbridge(stack, folder, fresh(WORK))));
      mbTmp.add(time("mailbridge /tmp", n, () -> ReceiveBench.mailbridge(stack, folder, fresh(tmp))));
      if (mem != null) {
        mbMem.add(time("mailbridge tmpfs", n, () -> ReceiveBench.mailbridge(stack, folder, fresh(mem))));
      }
      py.add(timed("python imaplib", () -> Peers.imaplib(stack, folder, n)));
      deleteTree(WORK);
      deleteTree(tmp);
      if (mem != null) {
        deleteTree(mem);
      }
    }
    List<Row> rows = new ArrayList<>();
    rows.add(new Row("raw Java socket, one `UID FETCH 1:* BODY.PEEK[]` (the limit)", raw, n, 0, 0));
    rows.add(new Row("**Mailbridge Receive**, tracked properties, attachments hashed (CLI default)", mb, n, 0, 0));
    rows.add(new Row("**Mailbridge Receive** + Document Cache on disk (bench/target)", mbDisk, n, 0, 0));
    rows.add(new Row("Mailbridge Receive + Document Cache in /tmp", mbTmp, n, 0, 0));
    if (mem != null) {
      rows.add(new Row("Mailbridge Receive + Document Cache on tmpfs", mbMem, n, 0, 0));
    }
    rows.add(new Row("Python imaplib, one `UID FETCH 1:*`, nothing parsed", py, n, 0, 0));
    Row items = new Row("raw Java socket, `UID FETCH 1:* " + ReceiveBench.RECEIVE_ITEMS + "` (what a receive asks "
        + "the server for), nothing parsed", rawItems, n, 0, 0);
    rows.add(items);
    List<Double> naive = new ArrayList<>();
    for (int r = 0; r < peerRounds; r++) {
      naive.add(time("naive jakarta", n, () -> ReceiveBench.naiveJakarta(stack, folder)));
    }
    rows.add(new Row("Jakarta Mail naive loop (getMessages + getContent) *", naive, n, 0, 0));
    Row camelDefault = null;
    if (workloads.contains("camel")) {
      List<Double> cd = new ArrayList<>();
      List<Double> cb = new ArrayList<>();
      for (int r = 0; r < peerRounds; r++) {
        cd.add(timed("camel defaults", () -> Peers.camel(stack, folder, n, Peers.CAMEL_DEFAULTS)));
        cb.add(timed("camel best", () -> Peers.camel(stack, folder, n, Peers.CAMEL_BEST)));
      }
      camelDefault = new Row("Apache Camel 4.22 mail consumer, defaults *", cd, n, 0, 0);
      rows.add(camelDefault);
      rows.add(new Row("Apache Camel 4.22 mail consumer, best settings (`" + Peers.CAMEL_BEST + "`) *", cb, n, 0, 0));
    }
    if (mem != null) {
      deleteTree(mem);
    }
    deleteTree(tmp);
    table("Receive 10,000 × ~4.3 KB (every 10th with a 2 KB attachment), warm JVM", "msg/s", rows, 0, 1);
    Row ours = rows.get(1);
    Row disk = rows.get(2);
    Row rawRounds = new Row("raw", rawB, n, 0, 0);
    goal("receive warm, library ≥ 0.8× raw", ratio(rows.get(0), ours), 0.8,
        String.format("%d rounds, per round %s; with the cache on disk %.2f× (per round %s), on tmpfs %.2f×; the raw "
            + "client asking for the receive's FETCH items %.2f× (per round %s)", mb.size(), ratioSpread(raw, mb),
            ratio(rawRounds, disk), ratioSpread(rawB, mbDisk), mem == null ? Double.NaN : ratio(rawRounds, rows.get(4)),
            ratio(rawRounds, items), ratioSpread(rawB, rawItems)));
    chart("receive 10k, library, warm", ratio(rows.get(0), ours), 0.8);
    Row naiveRow = rows.stream().filter(x -> x.client().startsWith("Jakarta")).findFirst().orElseThrow();
    goal("receive ≥ 5× the naive Jakarta loop", ratio(naiveRow, ours), 5, "");
    if (camelDefault != null) {
      goal("receive ≥ 25× Camel with defaults", ratio(camelDefault, ours), 25, "");
    }
  }

  void receiveCold() throws Exception {
    String folder = ReceiveBench.FOLDER;
    int n = 10_000;
    seedBulk(folder, n);
    Path jar = ROOT.resolve("cli/target/mailbridge.jar");
    Path pw = Files.writeString(WORK.resolve("alice.pw"), stack.alice().password());
    List<String> args = List.of("receive", "--imap-host", stack.host(), "--imap-port",
        String.valueOf(stack.imapsPort()), "--ca-file", stack.caFile(), "--user", stack.alice().user(),
        "--password-file", pw.toString(), "--folder", folder);
    List<String> launcher = new ArrayList<>(List.of(ROOT.resolve("mailbridge").toString()));
    launcher.addAll(args);
    List<String> plainJar = new ArrayList<>(List.of(JAVA, "-jar", jar.toString()));
    plainJar.addAll(args);
    // The launcher makes its class-data archive once per build; not part of any timing.
    process("launcher first run", List.of(ROOT.resolve("mailbridge").toString(), "--version"), -1);
    List<Double> raw = new ArrayList<>();
    List<Double> mb = new ArrayList<>();
    List<Double> mbJar = new ArrayList<>();
    List<Double> mbCache = new ArrayList<>();
    List<Double> mbNoJournal = new ArrayList<>();
    List<Double> rawItems = new ArrayList<>();
    // The goal pair (raw, launcher) runs more rounds than the others: a cold run varies a lot, and
    // a median of few rounds moves too much between runs of the same build. Who goes first
    // alternates, the disk is synced before each pair; the other variants run in the first rounds.
    List<String> rawCmd = List.of(JAVA, "-cp", CP, Child.class.getName(), "raw", folder);
    List<String> rawItemsCmd = List.of(JAVA, "-cp", CP, Child.class.getName(), "raw-items", folder);
    // Each variant journals into its own copy of the bench's full journal, never the user's.
    Map<String, String> journal = BenchJournal.copyFor("cold-launcher");
    Map<String, String> jarJournal = BenchJournal.copyFor("cold-jar");
    Map<String, String> cacheJournal = BenchJournal.copyFor("cold-cache");
    for (int r = 0; r < coldPairRounds(); r++) {
      settleDisk();
      if (r % 2 == 0) {
        raw.add(child("raw cold JVM", rawCmd)[0]);
        mb.add(process("./mailbridge receive", launcher, n, journal, null));
      } else {
        mb.add(process("./mailbridge receive", launcher, n, journal, null));
        raw.add(child("raw cold JVM", rawCmd)[0]);
      }
      if (r < rounds) {
        mbJar.add(process("java -jar receive", plainJar, n, jarJournal, null));
        List<String> withCache = new ArrayList<>(launcher);
        withCache.addAll(List.of("--cache-dir", fresh(WORK).toString()));
        mbCache.add(process("CLI receive cache", withCache, n, cacheJournal, null));
        deleteTree(WORK.resolve("cache"));
        List<String> noJournal = new ArrayList<>(launcher);
        noJournal.addAll(List.of("--journal", "off"));
        mbNoJournal.add(process("CLI receive, no journal", noJournal, n));
        rawItems.add(child("raw cold JVM, receive's items", rawItemsCmd)[0]);
      }
    }
    List<Row> rows = List.of(new Row("raw Java socket client, fresh JVM (the limit)", raw, n, 0, 0),
        new Row("**`./mailbridge receive`** (launcher defaults, journal on), JSON Lines to a file", mb, n, 0, 0),
        new Row("`java -jar mailbridge.jar receive` (JVM defaults)", mbJar, n, 0, 0),
        new Row("`./mailbridge receive --cache-dir` (disk)", mbCache, n, 0, 0),
        new Row("`./mailbridge receive --journal off`", mbNoJournal, n, 0, 0),
        new Row("raw Java socket client, fresh JVM, `UID FETCH 1:* " + ReceiveBench.RECEIVE_ITEMS + "` (what a "
            + "receive asks the server for)", rawItems, n, 0, 0));
    table("Receive 10,000 × ~4.3 KB, cold: process start to exit", "msg/s", rows, 0, 1);
    goal("CLI cold receive ≤ 1.25× raw cold-JVM time", 1 / ratio(rows.get(0), rows.get(1)), -1.25,
        String.format("JVM defaults %.2f×, with --cache-dir %.2f×, --journal off %.2f×; the raw client asking for the "
            + "receive's FETCH items %.2f×", 1 / ratio(rows.get(0), rows.get(2)), 1 / ratio(rows.get(0), rows.get(3)),
            1 / ratio(rows.get(0), rows.get(4)), 1 / ratio(rows.get(0), rows.get(5))));
    chart("receive 10k, CLI cold", ratio(rows.get(0), rows.get(1)), 1 / 1.25);
  }

  void receive200k() throws Exception {
    String folder = "bench-receive-200k";
    int n = 500;
    if (count(folder) != n) {
      log("seeding " + n + " × 200 KB into " + folder);
      stack.resetFolder(stack.alice(), folder);
      Random random = new Random(7);
      List<byte[]> messages = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        byte[] att = new byte[150 * 1024]; // base64 on the wire: 4/3 of it
        random.nextBytes(att);
        messages.add(TestMessages.withAttachment("bench@example.com", stack.alice().user(), "200k " + i,
            "report-" + i + ".pdf", att));
      }
      try (ImapSeeder s = seeder()) {
        s.append(folder, messages, "");
      }
    }
    double mb = totalMb(folder);
    ReceiveBench.rawFetch(stack, folder);
    ReceiveBench.mailbridge(stack, folder, fresh(WORK));
    List<Double> raw = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      settleDisk();
      raw.add(time("raw", n, () -> ReceiveBench.rawFetch(stack, folder)));
      ours.add(time("mailbridge cache", n, () -> ReceiveBench.mailbridge(stack, folder, fresh(WORK))));
      py.add(timed("python imaplib", () -> Peers.imaplib(stack, folder, n)));
      deleteTree(WORK);
    }
    List<Double> naive = new ArrayList<>();
    for (int r = 0; r < peerRounds; r++) {
      naive.add(time("naive jakarta", n, () -> ReceiveBench.naiveJakarta(stack, folder)));
    }
    table(String.format("Receive 500 × 200 KB with attachments (%.0f MB), attachments into the Document Cache on "
        + "disk, warm JVM", mb), "MB/s", List.of(new Row("raw Java socket (the limit)", raw, mb, 0, 0),
        new Row("**Mailbridge Receive** + Document Cache", ours, mb, 0, 0),
        new Row("Python imaplib, nothing parsed", py, mb, 0, 0),
        new Row("Jakarta Mail naive loop (attachments read, not stored) *", naive, mb, 0, 0)), 0, 1);
  }

  void big() throws Exception {
    String folder = Seeding.BIG_FOLDER;
    seedBig();
    double mb = totalMb(folder);
    List<Double> raw = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> rawFresh = new ArrayList<>();
    List<Double> oursFresh = new ArrayList<>();
    double[] rawPeak = new double[2];
    double[] ourPeak = new double[2];
    // Each client in its own JVM with -Xmx64m receives the message BIG_RUNS times: run 1 is a fresh
    // JVM, runs SERVICE_RUN.. a JVM that has received it before (a running service). Both JVMs live
    // side by side and take turns run by run (who goes first alternates), so each pair of runs is
    // timed seconds apart under the same load of this shared machine.
    for (int r = 0; r < rounds; r++) {
      settleDisk();
      List<String> rawCmd = List.of(JAVA, "-Xmx64m", "-Dbench.runs=" + BIG_RUNS, "-Dbench.stepped=true", "-cp", CP,
          Child.class.getName(), "raw", folder);
      List<String> ourCmd = List.of(JAVA, "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-Dbench.runs=" + BIG_RUNS,
          "-Dbench.stepped=true", "-cp", CP, Child.class.getName(), "mailbridge", folder, fresh(WORK).toString());
      try (Stepped a = new Stepped("raw -Xmx64m", rawCmd); Stepped b = new Stepped("mailbridge -Xmx64m", ourCmd)) {
        for (int run = 1; run <= BIG_RUNS; run++) {
          double[] ra;
          double[] rb;
          if ((r + run) % 2 == 0) {
            ra = a.run();
            rb = b.run();
          } else {
            rb = b.run();
            ra = a.run();
          }
          if (run == 1) {
            rawFresh.add(ra[1]);
            oursFresh.add(rb[1]);
          } else if (run >= SERVICE_RUN) {
            raw.add(ra[1]);
            ours.add(rb[1]);
          }
          rawPeak = new double[] {Math.max(rawPeak[0], ra[2]), Math.max(rawPeak[1], ra[3])};
          ourPeak = new double[] {Math.max(ourPeak[0], rb[2]), Math.max(ourPeak[1], rb[3])};
        }
        log(String.format("  raw runs %s s, mailbridge runs %s s", a.times(), b.times()));
      }
      deleteTree(WORK.resolve("cache"));
    }
    List<Row> rows = List.of(
        new Row("raw Java socket, -Xmx64m (the limit), runs " + SERVICE_RUN + "-" + BIG_RUNS + " in its JVM", raw,
            mb, rawPeak[0], rawPeak[1]),
        new Row("**Mailbridge Receive** into the Document Cache, -Xmx64m, runs " + SERVICE_RUN + "-" + BIG_RUNS
            + " in its JVM", ours, mb, ourPeak[0], ourPeak[1]),
        new Row("raw Java socket, -Xmx64m, fresh JVM (run 1)", rawFresh, mb, 0, 0),
        new Row("Mailbridge Receive into the Document Cache, -Xmx64m, fresh JVM (run 1)", oursFresh, mb, 0, 0));
    table(String.format("One message with a 200 MiB attachment (%.0f MB on the wire), -Xmx64m, each run timed "
        + "inside main; peaks over all runs of the JVM (heap: the sum of each pool's peak)", mb), "MB/s", rows, 0, 1);
    goal("200 MiB attachment with -Xmx64m ≥ 0.9× raw", ratio(rows.get(0), rows.get(1)), 0.9,
        String.format("in a JVM that received it before; a fresh JVM %.2f×, per round %s", ratio(rows.get(2),
            rows.get(3)), ratioSpread(rawFresh, oursFresh)));
    chart("200 MiB, library, -Xmx64m, running JVM", ratio(rows.get(0), rows.get(1)), 0.9);
    goal("200 MiB attachment: peak RSS ≤ 200 MB", rows.get(1).rssMb(), -200, "MB");
  }
}
