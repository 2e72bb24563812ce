package io.mailbridge.bench;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.internal.MailSessions;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.MailStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Send N messages (default 1,000) with a 20 KB attachment from bob to bob over STARTTLS submission,
 * with Mailbridge (one connection) and, in the same run, with Python's smtplib (one connection,
 * TCP_NODELAY). Prints msg/s for each and the ratio. Goal: Mailbridge >= 2.0x smtplib.
 *
 * <pre>
 * ./mvnw -q -B -pl bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/cp.txt)" io.mailbridge.bench.SendBench [messages] [rounds]
 * </pre>
 * Rounds alternate who goes first and start with Postfix's queue drained. Benchmark messages carry {@code X-Mailbridge-Bench: <run id>} and are expunged from bob's INBOX at the end.
 */
public final class SendBench {
  private SendBench() {}

  static final String PYTHON = """
      import smtplib, socket, ssl, sys, time
      from email.message import EmailMessage
      host, port, user, pw, ca, n, att, run = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]), sys.argv[7], sys.argv[8]
      data = open(att, 'rb').read()
      t0 = time.perf_counter()
      s = smtplib.SMTP(host, port)
      s.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
      s.starttls(context=ssl.create_default_context(cafile=ca))
      s.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
      s.login(user, pw)
      for i in range(n):
          m = EmailMessage()
          m['From'] = user
          m['To'] = user
          m['Subject'] = 'sendbench python %s %d' % (run, i)
          m['X-Mailbridge-Bench'] = run
          m.set_content('benchmark message %d' % i)
          m.add_attachment(data, maintype='application', subtype='octet-stream', filename='data.bin')
          s.send_message(m, from_addr=user, to_addrs=[user])
      s.quit()
      print('%.6f' % (time.perf_counter() - t0))
      """;

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException(
        "the mail stack is not running: scripts/mailstack start"));
    String user = stack.bob().user();
    Endpoint submission = Endpoint.smtp(stack.host()).port(stack.submissionPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(user, Secret.of(stack.bob().password()))).build();
    String run = UUID.randomUUID().toString();
    Path dir = Files.createTempDirectory("sendbench");
    Path att = dir.resolve("data.bin");
    byte[] bytes = new byte[20 * 1024];
    new Random(42).nextBytes(bytes);
    Files.write(att, bytes);
    Path script = Files.writeString(dir.resolve("smtplib_bench.py"), PYTHON);

    System.out.println("TCP_NODELAY on the STARTTLS submission socket: " + tcpNoDelay(submission));
    MailConnection connection = MailConnection.builder().outbound(submission).build();
    try {
      // JIT warm-up, not timed (the Python interpreter needs none).
      mailbridge(connection, 100, att, run, "warmup");
      List<Double> mb = new ArrayList<>();
      List<Double> py = new ArrayList<>();
      for (int r = 0; r < rounds; r++) {
        // Postfix delivers into Dovecot behind our back; start each run with an empty queue and
        // alternate who goes first, so neither side always pays for the other's deliveries.
        if (r % 2 == 0) {
          drain(stack);
          py.add(python(script, stack, submission, n, att, run));
          drain(stack);
          mb.add(mailbridge(connection, n, att, run, "round " + r));
        } else {
          drain(stack);
          mb.add(mailbridge(connection, n, att, run, "round " + r));
          drain(stack);
          py.add(python(script, stack, submission, n, att, run));
        }
      }
      for (int r = 0; r < rounds; r++) {
        System.out.printf("round %d: mailbridge %d msgs in %.2f s = %.1f msg/s | python smtplib %.2f s = %.1f msg/s | "
            + "ratio %.2fx%n", r, n, mb.get(r), n / mb.get(r), py.get(r), n / py.get(r), py.get(r) / mb.get(r));
      }
      double mbBest = mb.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      double pyBest = py.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
      System.out.printf("best: mailbridge %.1f msg/s, python smtplib %.1f msg/s, ratio %.2fx (goal >= 2.0x)%n",
          n / mbBest, n / pyBest, pyBest / mbBest);
    } finally {
      String out = stack.doveadm("expunge", "-u", user, "mailbox", "INBOX", "header", "X-Mailbridge-Bench", run);
      System.out.println("expunged benchmark messages from " + user + " INBOX " + out.strip());
      Files.deleteIfExists(att);
      Files.deleteIfExists(script);
      Files.deleteIfExists(dir);
    }
  }

  static double mailbridge(MailConnection connection, int n, Path att, String run, String label) {
    return mailbridge(connection, SendSettings.defaults(), n, att, run, label);
  }

  static double mailbridge(MailConnection connection, SendSettings settings, int n, Path att, String run,
      String label) {
    List<Email> emails = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      emails.add(Email.builder().to(connection.outbound().orElseThrow().auth().user())
          .subject("sendbench mailbridge " + run + " " + label + " " + i).header("X-Mailbridge-Bench", run)
          .text("benchmark message " + i).attach(Attachment.file(att).name("data.bin")).build());
    }
    long t0 = System.nanoTime();
    List<SendResult> results = Send.of(connection, settings).send(emails);
    double s = (System.nanoTime() - t0) / 1e9;
    long failed = results.stream().filter(r -> !r.ok()).count();
    if (failed > 0) {
      throw new IllegalStateException(failed + " messages not sent: " + results.stream().filter(r -> !r.ok())
          .findFirst().orElseThrow().error());
    }
    return s;
  }

  static double python(Path script, MailStack stack, Endpoint e, int n, Path att, String run) throws Exception {
    Process p = new ProcessBuilder("python3", script.toString(), stack.host(), String.valueOf(e.port()),
        stack.bob().user(), stack.bob().password(), stack.caFile(), String.valueOf(n), att.toString(), run)
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("python smtplib benchmark failed: " + out);
    }
    String[] lines = out.split("\n");
    return Double.parseDouble(lines[lines.length - 1].strip());
  }

  /** Waits (up to 2 min) until Postfix's queue is empty. */
  static void drain(MailStack stack) throws Exception {
    long deadline = System.currentTimeMillis() + 120_000;
    while (System.currentTimeMillis() < deadline) {
      Process p = new ProcessBuilder("postqueue", "-c", stack.stateDir() + "/postfix/etc", "-p")
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      p.waitFor();
      if (out.contains("Mail queue is empty") || p.exitValue() != 0) {
        return;
      }
      Thread.sleep(250);
    }
  }

  /** Connects the way SmtpClient does and reads TCP_NODELAY off the TLS socket after STARTTLS. */
  private static boolean tcpNoDelay(Endpoint e) throws Exception {
    MailSessions.Opened opened = MailSessions.open(e, new Properties(), false);
    SMTPTransport t = (SMTPTransport) opened.session().getTransport(opened.protocol());
    t.connect(e.host(), e.port(), e.auth().user(), ((Auth.Basic) e.auth()).password().reveal());
    try {
      return opened.tls().lastSocket().orElseThrow().getTcpNoDelay();
    } finally {
      t.close();
    }
  }
}
