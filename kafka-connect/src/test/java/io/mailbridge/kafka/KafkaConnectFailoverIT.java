package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.kafka.KafkaProcesses.Worker;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connectors on a real distributed cluster, as an operator runs one: a KRaft broker and two
 * {@code ConnectDistributed} workers, each its own JVM ({@link KafkaProcesses}), the plugin zip on
 * {@code plugin.path}, the real Dovecot and Postfix. A worker running a task is killed with -9 in
 * the middle of a stream; the task moves to the other JVM, which must find the offsets the first one
 * committed. Folders are small (hundreds of mails) so the whole class stays within a few minutes.
 */
@RealServer
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaConnectFailoverIT {
  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);
  private static final Duration MOVE = Duration.ofSeconds(180);
  private final MailStack stack = MailStack.find().orElseThrow();
  private KafkaProcesses kafka;
  private final List<Worker> workers = new ArrayList<>();
  private final List<Worker> everyWorker = new ArrayList<>();
  private int workerCount;

  @BeforeAll
  void startCluster(@TempDir Path root) throws Exception {
    String zip = System.getProperty("mailbridge.plugin.zip", "target/mailbridge-kafka-connect-"
        + System.getProperty("mailbridge.version", "0.1.0-SNAPSHOT") + ".zip");
    kafka = new KafkaProcesses(root, Path.of(zip));
    kafka.startBroker();
    startWorkers("kc-alo", false);
  }

  @AfterAll
  void stopCluster() {
    if (kafka != null) {
      kafka.close();
    }
  }

  /** Two workers of one group, started side by side. */
  private void startWorkers(String group, boolean exactlyOnce) throws Exception {
    for (Worker w : workers) {
      kafka.kill(w);
    }
    workers.clear();
    List<Worker> fresh = List.of(newWorker(group, exactlyOnce), newWorker(group, exactlyOnce));
    Thread second = new Thread(() -> {
      try {
        kafka.start(fresh.get(1));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    second.start();
    kafka.start(fresh.get(0));
    second.join();
    workers.addAll(fresh);
  }

  private Worker newWorker(String group, boolean exactlyOnce) throws Exception {
    Worker w = kafka.worker("worker-" + (++workerCount), group);
    everyWorker.add(w);
    if (exactlyOnce) {
      w.config.put("exactly.once.source.support", "enabled");
    }
    return w;
  }

  /** Kills the worker running task 0 of the connector (kill -9). */
  private void killWorkerOfTask0(String connector) throws Exception {
    String id = taskWorker(connector, 0);
    Worker victim = workers.stream().filter(w -> w.id().equals(id)).findFirst().orElseThrow();
    kafka.kill(victim);
    workers.remove(victim);
  }

  /** Brings the group back to two workers (after a kill in an earlier scenario, even a failed one). */
  private void twoWorkers() throws Exception {
    while (workers.size() < 2) {
      Worker w = newWorker(workers.get(0).config.get("group.id"), false);
      kafka.start(w);
      workers.add(w);
    }
  }

  private Worker any() {
    return workers.get(0);
  }

  private String taskWorker(String connector, int task) {
    JsonNode status = kafka.get(any(), "/connectors/" + connector + "/status").orElseThrow();
    for (JsonNode t : status.path("tasks")) {
      if (t.path("id").asInt() == task) {
        return t.path("worker_id").asText();
      }
    }
    throw new IllegalStateException("no task " + task + " in " + status);
  }

  /**
   * Creates the connector as an operator's script would after a worker died: while the group has
   * not noticed (the request is forwarded to the dead leader: 500 "IO Error trying to forward") or
   * is rebalancing (409), it asks again; any other answer counts at once.
   */
  private void create(String name, Map<String, String> config) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    KafkaProcesses.Response r = KafkaProcesses.send(any(), "PUT", "/connectors/" + name + "/config", config);
    while ((r.status() == 409 || (r.status() == 500 && r.body().contains("trying to forward")))
        && System.nanoTime() < deadline) {
      Thread.sleep(500);
      r = KafkaProcesses.send(any(), "PUT", "/connectors/" + name + "/config", config);
    }
    assertThat(r.status()).as(r.body()).isIn(200, 201);
  }

  private void delete(String name) throws Exception {
    KafkaProcesses.send(any(), "DELETE", "/connectors/" + name, Map.of());
  }

  private void waitTasksRunning(String name, int tasks) throws InterruptedException {
    KafkaProcesses.waitFor(name + " has " + tasks + " running tasks", Duration.ofSeconds(90), () -> {
      JsonNode s = kafka.get(any(), "/connectors/" + name + "/status").orElse(null);
      if (s == null || s.path("tasks").size() != tasks) {
        return false;
      }
      for (JsonNode t : s.path("tasks")) {
        if (!t.path("state").asText().equals("RUNNING")) {
          return false;
        }
      }
      return true;
    }, null);
  }

  private Map<String, String> source(String topic, String folders) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", "io.mailbridge.kafka.ImapSourceConnector");
    p.put("tasks.max", "2");
    p.put("imap.host", stack.host());
    p.put("imap.port", String.valueOf(stack.imapsPort()));
    p.put("imap.security", "ssl_tls");
    p.put("imap.ca.file", stack.caFile());
    p.put("imap.user", stack.bob().user());
    p.put("imap.password", stack.bob().password());
    p.put("folders", folders);
    p.put("topic", topic);
    p.put("start", "all");
    p.put("batch.size", "25");
    p.put("poll.interval.ms", "300");
    return p;
  }

  private void seed(String folder, int n) {
    stack.resetFolder(stack.bob(), folder);
    List<byte[]> mails = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      mails.add(TestMessages.plain("sender@example.test", stack.bob().user(), folder + " " + i, 300));
    }
    try (ImapSeeder s = StackMailbox.bob(stack).seeder()) {
      s.append(folder, mails, "");
    }
  }

  /** Reads a topic from the start, adding every record's key to {@code keys}, until {@code until} holds. */
  private final class Reader implements AutoCloseable {
    final KafkaConsumer<String, byte[]> consumer;
    final List<String> keys = new ArrayList<>();
    final String topic;

    Reader(String topic, boolean readCommitted) {
      Properties p = new Properties();
      p.put("bootstrap.servers", "127.0.0.1:" + kafka.brokerPort);
      p.put("key.deserializer", StringDeserializer.class.getName());
      p.put("value.deserializer", ByteArrayDeserializer.class.getName());
      p.put("isolation.level", readCommitted ? "read_committed" : "read_uncommitted");
      p.put("auto.offset.reset", "earliest");
      consumer = new KafkaConsumer<>(p);
      this.topic = topic;
    }

    /** Assigns every partition of the topic once it exists (the worker creates it with its first record). */
    private boolean assigned() {
      if (!consumer.assignment().isEmpty()) {
        return true;
      }
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(topic, Duration.ofSeconds(5)).forEach(i -> parts.add(new TopicPartition(topic,
          i.partition())));
      if (parts.isEmpty()) {
        return false;
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      return true;
    }

    int distinct() {
      return new HashSet<>(keys).size();
    }

    void readUntil(String what, Duration timeout, java.util.function.BooleanSupplier until) {
      long end = System.nanoTime() + timeout.toNanos();
      while (!until.getAsBoolean()) {
        if (System.nanoTime() > end) {
          throw new AssertionError(what + " not within " + timeout.toSeconds() + " s: " + keys.size() + " records, "
              + distinct() + " distinct");
        }
        if (!assigned()) {
          sleep(200);
          continue;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          keys.add(r.key());
        }
      }
    }

    /** Reads whatever arrives during this time (a duplicate would come late). */
    void drain(Duration time) {
      long end = System.nanoTime() + time.toNanos();
      while (System.nanoTime() < end) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          keys.add(r.key());
        }
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }

  /**
   * How many tasks started reading the folder without a stored offset, over every worker's log: a
   * task that took the folder over from a killed worker must resume from the committed offset.
   */
  private long firstStarts(String folder) throws java.io.IOException {
    return logLines(l -> l.contains("imap source first start") && l.contains(" folder=" + folder + " "));
  }

  /** How many lines of all worker logs match. */
  private long logLines(java.util.function.Predicate<String> match) throws java.io.IOException {
    long n = 0;
    for (Worker w : everyWorker) {
      if (java.nio.file.Files.exists(w.log)) {
        n += java.nio.file.Files.readAllLines(w.log).stream().filter(match).count();
      }
    }
    return n;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  @Order(1)
  void aWrongPasswordIsRejectedByValidationOnThePasswordKey() throws Exception {
    Map<String, String> config = source("kc-never", "INBOX");
    config.put("name", "kc-wrong");
    config.put("imap.password", "not-" + stack.bob().password());
    KafkaProcesses.Response r = KafkaProcesses.send(any(), "PUT",
        "/connector-plugins/ImapSourceConnector/config/validate", config);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    List<String> errors = new ArrayList<>();
    for (JsonNode c : r.json().path("configs")) {
      c.path("value").path("errors").forEach(e -> errors.add(c.path("value").path("name").asText() + ": "
          + e.asText()));
    }
    assertThat(errors).singleElement().asString().startsWith("imap.password: imap.password failed the connection check")
        .contains("login rejected for '" + stack.bob().user() + "'").doesNotContain(stack.bob().password());

    KafkaProcesses.Response created = KafkaProcesses.send(any(), "PUT", "/connectors/kc-wrong/config", config);
    assertThat(created.status()).as("creating the connector is refused: " + created.body()).isEqualTo(400);
    assertThat(created.body()).contains("imap.password").contains("login rejected");
  }

  @Test
  @Order(2)
  void anUnreachableServerFailsTheTasksWithTheReasonWithinTheBound() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Map<String, String> src = source("kc-unreachable", "INBOX");
    src.put("tasks.max", "1");
    src.put("imap.port", String.valueOf(closed));
    src.put("imap.security", "none");
    src.put("imap.allow.plaintext", "true");
    src.put("imap.connect.retry.max.duration.ms", "5000");
    src.put("imap.connect.retry.backoff.ms", "500");
    src.put("validate.connection.timeout.ms", "0"); // the server went away after the connector was set up
    Map<String, String> sink = ConnectCluster.sinkProps("kc-unreachable-mail", "kc-unreachable-dlq");
    sink.put("smtp.host", stack.host());
    sink.put("smtp.port", String.valueOf(closed));
    sink.put("smtp.security", "none");
    sink.put("smtp.allow.plaintext", "true");
    sink.put("mail.from.default", "sender@example.test");
    sink.put("send.max.attempts", "1");
    sink.put("retry.backoff.ms", "500");
    sink.put("smtp.connect.retry.max.duration.ms", "5000");
    sink.put("validate.connection.timeout.ms", "0");
    long t0 = System.nanoTime();
    create("kc-unreachable-source", src);
    create("kc-unreachable-sink", sink);
    try (KafkaProducer<String, String> producer = producer()) {
      producer.send(new ProducerRecord<>("kc-unreachable-mail", "{\"to\":\"alice@example.test\",\"subject\":\"x\"}"))
          .get();
    }
    String sourceTrace = failedTrace("kc-unreachable-source");
    long sourceMs = (System.nanoTime() - t0) / 1_000_000;
    String sinkTrace = failedTrace("kc-unreachable-sink");
    long sinkMs = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("unreachable: source task FAILED after %d ms, sink task after %d ms (bound 5000 ms)%n", sourceMs,
        sinkMs);
    assertThat(sourceTrace).contains("imap.connect.retry.max.duration.ms=5000").contains("check imap.port");
    assertThat(sinkTrace).contains("smtp.connect.retry.max.duration.ms=5000").contains("check smtp.port");
    assertThat(sourceMs).as("FAILED soon after the 5 s bound (task start included)").isLessThan(40_000);
    assertThat(sinkMs).isLessThan(40_000);
    delete("kc-unreachable-source");
    delete("kc-unreachable-sink");
  }

  private String failedTrace(String connector) throws InterruptedException {
    String[] trace = {null};
    KafkaProcesses.waitFor(connector + " task FAILED", Duration.ofSeconds(60), () -> {
      JsonNode s = kafka.get(any(), "/connectors/" + connector + "/status").orElse(null);
      if (s == null) {
        return false;
      }
      for (JsonNode t : s.path("tasks")) {
        if (t.path("state").asText().equals("FAILED")) {
          trace[0] = t.path("trace").asText();
          return true;
        }
      }
      return false;
    }, null);
    return trace[0];
  }

  private static boolean leadersElected(Admin admin, String topic) {
    try {
      return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return false; // not known to the broker answering yet
    }
  }

  private KafkaProducer<String, String> producer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", "127.0.0.1:" + kafka.brokerPort);
    p.put("key.serializer", StringSerializer.class.getName());
    p.put("value.serializer", StringSerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  @Test
  @Order(3)
  void atLeastOnceAKilledWorkersSourceTaskLosesNoMail() throws Exception {
    twoWorkers();
    int each = 500;
    seed("kc-alo-a", each);
    seed("kc-alo-b", each);
    stack.resetFolder(stack.bob(), "kc-alo-done");
    Map<String, String> config = source("kc-alo", "kc-alo-a,kc-alo-b");
    config.put("post.action", "move:kc-alo-done");
    long t0 = System.nanoTime();
    create("kc-alo", config);
    waitTasksRunning("kc-alo", 2);
    long running = System.nanoTime();
    try (Reader reader = new Reader("kc-alo", false)) {
      reader.readUntil("a third published", MOVE, () -> reader.distinct() >= 2 * each / 3);
      // Past offset.flush.interval.ms: an offset of each folder is committed before the kill.
      reader.readUntil("an offset commit", MOVE, () -> System.nanoTime() - running > 7_000_000_000L);
      killWorkerOfTask0("kc-alo");
      reader.readUntil("every mail published after the kill", MOVE, () -> reader.distinct() == 2 * each);
      long ms = (System.nanoTime() - t0) / 1_000_000;
      int duplicates = reader.keys.size() - reader.distinct();
      System.out.printf("at-least-once: %d mails, 0 missing, %d published twice, %d ms%n", 2 * each, duplicates, ms);
      assertThat(reader.distinct()).isEqualTo(2 * each);
      assertThat(List.of(firstStarts("kc-alo-a"), firstStarts("kc-alo-b")))
          .as("the task on the other worker resumed from the committed offset").containsExactly(1L, 1L);
      KafkaProcesses.waitFor("every mail moved to the done folder", Duration.ofSeconds(60),
          () -> stack.messageCount(stack.bob(), "kc-alo-done") == 2 * each, null);
      delete("kc-alo");
    }
  }

  @Test
  @Order(4)
  void startNowAKilledWorkersSourceTaskMissesNoMailArrivingMeanwhile() throws Exception {
    twoWorkers();
    int total = 400;
    seed("kc-now", 30); // there before the connector: never published with start=now
    Map<String, String> config = source("kc-now", "kc-now");
    config.put("tasks.max", "1");
    config.put("start", "now");
    config.put("heartbeat.topic", "kc-now-beats");
    create("kc-now", config);
    waitTasksRunning("kc-now", 1);
    try (Reader beats = new Reader("kc-now-beats", false)) {
      beats.readUntil("the first position as a heartbeat", MOVE, () -> beats.keys.size() >= 1);
    }
    Thread.sleep(6_000); // offset.flush.interval.ms: the position is committed
    AtomicBoolean feeding = new AtomicBoolean(true);
    Thread feeder = new Thread(() -> {
      try (ImapSeeder s = StackMailbox.bob(stack).seeder()) {
        for (int i = 0; i < total && feeding.get(); i += 10) {
          List<byte[]> batch = new ArrayList<>();
          for (int j = i; j < i + 10; j++) {
            batch.add(TestMessages.plain("sender@example.test", stack.bob().user(), "kc-now new " + j, 300));
          }
          s.append("kc-now", batch, "");
          Thread.sleep(250);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    feeder.start();
    try (Reader reader = new Reader("kc-now", false)) {
      reader.readUntil("a quarter published", MOVE, () -> reader.distinct() >= total / 4);
      killWorkerOfTask0("kc-now");
      feeder.join(120_000);
      reader.readUntil("every new mail published after the kill", MOVE, () -> reader.distinct() >= total);
      reader.drain(Duration.ofSeconds(4));
      System.out.printf("start=now: %d new mails, 0 missing, %d published twice%n", total,
          reader.keys.size() - reader.distinct());
      assertThat(reader.distinct()).as("only the mail that arrived after the start").isEqualTo(total);
      delete("kc-now");
    } finally {
      feeding.set(false);
    }
  }

  @Test
  @Order(5)
  void aKilledWorkersSinkTaskSendsNoMailTwiceWithSkipIfAlreadySent() throws Exception {
    twoWorkers();
    // The kill must find records sent but not yet committed, or the scenario proves nothing.
    int total = 1200;
    String topic = "kc-mail-" + RUN;
    String subject = "kc-sink-" + RUN + "-";
    stack.resetFolder(stack.bob(), "kc-sent");
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
      // The topic exists before its partitions have a leader: a record produced then is refused
      // (NOT_LEADER_OR_FOLLOWER) and the producer's retries can end in sequence errors until its
      // delivery timeout drops the records.
      KafkaProcesses.waitFor("the topic's partitions have a leader", MOVE, () -> leadersElected(admin, topic), null);
    }
    try (KafkaProducer<String, String> producer = producer()) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 0; i < total; i++) {
        sent.add(producer.send(new ProducerRecord<>(topic, i % 2, null, "{\"to\":\"" + stack.alice().user()
            + "\",\"subject\":\"" + subject + i + "\",\"text\":\"mail " + i + "\"}")));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get(MOVE.toSeconds(), TimeUnit.SECONDS); // every record is in the topic, or the set-up fails here
      }
    }
    Map<String, String> sink = ConnectCluster.sinkProps(topic, topic + "-dlq");
    sink.put("tasks.max", "2");
    sink.put("smtp.host", stack.host());
    sink.put("smtp.port", String.valueOf(stack.submissionPort()));
    sink.put("smtp.security", "starttls");
    sink.put("smtp.ca.file", stack.caFile());
    sink.put("smtp.user", stack.bob().user());
    sink.put("smtp.password", stack.bob().password());
    sink.put("sent.copy", "true");
    sink.put("skip.if.already.sent", "true");
    sink.put("sent.folder", "kc-sent");
    sink.put("imap.port", String.valueOf(stack.imapsPort()));
    sink.put("consumer.override.max.poll.records", "20");
    String name = "kc-mailer-" + RUN;
    create(name, sink);
    waitTasksRunning(name, 2);
    // The kill must land while task 0 has records sent (their copies in kc-sent, written before each
    // send) whose offsets are not yet committed. Timed by the whole folder it could come before task 0's
    // consumer was given a partition, or after a commit that covered all it had sent: the new owner
    // would then get nothing already sent, and the scenario would prove nothing.
    TopicPartition own = partitionOfTask(name, 0);
    KafkaProcesses.waitFor("task 0 has records sent and not committed", MOVE,
        () -> sentNotCommitted(name, own) >= 10, null);
    killWorkerOfTask0(name);
    System.out.printf("sink failover: task 0 killed on %s with %d records sent and not committed%n", own,
        sentNotCommitted(name, own));
    // A record whose send the kill interrupted (its Sent copy written, not yet confirmed) is not
    // mailed again by the new owner: it goes to the dead letter queue with an unknown outcome.
    String dlq = topic + "-dlq";
    KafkaProcesses.waitFor("every record mailed or set aside", MOVE, () -> {
      Set<String> settled = new HashSet<>(deliveredSubjects(subject));
      settled.addAll(setAside(dlq).keySet());
      return settled.size() >= total;
    }, null);
    Thread.sleep(5_000); // a duplicate would be on its way now
    List<String> ids = delivered(subject);
    Set<String> mailed = new HashSet<>(deliveredSubjects(subject));
    Map<String, String> unknown = setAside(dlq);
    System.out.printf("sink failover: %d records, %d mails delivered, %d distinct Message-IDs, %d set aside as "
        + "unknown (%d of them mailed)%n", total, ids.size(), new HashSet<>(ids).size(), unknown.size(),
        unknown.keySet().stream().filter(mailed::contains).count());
    long skipped = logLines(l -> l.contains("send skipped messageId=<" + topic + ".") && l.contains("folder=kc-sent"));
    System.out.printf("sink failover: %d records delivered again were found in kc-sent and not sent%n", skipped);
    assertThat(ids).as("no Message-ID delivered twice").doesNotHaveDuplicates();
    Set<String> all = new HashSet<>(mailed);
    all.addAll(unknown.keySet());
    assertThat(all).as("every record mailed or set aside").hasSize(total);
    // At most the one message each task of the killed worker had between its copy and its confirmation.
    assertThat(unknown).as("records set aside").hasSizeLessThanOrEqualTo(2)
        .allSatisfy((s, reason) -> assertThat(reason).contains("outcome unknown").contains("kc-sent")
            .contains("may or may not have been delivered"));
    assertThat(unconfirmedCopies("kc-sent")).as("unconfirmed copies in kc-sent").isEqualTo(unknown.size());
    assertThat(skipped).as("the new owner got records already sent (else the kill proved nothing)").isPositive();
    delete(name);
  }

  /** An admin client of the cluster's broker (the caller closes it). */
  private Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", "127.0.0.1:" + kafka.brokerPort));
  }

  /** The one partition the consumer of the sink task {@code task} owns, once the group is stable. */
  private TopicPartition partitionOfTask(String connector, int task) throws Exception {
    String client = "connector-consumer-" + connector + "-" + task;
    TopicPartition[] owned = new TopicPartition[1];
    try (Admin admin = admin()) {
      KafkaProcesses.waitFor("the sink's two tasks own a partition each", MOVE, () -> {
        org.apache.kafka.clients.admin.ConsumerGroupDescription group;
        try {
          group = admin.describeConsumerGroups(List.of("connect-" + connector)).all().get(30, TimeUnit.SECONDS)
              .get("connect-" + connector);
        } catch (Exception e) {
          throw new IllegalStateException("cannot describe the sink's consumer group: " + e, e);
        }
        if (group.state() != org.apache.kafka.common.ConsumerGroupState.STABLE || group.members().size() != 2) {
          return false;
        }
        for (var m : group.members()) {
          Set<TopicPartition> parts = m.assignment().topicPartitions();
          if (parts.size() != 1) {
            return false;
          }
          if (m.clientId().equals(client)) {
            owned[0] = parts.iterator().next();
          }
        }
        return owned[0] != null;
      }, null);
    }
    return owned[0];
  }

  /**
   * How many records of the partition have their Sent copy in kc-sent at or past the offset the
   * sink's consumer group committed: sent (or being sent) and due again to whoever owns it next.
   */
  private long sentNotCommitted(String connector, TopicPartition p) {
    long committed;
    try (Admin admin = admin()) {
      var offset = admin.listConsumerGroupOffsets("connect-" + connector).partitionsToOffsetAndMetadata()
          .get(30, TimeUnit.SECONDS).get(p);
      committed = offset == null ? 0 : offset.offset();
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the sink's committed offsets: " + e, e);
    }
    String prefix = p.topic() + "." + p.partition() + ".";
    String out = stack.doveadm("-f", "flow", "fetch", "-u", stack.bob().user(), "hdr.message-id", "mailbox",
        "kc-sent", "header", "Message-ID", prefix);
    long n = 0;
    for (String line : out.split("\n")) {
      int at = line.indexOf(prefix);
      if (at >= 0) {
        String rest = line.substring(at + prefix.length());
        long offset = Long.parseLong(rest.substring(0, rest.indexOf('.')));
        n += offset >= committed ? 1 : 0;
      }
    }
    return n;
  }

  /** The subjects of the mails in alice's INBOX whose subject starts with the prefix. */
  private List<String> deliveredSubjects(String subjectPrefix) {
    String out = stack.doveadm("-f", "flow", "fetch", "-u", stack.alice().user(), "hdr.subject", "mailbox",
        "INBOX", "header", "Subject", subjectPrefix);
    List<String> subjects = new ArrayList<>();
    for (String line : out.split("\n")) {
      int at = line.indexOf(subjectPrefix);
      if (at >= 0) {
        subjects.add(line.substring(at).strip());
      }
    }
    return subjects;
  }

  /** The records in the dead letter queue: each record's subject, with the reason the sink gave. */
  private Map<String, String> setAside(String dlq) {
    Map<String, String> out = new HashMap<>();
    try (Admin admin = admin()) {
      if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(dlq)) {
        return out; // the worker creates it with the first record it sets aside
      }
    } catch (Exception e) {
      throw new IllegalStateException("cannot list the topics: " + e, e);
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", "127.0.0.1:" + kafka.brokerPort);
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = new ArrayList<>();
      consumer.partitionsFor(dlq, Duration.ofSeconds(10)).forEach(i -> parts.add(new TopicPartition(dlq,
          i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp)) && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode value;
          try {
            value = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.value());
          } catch (java.io.IOException e) {
            throw new IllegalStateException("a record in " + dlq + " is not the JSON produced: " + e, e);
          }
          out.put(value.path("subject").asText(), ConnectCluster.header(r, "__connect.errors.exception.message"));
        }
      }
    }
    return out;
  }

  /** How many messages in bob's folder still carry the mark of a send not confirmed. */
  private int unconfirmedCopies(String folder) {
    String out = stack.doveadm("search", "-u", stack.bob().user(), "mailbox", folder, "keyword",
        "$MailbridgeUnconfirmed");
    return (int) out.lines().filter(l -> !l.isBlank()).count();
  }

  /** The Message-IDs of the mails in alice's INBOX whose subject starts with the prefix. */
  private List<String> delivered(String subjectPrefix) {
    String out = stack.doveadm("-f", "flow", "fetch", "-u", stack.alice().user(), "hdr.message-id", "mailbox",
        "INBOX", "header", "Subject", subjectPrefix);
    List<String> ids = new ArrayList<>();
    for (String line : out.split("\n")) {
      int lt = line.indexOf('<');
      if (lt >= 0) {
        ids.add(line.substring(lt).strip());
      }
    }
    return ids;
  }

  @Test
  @Order(6)
  void exactlyOnceAKilledWorkersSourceTaskPublishesNoMailTwice() throws Exception {
    startWorkers("kc-eos", true);
    int each = 500;
    seed("kc-eos-a", each);
    seed("kc-eos-b", each);
    Map<String, String> config = source("kc-eos", "kc-eos-a,kc-eos-b");
    config.put("exactly.once.support", "required");
    long t0 = System.nanoTime();
    create("kc-eos", config);
    waitTasksRunning("kc-eos", 2);
    try (Reader reader = new Reader("kc-eos", true)) {
      reader.readUntil("a third published", MOVE, () -> reader.distinct() >= 2 * each / 3);
      killWorkerOfTask0("kc-eos");
      reader.readUntil("every mail published after the kill", MOVE, () -> reader.distinct() == 2 * each);
      reader.drain(Duration.ofSeconds(4));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      System.out.printf("exactly-once: %d mails, %d records read committed, %d ms%n", 2 * each, reader.keys.size(),
          ms);
      assertThat(reader.distinct()).isEqualTo(2 * each);
      assertThat(reader.keys).as("read_committed: no mail twice").hasSize(2 * each);
      assertThat(List.of(firstStarts("kc-eos-a"), firstStarts("kc-eos-b")))
          .as("the task on the other worker resumed from the committed offset").containsExactly(1L, 1L);
    }
  }
}
