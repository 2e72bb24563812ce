package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.ROOT;
import static io.mailbridge.bench.BenchFiles.WORK;
import static io.mailbridge.bench.ChildJvms.JAVA;
import static io.mailbridge.bench.ChildJvms.process;
import static io.mailbridge.bench.Measure.check;
import static io.mailbridge.bench.Measure.settleDisk;
import static io.mailbridge.bench.Measure.timed;
import static io.mailbridge.bench.Stats.ratio;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveSettings;
import io.mailbridge.move.Selection;
import io.mailbridge.search.Filter;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.TestMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

/**
 * The workloads besides receive: sending over SMTP submission against Python's smtplib, moving a
 * folder's messages against a raw {@code UID MOVE}, and the CLI's cold start through its launcher.
 */
final class SendMoveCliWorkloads extends Workloads {
  SendMoveCliWorkloads(MailStack stack, int rounds, int peerRounds, Set<String> workloads, Report report) {
    super(stack, rounds, peerRounds, workloads, report);
  }

  void send() throws Exception {
    int n = 1000;
    String user = stack.bob().user();
    Endpoint submission = Endpoint.smtp(stack.host()).port(stack.submissionPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(user, Secret.of(stack.bob().password()))).build();
    String run = UUID.randomUUID().toString();
    Path att = WORK.resolve("data.bin");
    byte[] bytes = new byte[20 * 1024];
    new Random(42).nextBytes(bytes);
    Files.write(att, bytes);
    Path script = Files.writeString(WORK.resolve("smtplib_bench.py"), SendBench.PYTHON);
    MailConnection connection = MailConnection.builder().outbound(submission).build();
    List<Double> mb = new ArrayList<>();
    List<Double> off = new ArrayList<>();
    List<Double> py = new ArrayList<>();
    List<Double> dataRounds = new ArrayList<>();
    SendSettings unpipelined = SendSettings.builder().pipelining(false).build();
    SendSettings data = SendSettings.builder().chunking(false).build();
    try {
      SendBench.mailbridge(connection, 100, att, run, "warmup");
      SendBench.mailbridge(connection, unpipelined, 100, att, run, "warmup");
      SendBench.mailbridge(connection, data, 100, att, run, "warmup");
      for (int r = 0; r < rounds; r++) {
        // Rotate who goes first, each from an empty Postfix queue (SendBench).
        for (int k = 0; k < 4; k++) {
          SendBench.drain(stack);
          int round = r;
          switch ((r + k) % 4) {
            case 0 -> py.add(timed("python smtplib", () -> SendBench.python(script, stack, submission, n, att, run)));
            case 1 -> mb.add(timed("mailbridge send", () -> SendBench.mailbridge(connection, n, att, run,
                "round " + round)));
            case 2 -> off.add(timed("mailbridge send, pipelining off", () -> SendBench.mailbridge(connection,
                unpipelined, n, att, run, "round " + round)));
            default -> dataRounds.add(timed("mailbridge send, DATA", () -> SendBench.mailbridge(connection,
                data, n, att, run, "round " + round)));
          }
        }
      }
    } finally {
      SendBench.drain(stack);
      stack.doveadm("expunge", "-u", user, "mailbox", "INBOX", "header", "X-Mailbridge-Bench", run);
    }
    List<Row> rows = List.of(new Row("Python smtplib, one connection, TCP_NODELAY (the reference)", py, n, 0, 0),
        new Row("**Mailbridge Send**, one STARTTLS connection, defaults (BDAT, up to 64 messages in flight)", mb, n,
            0, 0),
        new Row("Mailbridge Send, pipelining off (one command at a time)", off, n, 0, 0),
        new Row("Mailbridge Send, `SendSettings.chunking(false)` (PIPELINING, then DATA)", dataRounds, n, 0, 0));
    table("Send 1,000 × 20 KB attachment (STARTTLS submission + AUTH, bob to bob)", "msg/s", rows, 0, 1);
    goal("send ≥ 2.0× smtplib (TCP_NODELAY)", ratio(rows.get(0), rows.get(1)), 2.0, "");
    chart("send 1k × 20 KB, library, warm (vs smtplib)", ratio(rows.get(0), rows.get(1)), 2.0);
  }

