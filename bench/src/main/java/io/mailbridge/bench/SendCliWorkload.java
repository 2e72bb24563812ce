package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.WORK;
import static io.mailbridge.bench.ChildJvms.process;
import static io.mailbridge.bench.Stats.ratio;
import static io.mailbridge.bench.Stats.ratioSpread;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.testkit.MailStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * Sending 1,000 messages with a 20 KB attachment as a user does: {@code ./mailbridge send --batch}
 * reading JSON Lines from a file, a fresh process per run, timed from start to exit against Python's
 * smtplib (TCP_NODELAY, one connection) as a process timed the same way. Each run starts with
 * Postfix's queue empty; the messages are expunged from bob's INBOX afterwards.
 */
final class SendCliWorkload extends Workloads {
  SendCliWorkload(MailStack stack, int rounds, int peerRounds, Set<String> workloads, Report report) {
    super(stack, rounds, peerRounds, workloads, report);
  }

  void run() throws Exception {
    int n = 1000;
    MailStack.User bob = stack.bob();
    Launcher launcher = new Launcher(stack);
    launcher.prepare();
    String run = UUID.randomUUID().toString();
    Files.createDirectories(WORK);
    Path att = WORK.resolve("data.bin");
    byte[] bytes = new byte[20 * 1024];
    new Random(42).nextBytes(bytes);
    Files.write(att, bytes);
    Path script = Files.writeString(WORK.resolve("smtplib_bench.py"), SendBench.PYTHON);
    Path batch = WORK.resolve("send-batch.jsonl");
    ObjectMapper json = new ObjectMapper();
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < n; i++) {
      lines.append(json.writeValueAsString(Map.of("to", List.of(bob.user()), "subject", "sendbench cli " + run + " "
          + i, "text", "benchmark message " + i, "headers", Map.of("X-Mailbridge-Bench", run), "attachments",
          List.of(Map.of("path", att.toString(), "name", "data.bin"))))).append('\n');
    }
    Files.writeString(batch, lines);
    List<String> python = List.of("python3", script.toString(), stack.host(), String.valueOf(stack.submissionPort()),
        bob.user(), bob.password(), stack.caFile(), String.valueOf(n), att.toString(), run);
    List<String> ours = launcher.smtp(bob, "--batch");
    List<Double> py = new ArrayList<>();
    List<Double> mb = new ArrayList<>();
    try {
      for (int r = 0; r < Math.max(5, rounds); r++) {
        for (int k = 0; k < 2; k++) { // who goes first alternates, each from an empty queue
          SendBench.drain(stack);
          if ((r + k) % 2 == 0) {
            py.add(process("python smtplib", python, -1));
          } else {
            mb.add(process("./mailbridge send", ours, n, Map.of(), batch));
          }
        }
      }
    } finally {
      SendBench.drain(stack);
      stack.doveadm("expunge", "-u", bob.user(), "mailbox", "INBOX", "header", "X-Mailbridge-Bench", run);
    }
    List<Row> rows = List.of(new Row("Python smtplib, TCP_NODELAY, one connection, own process (the reference)", py,
        n, 0, 0), new Row("**`./mailbridge send --batch`**, one STARTTLS connection", mb, n, 0, 0));
    table("CLI: send 1,000 × 20 KB attachment (STARTTLS submission + AUTH), cold process, start to exit", "msg/s",
        rows, 0, 1);
    goal("CLI send, cold ≥ 2× smtplib (TCP_NODELAY)", ratio(rows.get(0), rows.get(1)), 2.0,
        "per round " + ratioSpread(py, mb));
    chart("send 1k × 20 KB, CLI cold (vs smtplib)", ratio(rows.get(0), rows.get(1)), 2.0);
  }
}
