package io.mailbridge.bench;

import static io.mailbridge.bench.ChildJvms.process;
import static io.mailbridge.bench.Measure.check;
import static io.mailbridge.bench.Measure.settleDisk;
import static io.mailbridge.bench.Stats.ratio;
import static io.mailbridge.bench.Stats.ratioSpread;

import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.TestMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moving 10,000 messages as a user does: {@code ./mailbridge move --all}, a fresh process per run,
 * timed from start to exit against the raw {@code UID MOVE 1:*} client in its own JVM timed the same
 * way. The folders are reset by a rename between runs ({@link MoveBench#moveBack}).
 */
final class MoveCliWorkload extends Workloads {
  MoveCliWorkload(MailStack stack, int rounds, int peerRounds, Set<String> workloads, Report report) {
    super(stack, rounds, peerRounds, workloads, report);
  }

  void run() throws Exception {
    int n = 10_000;
    MailStack.User carol = stack.carol();
    Launcher launcher = new Launcher(stack);
    launcher.prepare();
    MoveBench.reset(stack, carol, TestMessages.bulk("bench@example.com", carol.user(), n));
    List<String> raw = Launcher.raw(List.of(), "move");
    List<String> ours = launcher.imap("move", carol, "--from", MoveBench.SRC, "--to", MoveBench.DST, "--all");
    // The move journals into its own copy of the bench's full journal, never the user's.
    Map<String, String> journal = BenchJournal.copyFor("movecli");
    // The same move in one UID MOVE: every line and journal record is written after the server's answer.
    List<String> oneBatch = new ArrayList<>(ours);
    oneBatch.addAll(List.of("--batch-size", "10000"));
    Map<String, String> oneBatchJournal = BenchJournal.copyFor("movecli-one-batch");
    List<Double> rawS = new ArrayList<>();
    List<Double> ourS = new ArrayList<>();
    List<Double> oneS = new ArrayList<>();
    for (int r = 0; r < cliPairRounds(); r++) {
      for (int k = 0; k < 3; k++) { // who goes first rotates
        if (r + k > 0) {
          MoveBench.moveBack(stack, carol);
        }
        settleDisk();
        switch ((r + k) % 3) {
          case 0 -> ourS.add(process("./mailbridge move", ours, n, journal, null));
          case 1 -> rawS.add(process("raw UID MOVE process", raw, -1));
          default -> oneS.add(process("./mailbridge move, one batch", oneBatch, n, oneBatchJournal, null));
        }
        check("move", count(carol, MoveBench.DST), n);
      }
    }
    List<Row> rows = List.of(new Row("raw `UID MOVE 1:*`, own JVM (the limit)", rawS, n, 0, 0),
        new Row("**`./mailbridge move --all`**", ourS, n, 0, 0),
        new Row("`./mailbridge move --all --batch-size 10000` (one UID MOVE)", oneS, n, 0, 0));
    table("CLI: move 10,000 messages, cold process, start to exit", "msg/s", rows, 0, 1);
    goal("CLI move, cold ≥ 0.95× raw", ratio(rows.get(0), rows.get(1)), 0.95,
        "per round " + ratioSpread(rawS, ourS) + String.format("; one UID MOVE (--batch-size 10000) %.2f×",
            ratio(rows.get(0), rows.get(2))));
    chart("move 10k, CLI cold", ratio(rows.get(0), rows.get(1)), 0.95);
  }
}
