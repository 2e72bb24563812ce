package io.mailbridge.bench;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import java.util.List;
import java.util.Set;

/**
 * What every workload shares: the stack it runs against, how many rounds the suite was asked for,
 * which workloads are chosen, the report it writes its table and goals to, and the seeding of its
 * folders. A workload class extends it and holds only the measuring of its clients.
 */
abstract class Workloads {
  final MailStack stack;
  final int rounds;
  final int peerRounds;
  final Set<String> workloads;
  private final Report report;
  private final Seeding seeding;

  Workloads(MailStack stack, int rounds, int peerRounds, Set<String> workloads, Report report) {
    this.stack = stack;
    this.rounds = rounds;
    this.peerRounds = peerRounds;
    this.workloads = workloads;
    this.report = report;
    this.seeding = new Seeding(stack);
  }

  /** Rounds of the cold receive's goal pair: a cold run varies a lot from run to run. */
  int coldPairRounds() {
    return Math.max(11, 2 * rounds + 1);
  }

  /** Rounds of move: a move varies from run to run, and a round is cheap since the reset is a rename. */
  int moveRounds() {
    return Math.max(15, 3 * rounds);
  }

  /** Rounds of a CLI workload's pair (raw process, launcher): cold runs vary a lot from run to run. */
  int cliPairRounds() {
    return Math.max(7, 2 * rounds + 1);
  }

  void chart(String workload, double relative, double goal) {
    report.chart(workload, relative, goal);
  }

  void table(String title, String unit, List<Row> rows, int limit, int ours) {
    report.table(title, unit, rows, limit, ours);
  }

  void goal(String what, double value, double bound, String note) {
    report.goal(what, value, bound, note);
  }

  void seedBulk(String folder, int n) {
    seeding.seedBulk(folder, n);
  }

  void seedBig() throws Exception {
    seeding.seedBig(BenchFiles.WORK);
  }

  ImapSeeder seeder() {
    return seeding.seeder();
  }

  long count(String folder) {
    return seeding.count(folder);
  }

  long count(MailStack.User user, String folder) {
    return seeding.count(user, folder);
  }

  double totalMb(String folder) {
    return seeding.totalMb(folder);
  }
}