  void move() throws Exception {
    int n = 10_000;
    MailStack.User carol = stack.carol();
    Endpoint endpoint = Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(carol.user(), Secret.of(carol.password()))).build();
    MailConnection connection = MailConnection.builder().inbound(endpoint).build();
    List<byte[]> messages = TestMessages.bulk("bench@example.test", carol.user(), n);
    List<Double> raw = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    // A move is short and varies from run to run: more rounds than the suite's --rounds. Seeded
    // once; before every other move the moved messages are renamed back, which is cheap.
    int moveRounds = moveRounds();
    MoveBench.reset(stack, carol, messages);
    for (int r = 0; r < moveRounds + 1; r++) { // round 0 warms up
      double o = 0;
      double w = 0;
      for (int k = 0; k < 2; k++) { // who goes first alternates, as in the other workloads
        if (r + k > 0) {
          MoveBench.moveBack(stack, carol);
        }
        settleDisk();
        if ((r + k) % 2 == 0) {
          o = timed("mailbridge move", () -> Move.of(connection).move(MoveSettings.builder().from(MoveBench.SRC)
              .to(MoveBench.DST).selection(Selection.filter(Filter.all())).build()));
          check("mailbridge move", count(carol, MoveBench.DST), n);
        } else {
          w = timed("raw UID MOVE", () -> {
            MoveBench.rawMove(stack, carol);
            return null;
          });
          check("raw move", count(carol, MoveBench.DST), n);
        }
      }
      if (r > 0) {
        ours.add(o);
        raw.add(w);
      }
    }
    List<Row> rows = List.of(new Row("raw `UID MOVE 1:*` on a TLS socket (the limit)", raw, n, 0, 0),
        new Row("**Mailbridge Move** (UID SEARCH + UID MOVE in batches)", ours, n, 0, 0));
    table("Move 10,000 messages (carol, bench-move-src to bench-move-dst), warm JVM", "msg/s", rows, 0, 1);
    goal("move ≥ 0.95× raw UID MOVE (issue: 0.8×)", ratio(rows.get(0), rows.get(1)), 0.95, "");
    chart("move 10k, library, warm", ratio(rows.get(0), rows.get(1)), 0.95);
  }

  void cli() throws Exception {
    Path pw = Files.writeString(WORK.resolve("alice.pw"), stack.alice().password());
    String launcher = ROOT.resolve("mailbridge").toString();
    List<String> version = List.of(launcher, "--version");
    List<String> check = List.of(launcher, "check", "--imap-host", stack.host(), "--imap-port",
        String.valueOf(stack.imapsPort()), "--smtp-host", stack.host(), "--smtp-port",
        String.valueOf(stack.submissionPort()), "--smtp-security", "starttls", "--ca-file", stack.caFile(), "--user",
        stack.alice().user(), "--password-file", pw.toString());
    List<String> floor = List.of(JAVA, "-version");
    process("launcher first run", version, -1); // makes the class-data archive once per build
    List<Double> v = new ArrayList<>();
    List<Double> c = new ArrayList<>();
    List<Double> f = new ArrayList<>();
    int n = Math.max(5, rounds);
    for (int r = 0; r < n; r++) {
      f.add(process("java -version", floor, -1));
      v.add(process("mailbridge --version", version, -1));
      c.add(process("mailbridge check", check, -1));
    }
    List<Row> rows = List.of(new Row("`java -version` (JVM floor)", f, 1, 0, 0),
        new Row("**`./mailbridge --version`**", v, 1, 0, 0),
        new Row("`./mailbridge check` (IMAPS + SMTP STARTTLS login)", c, 1, 0, 0));
    table("CLI cold start through the `./mailbridge` launcher", "runs/s", rows, 0, 1);
    goal("`mailbridge --version` cold ≤ 300 ms", rows.get(1).median() * 1000, -300, "ms");
  }
}
