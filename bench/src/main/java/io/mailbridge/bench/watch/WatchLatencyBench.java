package io.mailbridge.bench.watch;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import javax.net.ssl.SSLContext;

/**
 * How soon {@code ./mailbridge watch} hands new mail over: from the server accepting a message (IMAP
 * APPEND answered, or SMTP through Postfix accepted) to its JSON line on the watcher's standard
 * output, beside a raw IDLE client's time to {@code * n EXISTS} for the same message in the same run.
 *
 * <p>Workloads: one folder with IDLE (APPEND at several arrival rates; SMTP delivery), one folder
 * polled ({@code --no-idle}), many folders of one account on a few connections
 * ({@code --folder} repeated, {@code --max-connections}), many mailboxes under a per-server
 * connection budget ({@code --mailboxes}, {@code --server-connections}), and the heap each watched mailbox costs in a
 * library Listener ({@link WatchMemory}). Arrivals are independent (Poisson: random gaps with the
 * given mean), so they never fall in step with the server's own notification timer. The watcher is warmed up with a few messages first (a
 * watcher runs for days); they are not counted. Each folder is emptied before its run.
 *
 * <pre>{@code
 * ./mvnw -q -B -pl cli,bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/cp.txt)" -Dbench.root=$PWD \
 *     io.mailbridge.bench.watch.WatchLatencyBench [--messages 1000] [--intervals 500,100,20]
 *     [--only idle,smtp,poll,folders,fleet,memory] [--fleet 100] [--folders 100] [--budget 10]
 *     [--fleet-budgets 10,100] [--fleet-poll 200ms] [--poll 1s]
 * }</pre>
 */
public final class WatchLatencyBench {
  static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
  static final Path WORK = ROOT.resolve("bench/target/watch-latency");

  private static final int MAX_PROBES = 240;
  private final MailStack stack;
  private final SSLContext tls;
  private final StringBuilder md = new StringBuilder();
  /** What to say below the table about rows already in it. */
  private final List<String> notes = new ArrayList<>();
  private int run;

  private WatchLatencyBench(MailStack stack) throws Exception {
    this.stack = stack;
    this.tls = stack.trustingContext();
  }

