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
 * <p>Usage: {@code Suite [--rounds N] [--peer-rounds M] [--only w1,w2] [--skip w1,w2]} with workloads
 * {@code receive, cold, receive200k, big, send, move, cli, camel}.
 */
public final class Suite {
  private final MailStack stack;
  private final int rounds;
  private final int peerRounds;
  private final Set<String> workloads;

  private Suite(MailStack stack, int rounds, int peerRounds, Set<String> workloads) {
    this.stack = stack;
    this.rounds = rounds;
    this.peerRounds = peerRounds;
    this.workloads = workloads;
  }

  public static void main(String[] args) throws Exception {
    int rounds = 3;
    int peerRounds = 1;
    Set<String> all = new LinkedHashSet<>(List.of("receive", "cold", "receive200k", "big", "send", "move", "cli",
        "camel"));
    Set<String> chosen = new LinkedHashSet<>(all);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--peer-rounds" -> peerRounds = Integer.parseInt(args[++i]);
        case "--only" -> chosen.retainAll(List.of(args[++i].split(",")));
        case "--skip" -> chosen.removeAll(List.of(args[++i].split(",")));
        default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; workloads: " + all);
      }
    }
    // Name the stream provider, else Jakarta Mail 2.1 scans the class path per part (mail-api#861).
    System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException(
        "the mail stack is not running: scripts/mailstack start"));
    Files.createDirectories(WORK);
    new Suite(stack, rounds, peerRounds, chosen).run();
  }

  private void run() throws Exception {
    long start = System.nanoTime();
    Report report = new Report();
    ReceiveWorkloads receive = new ReceiveWorkloads(stack, rounds, peerRounds, workloads, report);
    SendMoveCliWorkloads others = new SendMoveCliWorkloads(stack, rounds, peerRounds, workloads, report);
    report.begin(rounds, peerRounds, receive.coldPairRounds(), others.moveRounds());
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
    String text = report.end(start);
    Path out = ROOT.resolve("bench/results/latest.md");
    Files.createDirectories(out.getParent());
    Files.writeString(out, text);
    System.out.println();
    System.out.println(text);
    System.out.println("written to " + out);
    deleteTree(WORK);
  }
}
