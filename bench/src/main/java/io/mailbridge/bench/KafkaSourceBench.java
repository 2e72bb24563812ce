package io.mailbridge.bench;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

/**
 * Messages per second the IMAP source connector puts into Kafka, against {@code ./mailbridge receive}
 * on the same folder in the same run (carol's {@code ks-bench}, {@code n} × ~4.3 KB, every 10th with
 * a 2 KB attachment, over IMAPS on the local stack).
 *
 * <ul>
 *   <li>CLI: {@code ./mailbridge receive} (launcher) as a fresh process, JSON Lines to a file: process
 *       start to exit.</li>
 *   <li>Source: an in-JVM Kafka broker and one Connect worker (EmbeddedConnectCluster, started once,
 *       outside the timing); per run a fresh topic and connector ({@code start=all}, JsonConverter
 *       without schemas). "End to end": from the connector's creation (task start, IMAP login included)
 *       to the topic holding all {@code n} records; "steady": first to last record timestamp.</li>
 * </ul>
 * Runs interleave (CLI, then each source variant) for {@code rounds} rounds; medians.
 *
 * <pre>{@code
 * ./mvnw -q -B -pl cli,bench -am package -DskipTests
 * java -cp "bench/target/classes:$(cat bench/target/cp.txt)" -Dbench.root=$PWD \
 *     io.mailbridge.bench.KafkaSourceBench [messages=5000] [rounds=3]
 * }</pre>
 */
public final class KafkaSourceBench {
  static final String FOLDER = "ks-bench";
  private static final Path ROOT = Path.of(System.getProperty("bench.root", ".")).toAbsolutePath().normalize();
  private static final Path WORK = ROOT.resolve("bench/target/kafka-source");