  public static void main(String[] args) throws Exception {
    int messages = 1000;
    List<Integer> intervals = List.of(500, 100, 20);
    Set<String> only = new LinkedHashSet<>(List.of("idle", "smtp", "poll", "folders", "fleet", "memory"));
    int fleet = 100;
    int folders = 100;
    int budget = 10;
    List<Integer> fleetBudgets = null;
    String fleetPoll = "200ms";
    String poll = "1s";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--messages" -> messages = Integer.parseInt(args[++i]);
        case "--intervals" -> intervals = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
        case "--only" -> only.retainAll(List.of(args[++i].split(",")));
        case "--fleet" -> fleet = Integer.parseInt(args[++i]);
        case "--folders" -> folders = Integer.parseInt(args[++i]);
        case "--budget" -> budget = Integer.parseInt(args[++i]);
        case "--fleet-budgets" -> fleetBudgets = List.of(args[++i].split(",")).stream().map(Integer::parseInt).toList();
        case "--fleet-poll" -> fleetPoll = args[++i];
        case "--poll" -> poll = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException(
        "the mail stack is not running: scripts/mailstack start"));
    Files.createDirectories(WORK);
    WatchLatencyBench b = new WatchLatencyBench(stack);
    b.md.append("## Watch latency: new mail to JSON line (`./mailbridge watch`) beside a raw IDLE client\n\n")
        .append(LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES)).append(", ").append(messages)
        .append(" messages per row (after warm-up), load average before: ").append(Latency.loadAverage())
        .append("\n\n").append(Latency.HEADER);
    MailStack.User carol = stack.carol();
    if (only.contains("idle")) {
      for (int ms : intervals) {
        b.scenario("1 folder, IDLE, APPEND, " + ms + " ms apart on average", List.of(Target.append(carol, "wl-idle")),
            List.of(), messages, ms, Goal.IDLE);
      }
    }
    if (only.contains("smtp")) {
      MailStack.User bob = stack.bob();
      for (int ms : intervals) {
        if (ms >= 100) {
          b.scenario("1 folder (INBOX), IDLE, SMTP through Postfix, " + ms + " ms apart on average",
              List.of(Target.smtp(bob)), List.of(), messages, ms, Goal.IDLE);
        }
      }
    }
    if (only.contains("poll")) {
      b.scenario("1 folder, polling (`--no-idle --poll " + poll + "`), APPEND, 100 ms apart on average",
          List.of(Target.append(carol, "wl-poll")), List.of("--no-idle", "--poll", poll), Math.min(messages, 300),
          100, Goal.poll(Latency.millis(poll)));
    }
    if (only.contains("folders")) {
      // One account, many folders: the connections need no login per look, only the budget.
      List<Target> targets = java.util.stream.IntStream.range(0, folders)
          .mapToObj(i -> Target.append(carol, String.format("wl-folder-%03d", i))).toList();
      b.scenario("1 account, " + folders + " folders, `--max-connections " + budget + " --poll " + fleetPoll
          + "`, APPEND round robin, 20 ms apart on average", targets, List.of("--max-connections",
          String.valueOf(budget), "--poll", fleetPoll), messages, 20, Goal.FLEET);
    }
    if (only.contains("fleet")) {
      List<MailStack.User> users = FleetUsers.ensure(stack, fleet);
      List<Target> targets = users.stream().map(u -> Target.append(u, "INBOX")).toList();
      // The small budget (accounts take turns) and one connection per account (each in IDLE).
      List<Integer> budgets = fleetBudgets != null ? fleetBudgets : List.of(budget, fleet);
      for (int fb : budgets) {
        b.scenario(fleet + " mailboxes, `--server-connections " + fb + " --poll " + fleetPoll
            + "`, APPEND round robin, 20 ms apart on average", targets, List.of("--server-connections",
            String.valueOf(fb), "--poll", fleetPoll), messages, 20, Goal.FLEET);
      }
      b.notes();
      for (int fb : budgets) {
        if (fb >= fleet) {
          continue; // no turns to take
        }
        // What the server itself takes to let every account be looked at once on the budget's connections.
        List<Double> rounds = new java.util.ArrayList<>();
        for (int r = 0; r < 3; r++) {
          rounds.add(RawTurns.roundMillis(b.tls, stack, users, fb));
        }
        b.md.append("\nRaw turns (the server's limit for taking turns): a round of login + STATUS + LOGOUT over the ")
            .append(fleet).append(" accounts on ").append(fb).append(" TLS connections at once (sessions resumed) took ")
            .append(rounds.stream().map(ms -> String.format("%.0f", ms)).toList()).append(" ms, load average after: ")
            .append(Latency.loadAverage()).append("\n");
      }
    }
    b.notes();
    if (only.contains("memory")) {
      b.md.append("\n").append(WatchMemory.measure(stack, FleetUsers.ensure(stack, fleet), budget, WORK));
    }
    System.out.println(b.md);
    Files.createDirectories(ROOT.resolve("bench/results"));
    Files.writeString(ROOT.resolve("bench/results/watch-latency.md"), b.md.toString());
  }

  /** What receives the messages of a run: a mailbox's folder, fed by APPEND or by SMTP (INBOX). */
  record Target(MailStack.User user, String folder, boolean smtp) {
    static Target append(MailStack.User u, String folder) {
      return new Target(u, folder, false);
    }

    static Target smtp(MailStack.User u) {
      return new Target(u, "INBOX", true);
    }
  }

  private void scenario(String name, List<Target> targets, List<String> flags, int n, int intervalMs, Goal goal)
      throws Exception {
    Latency.log("watch latency: " + name);
    Path dir = WORK.resolve("run-" + (++run));
    // A run starts from no state: an earlier bench's watermarks (in the same directory) may name
    // folders that have been recreated since.
    if (Files.isDirectory(dir)) {
      try (var old = Files.list(dir)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir);
    for (Target t : targets) {
      stack.resetFolder(t.user(), t.folder());
    }
    List<RawIdle> raw = new ArrayList<>();
    List<AutoCloseable> senders = new ArrayList<>();
    // One APPEND connection per account: the folders of one account share it (the server limits
    // the connections per user).
    java.util.Map<String, AutoCloseable> seeders = new java.util.LinkedHashMap<>();
    try {
      for (Target t : targets) {
        raw.add(RawIdle.start(tls, stack.host(), stack.imapsPort(), t.user().user(), t.user().password(),
            t.folder()));
        senders.add(t.smtp() ? new Arrivals.Smtp(stack.host(), stack.smtpPort())
            : seeders.computeIfAbsent(t.user().user(), u -> new StackMailbox(stack, t.user()).seeder()));
      }
      List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("mailbridge").toString(), "watch", "--start", "all",
          "--state", dir.resolve("state.json").toString()));
      if (targets.stream().map(t -> t.user().user()).distinct().count() == 1) {
        Path pw = Files.writeString(dir.resolve("pw"), targets.get(0).user().password());
        cmd.addAll(List.of("--imap-host", stack.host(), "--imap-port", String.valueOf(stack.imapsPort()),
            "--ca-file", stack.caFile(), "--user", targets.get(0).user().user(), "--password-file", pw.toString()));
        targets.forEach(t -> cmd.addAll(List.of("--folder", t.folder())));
      } else {
        cmd.addAll(List.of("--mailboxes", mailboxesFile(dir, targets).toString()));
      }
      cmd.addAll(flags);
      int warm = Math.max(20, targets.size());
      long[] done = new long[MAX_PROBES + warm + n];
      int pushDisabledBefore = stack.idlePushDisabled();
      try (WatchChild watch = WatchChild.start(cmd, dir.resolve("stderr.txt"))) {
        // The folders were emptied: everything is new. Probe until a line shows the watcher runs.
        int probes = 0;
        while (firstLine(watch, probes) < 0) {
          if (probes == MAX_PROBES || !watch.alive()) {
            throw new IllegalStateException("the watcher did not start watching: " + Files.readString(
                dir.resolve("stderr.txt")));
          }
          send(targets, senders, done, probes, probes + 1, 0, null);
          probes++;
          Thread.sleep(500);
        }
        // Warm-up (a watcher runs for days): the same arrivals, not counted.
        send(targets, senders, done, probes, probes + warm, 100, null);
        Latency.awaitLines(watch, probes, probes + warm, 120_000, dir);
        int first = probes + warm;
        send(targets, senders, done, first, first + n, intervalMs, new java.util.Random(first));
        Latency.awaitLines(watch, first, first + n, 60_000 + goal.slackMs(), dir);
        md.append(Latency.row(name, targets, raw, watch, done, first, n, goal));
        int disabled = stack.idlePushDisabled() - pushDisabledBefore;
        if (disabled > 0) {
          // The server's fallback, not the client's latency: the row measures Dovecot's periodic check.
          notes.add("**The server fell back in the row \"" + name + "\"**: Dovecot disabled IDLE push for " + disabled
              + " sessions (its warning \"Inotify instance limit ... exceeded\": the raw clients' and the watcher's"
              + " IDLE sessions together passed fs.inotify.max_user_instances = " + inotifyInstances() + " of the"
              + " mail user), and those sessions saw new mail only at Dovecot's next check (30 s). Raise that limit"
              + " on the server's host for such a run.");
        }
      }
    } finally {
      for (RawIdle r : raw) {
        r.close();
      }
      for (AutoCloseable s : new java.util.LinkedHashSet<>(senders)) {
        s.close();
      }
    }
  }

  /** The notes on the rows so far, below the table. */
  private void notes() {
    for (String n : notes) {
      md.append("\n").append(n).append("\n");
    }
    notes.clear();
  }

  private static String inotifyInstances() {
    try {
      // Read by lines: readString stops short on this procfs file (its size reads as 0).
      return String.join("", Files.readAllLines(Path.of("/proc/sys/fs/inotify/max_user_instances"))).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static long firstLine(WatchChild w, int upTo) {
    for (int i = 0; i < upTo; i++) {
      if (w.line(i) >= 0) {
        return w.line(i);
      }
    }
    return -1;
  }

  /**
   * Sends messages {@code from} to {@code to} (exclusive), recording when each was accepted; one every
   * {@code intervalMs}, or with {@code poisson} at random times, {@code intervalMs} apart on average
   * (independent arrivals, as mail comes, and never in step with a server's own timers).
   */
  private static void send(List<Target> targets, List<AutoCloseable> senders, long[] done, int from, int to,
      int intervalMs, java.util.Random poisson) throws Exception {
    long next = System.nanoTime();
    for (int i = from; i < to; i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      double gap = poisson == null ? intervalMs : -Math.log(1 - poisson.nextDouble()) * intervalMs;
      next += (long) (gap * 1_000_000L);
      int k = i % targets.size();
      Target t = targets.get(k);
      byte[] m = Arrivals.message(t.user().user(), i);
      if (senders.get(k) instanceof Arrivals.Smtp smtp) {
        smtp.send("bench@example.com", t.user().user(), m);
      } else {
        ((ImapSeeder) senders.get(k)).append(t.folder(), List.of(m), "");
      }
      done[i] = System.nanoTime();
    }
  }

  private Path mailboxesFile(Path dir, List<Target> targets) throws Exception {
    StringBuilder y = new StringBuilder("mailboxes:\n");
    for (Target t : targets) {
      String name = t.user().user().substring(0, t.user().user().indexOf('@'));
      Path pw = Files.writeString(dir.resolve(name + ".pw"), t.user().password());
      y.append("  - name: ").append(name).append('\n')
          .append("    user: ").append(t.user().user()).append('\n')
          .append("    passwordFile: ").append(pw).append('\n')
          .append("    imap: { host: ").append(stack.host()).append(", port: ").append(stack.imapsPort()).append(" }\n")
          .append("    caFile: ").append(stack.caFile()).append('\n')
          .append("    folders: [").append(t.folder()).append("]\n");
    }
    return Files.writeString(dir.resolve("mailboxes.yaml"), y.toString());
  }
}
