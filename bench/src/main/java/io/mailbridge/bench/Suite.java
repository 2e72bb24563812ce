package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.ROOT;
import static io.mailbridge.bench.BenchFiles.WORK;
import static io.mailbridge.bench.BenchFiles.deleteTree;

import io.mailbridge.testkit.MailStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole benchmark suite in one run (see BENCHMARKS.md; started by {@code bench/run}): seeds the
 * local Dovecot/Postfix stack, measures Mailbridge against the protocol limit and the peers on every
 * workload, N rounds each, interleaved so machine noise hits all clients alike, and prints a
 * markdown report that is also written to {@code bench/results/latest.md}.
 *
 * <p>Usage: {@code Suite [--rounds N] [--peer-rounds M] [--only w1,w2] [--skip w1,w2] [--out NAME]} with
 * workloads {@code receive, cold, receive200k, big, send, move, cli, bigcli, movecli, sendcli, camel}; the
 * report goes to {@code bench/results/NAME.md} and its goals chart to {@code NAME.png} (default {@code latest}).
 */
public final class Suite {
  private final MailStack stack;
  private final int rounds;
  private final int peerRounds;
  private final Set<String> workloads;
  private final String out;

  private Suite(MailStack stack, int rounds, int peerRounds, Set<String> workloads, String out) {
    this.stack = stack;
    this.rounds = rounds;
    this.peerRounds = peerRounds;
    this.workloads = workloads;
    this.out = out;
  }

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int peerRounds = 1;
    String out = "latest";
    Set<String> all = new LinkedHashSet<>(List.of("receive", "cold", "receive200k", "big", "send", "move", "cli",
        "bigcli", "movecli", "sendcli", "camel"));
    Set<String> chosen = new LinkedHashSet<>(all);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--peer-rounds" -> peerRounds = Integer.parseInt(args[++i]);
        case "--only" -> chosen.retainAll(List.of(args[++i].split(",")));
        case "--skip" -> chosen.removeAll(List.of(args[++i].split(",")));
        case "--out" -> out = args[++i];
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; workloads: " + all);
      }
    }
    // Name the stream provider, else Jakarta Mail 2.1 scans the class path per part (mail-api#861).
    System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException(
        "the mail stack is not running: scripts/mailstack start"));
    Files.createDirectories(WORK);
    new Suite(stack, rounds, peerRounds, chosen, out).run();
  }

  /** How the stack started Dovecot: {@code set} (TZ set) or {@code unset} (as Debian's service does). */
  private String dovecotTz() throws Exception {
    Path info = Path.of(stack.stateDir(), "stack.json");
    String json = Files.exists(info) ? Files.readString(info) : "";
    return json.contains("\"dovecotTz\":\"unset\"") ? "unset" : "set";
  }

  private void run() throws Exception {
    long start = System.nanoTime();
    Report report = new Report();
    ReceiveWorkloads receive = new ReceiveWorkloads(stack, rounds, peerRounds, workloads, report);
    SendMoveCliWorkloads others = new SendMoveCliWorkloads(stack, rounds, peerRounds, workloads, report);
    report.begin(rounds, peerRounds, receive.coldPairRounds(), others.moveRounds(), others.cliPairRounds(),
        dovecotTz());
    if (workloads.contains("receive")) {
      receive.receiveWarm();
    }
    if (workloads.contains("cold")) {
      receive.receiveCold();
    }
    if (workloads.contains("receive200k")) {
      receive.receive200k();
    }
    if (workloads.contains("big")) {
      receive.big();
    }
    if (workloads.contains("send")) {
      others.send();
    }
    if (workloads.contains("move")) {
      others.move();
    }
    if (workloads.contains("cli")) {
      others.cli();
    }
    if (workloads.contains("bigcli")) {
      new BigCliWorkload(stack, rounds, peerRounds, workloads, report).run();
    }
    if (workloads.contains("movecli")) {
      new MoveCliWorkload(stack, rounds, peerRounds, workloads, report).run();
    }
    if (workloads.contains("sendcli")) {
      new SendCliWorkload(stack, rounds, peerRounds, workloads, report).run();
    }
    Path md = ROOT.resolve("bench/results/" + out + ".md");
    Path png = ROOT.resolve("bench/results/" + out + ".png");
    boolean charted = report.writeChart(png, "Mailbridge vs the raw limit, same run (Dovecot TZ " + dovecotTz() + ")");
    String text = report.end(start) + (charted ? "\nChart: " + png.getFileName() + "\n" : "");
    Files.createDirectories(md.getParent());
    Files.writeString(md, text);
    System.out.println();
    System.out.println(text);
    System.out.println("written to " + md + (charted ? " and " + png : ""));
    deleteTree(WORK);
  }
}