  private KafkaSourceBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException("mail stack not running: "
        + "bash scripts/mailstack start"));
    MailStack.User carol = stack.carol();
    if (count(stack, carol) != n) {
      log("seeding " + n + " messages into " + FOLDER);
      stack.resetFolder(carol, FOLDER);
      try (ImapSeeder s = new StackMailbox(stack, carol).seeder()) {
        s.append(FOLDER, TestMessages.bulk("bench@example.com", carol.user(), n), "");
      }
    }
    Files.createDirectories(WORK);
    Path pw = Files.writeString(WORK.resolve("carol.pw"), carol.password());
    List<String> cli = List.of(ROOT.resolve("mailbridge").toString(), "receive", "--imap-host", stack.host(),
        "--imap-port", String.valueOf(stack.imapsPort()), "--ca-file", stack.caFile(), "--user", carol.user(),
        "--password-file", pw.toString(), "--folder", FOLDER);

    Properties broker = new Properties();
    broker.put("auto.create.topics.enable", "false");
    EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder().name("kafka-source-bench").numWorkers(1)
        .numBrokers(1).workerProps(new HashMap<>(Map.of("offset.flush.interval.ms", "10000"))).brokerProps(broker).build();
    connect.start();
    try {
      List<Double> cliS = new ArrayList<>();
      Map<Variant, List<Double>> e2e = new HashMap<>();
      Map<Variant, List<Double>> steady = new HashMap<>();
      Map<Variant, List<Double>> firstRecord = new HashMap<>();
      int run = 0;
      source(connect, stack, n, VARIANTS.get(0), run++); // warm-up: broker, worker and the plugin's classes
      for (int r = 0; r < rounds; r++) {
        cliS.add(cli(cli, n));
        for (Variant v : VARIANTS) {
          double[] t = source(connect, stack, n, v, run++);
          e2e.computeIfAbsent(v, k -> new ArrayList<>()).add(t[0]);
          steady.computeIfAbsent(v, k -> new ArrayList<>()).add(t[1]);
          firstRecord.computeIfAbsent(v, k -> new ArrayList<>()).add(t[2]);
        }
      }
      StringBuilder md = new StringBuilder();
      md.append("## IMAP source into Kafka vs `./mailbridge receive`, ").append(n)
          .append(" × ~4.3 KB (carol `ks-bench`, IMAPS)\n\n")
          .append(LocalDateTime.now().truncatedTo(ChronoUnit.MINUTES)).append(", ").append(rounds)
          .append(" rounds, load average after: ").append(loadAverage()).append("\n\n")
          .append("| client | median s | spread s | msg/s | x CLI |\n|---|---|---|---|---|\n");
      double cliMedian = median(cliS);
      row(md, "**`./mailbridge receive`**, fresh process, JSON Lines to a file", cliS, n, cliMedian);
      for (Variant v : VARIANTS) {
        row(md, "IMAP source, " + v.label() + ", end to end (connector created → all records in Kafka)",
            e2e.get(v), n, cliMedian);
        row(md, "IMAP source, " + v.label() + ", steady (first → last record)", steady.get(v), n, cliMedian);
      }
      md.append("\nFirst record in Kafka after the connector's creation (median s): ");
      for (Variant v : VARIANTS) {
        md.append(String.format("%s: %.3f; ", v.label(), median(firstRecord.get(v))));
      }
      md.append("\n");
      System.out.println(md);
      Files.createDirectories(ROOT.resolve("bench/results"));
      Files.writeString(ROOT.resolve("bench/results/kafka-source.md"), md.toString());
    } finally {
      connect.stop();
    }
  }

  /** A source configuration measured: its batch.size and further connector keys. */
  private record Variant(String label, int batch, Map<String, String> extra) {}

  /**
   * The default batch.size, a large one, and the large one with the producer overrides the README
   * recommends for mail-sized records (Connect's producer sends one 16 KB batch per request).
   */
  private static final List<Variant> VARIANTS = List.of(new Variant("batch.size=100", 100, Map.of()),
      new Variant("batch.size=1000", 1000, Map.of()),
      new Variant("batch.size=1000 + producer.override.batch.size=524288", 1000,
          Map.of("producer.override.batch.size", "524288")));

  /** One connector run; returns {end-to-end s, steady s, first record after s}. */
  private static double[] source(EmbeddedConnectCluster connect, MailStack stack, int n, Variant v, int run)
      throws Exception {
    String name = "ks-bench-" + run;
    connect.kafka().createTopic(name, 1);
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", "io.mailbridge.kafka.ImapSourceConnector");
    p.put("tasks.max", "1");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    p.put("imap.host", stack.host());
    p.put("imap.port", String.valueOf(stack.imapsPort()));
    p.put("imap.ca.file", stack.caFile());
    p.put("imap.user", stack.carol().user());
    p.put("imap.password", stack.carol().password());
    p.put("folders", FOLDER);
    p.put("topic", name);
    p.put("start", "all");
    p.put("batch.size", String.valueOf(v.batch()));
    p.putAll(v.extra());
    TopicPartition tp = new TopicPartition(name, 0);
    long t0 = System.nanoTime();
    long wall0 = System.currentTimeMillis();
    connect.configureConnector(name, p);
    long deadline = System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(10);
    while (connect.kafka().endOffset(tp) < n) {
      if (System.currentTimeMillis() > deadline) {
        throw new IllegalStateException(name + ": only " + connect.kafka().endOffset(tp) + " of " + n + " records");
      }
      Thread.sleep(20);
    }
    double e2e = (System.nanoTime() - t0) / 1e9;
    connect.deleteConnector(name);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    int count = 0;
    for (ConsumerRecord<byte[], byte[]> r : connect.kafka().consumeAll(60_000, name)) {
      first = Math.min(first, r.timestamp());
      last = Math.max(last, r.timestamp());
      count++;
    }
    if (count != n) {
      throw new IllegalStateException(name + " holds " + count + " records, expected " + n);
    }
    double steady = (last - first) / 1e3;
    connect.kafka().deleteTopic(name);
    log(String.format("  source %s: end to end %.3f s, first record after %.3f s, steady %.3f s", v.label(), e2e,
        (first - wall0) / 1e3, steady));
    return new double[] {e2e, steady, (first - wall0) / 1e3};
  }

  private static double cli(List<String> cmd, int n) throws Exception {
    Path out = Files.createTempFile(WORK, "receive", ".jsonl");
    long t0 = System.nanoTime();
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      throw new IllegalStateException("./mailbridge receive failed (exit " + p.exitValue() + ")");
    }
    double s = (System.nanoTime() - t0) / 1e9;
    long lines;
    try (var l = Files.lines(out, StandardCharsets.UTF_8)) {
      lines = l.count();
    }
    Files.delete(out);
    if (lines != n) {
      throw new IllegalStateException("./mailbridge receive printed " + lines + " lines, expected " + n);
    }
    log(String.format("  ./mailbridge receive %.3f s", s));
    return s;
  }

  private static int count(MailStack stack, MailStack.User user) {
    try {
      return stack.messageCount(user, FOLDER);
    } catch (IllegalStateException missing) {
      return -1; // no folder yet: seeded below
    }
  }

  private static void row(StringBuilder md, String client, List<Double> s, int n, double cliMedian) {
    double m = median(s);
    md.append(String.format("| %s | %.3f | %.3f-%.3f | %,.1f | %.2f |%n", client, m, Collections.min(s),
        Collections.max(s), n / m, cliMedian / m));
  }

  private static double median(List<Double> v) {
    List<Double> s = new ArrayList<>(v);
    Collections.sort(s);
    int k = s.size();
    return k % 2 == 1 ? s.get(k / 2) : (s.get(k / 2 - 1) + s.get(k / 2)) / 2;
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2] + " (1, 5, 15 min; 2 cores)";
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static void log(String s) {
    System.err.println(s);
  }
}
