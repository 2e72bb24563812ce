package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.testkit.ScriptedSmtpServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The task's delivery semantics against a scripted SMTP server: retriable, DLQ, unknown outcome. */
class SmtpSinkTaskTest {
  private ScriptedSmtpServer server;
  private final SmtpSinkTask task = new SmtpSinkTask();

  @AfterEach
  void stop() throws IOException {
    task.stop();
    if (server != null) {
      server.close();
    }
  }

  /** Hand-written SinkTaskContext: records the reported records and the redelivery timeout. */
  private static final class Context implements SinkTaskContext {
    final List<String> reported = new ArrayList<>();
    final boolean withReporter;
    long timeout = -1;

    Context(boolean withReporter) {
      this.withReporter = withReporter;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
      return !withReporter ? null : (ErrantRecordReporter) (SinkRecord r, Throwable e) -> {
        reported.add(r.kafkaOffset() + ": " + e.getMessage());
        Future<Void> done = CompletableFuture.completedFuture(null);
        return done;
      };
    }

    @Override
    public void timeout(long timeoutMs) {
      this.timeout = timeoutMs;
    }

    @Override
    public Map<String, String> configs() {
      return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {}

    @Override
    public void offset(TopicPartition tp, long offset) {}

    @Override
    public Set<TopicPartition> assignment() {
      return Set.of();
    }

    @Override
    public void pause(TopicPartition... partitions) {}

    @Override
    public void resume(TopicPartition... partitions) {}

    @Override
    public void requestCommit() {}
  }

  private Context start(int port, boolean withReporter, String... kv) {
    Context context = new Context(withReporter);
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      props.put(kv[i], kv[i + 1]);
    }
    props.put("name", "task-test");
    props.put("smtp.host", "127.0.0.1");
    props.put("smtp.port", String.valueOf(port));
    props.put("smtp.security", "none");
    props.put("smtp.allow.plaintext", "true");
    props.put("mail.from.default", "sender@example.test");
    props.putIfAbsent("send.max.attempts", "1");
    props.putIfAbsent("retry.backoff.ms", "1234");
    task.initialize(context);
    task.start(props);
    return context;
  }

  private static SinkRecord mail(long offset, String to) {
    return new SinkRecord("out", 0, null, null, null,
        "{\"to\":\"" + to + "\",\"subject\":\"s" + offset + "\",\"text\":\"t\"}", offset);
  }

  @Test
  void temporaryRefusalIsRetriableAndTheRedeliveredBatchSkipsTheRecordsAlreadySent() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> "").keepMessages()
        .recipients((rcpt, seen) -> rcpt.equals("later@example.test") && seen == 0 ? "451 4.3.0 try later" : "");
    Context context = start(server.port(), true);
    List<SinkRecord> batch = List.of(mail(0, "a@example.test"), mail(1, "later@example.test"),
        mail(2, "b@example.test"));

    assertThatThrownBy(() -> task.put(batch))
        .isInstanceOf(RetriableException.class)
        .hasMessageContaining("1 of 3 messages failed temporarily")
        .hasMessageContaining("record out/0@1")
        .hasMessageContaining("451 4.3.0 try later");
    assertThat(server.subjects()).containsExactly("s0", "s2");
    assertThat(context.timeout).isEqualTo(1234);

    task.put(batch); // Kafka Connect redelivers the same batch
    assertThat(server.subjects()).as("s0 and s2 not sent twice").containsExactly("s0", "s2", "s1");
    assertThat(context.reported).isEmpty();

    task.put(List.of(mail(3, "a@example.test")));
    assertThat(server.subjects()).containsExactly("s0", "s2", "s1", "s3");
    assertThat(server.connections()).as("one connection for the task, reused across put()").isEqualTo(1);
  }

  @Test
  void aBatchGoesAsBdatTransactionsInFlightWhereTheServerOffersChunking() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> "").offering("PIPELINING", "CHUNKING").keepMessages()
        .recipients((rcpt, seen) -> rcpt.equals("gone@example.test") ? "550 5.1.1 no such user" : "");
    Context context = start(server.port(), true);
    task.put(List.of(mail(0, "a@example.test"), mail(1, "b@example.test"), mail(2, "gone@example.test"),
        mail(3, "c@example.test"), mail(4, "d@example.test")));
    assertThat(server.commands().stream().filter(c -> c.matches("BDAT \\d+ LAST")).count())
        .as("every record with a follower in one window").isEqualTo(5);
    assertThat(server.count("DATA")).isZero();
    // The refusal inside the window is the record's own: the others are sent once, in order.
    assertThat(server.subjects()).containsExactly("s0", "s1", "s3", "s4");
    assertThat(context.reported).singleElement().asString().startsWith("2: ").contains("550 5.1.1 no such user");
    assertThat(server.connections()).isOne();
  }

  @Test
  void chunkingOffSendsDataToAServerThatOffersChunking() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> "").offering("PIPELINING", "CHUNKING").keepMessages();
    start(server.port(), true, "send.chunking", "false");
    task.put(List.of(mail(0, "a@example.test"), mail(1, "b@example.test"), mail(2, "c@example.test")));
    assertThat(server.count("BDAT")).isZero();
    assertThat(server.count("DATA")).isEqualTo(3);
    assertThat(server.subjects()).containsExactly("s0", "s1", "s2");
  }

  @Test
  void connectionClosedByTheServerWhileIdleIsReopenedWithoutSpendingAnAttempt() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> event.equals("END") && n == 0
        ? ScriptedSmtpServer.thenClose("250 2.0.0 Ok: queued") : "").keepMessages();
    Context context = start(server.port(), true); // send.max.attempts=1

    task.put(List.of(mail(0, "a@example.test")));
    task.put(List.of(mail(1, "a@example.test")));

    assertThat(server.subjects()).containsExactly("s0", "s1");
    assertThat(server.connections()).isEqualTo(2);
    assertThat(context.reported).isEmpty();
  }

  @Test
  void permanentRefusalGoesToTheDeadLetterQueueAndTheBatchGoesOn() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> "").keepMessages()
        .recipients((rcpt, seen) -> rcpt.startsWith("gone") ? "550 5.1.1 no such user" : "");
    Context context = start(server.port(), true);

    task.put(List.of(mail(0, "gone@example.test"), mail(1, "a@example.test")));

    assertThat(server.subjects()).containsExactly("s1");
    assertThat(context.reported).singleElement().asString()
        .startsWith("0: record out/0@0 message <out.0.0.")
        .contains("refused").contains("550 5.1.1 no such user");
  }

  @Test
  void replyLostAfterTheDataIsReportedAsOutcomeUnknownAndNeverResent() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> event.equals("END") && n == 0 ? null : "").keepMessages();
    Context context = start(server.port(), true);

    task.put(List.of(mail(0, "a@example.test"), mail(1, "b@example.test")));

    assertThat(context.reported).singleElement().asString().startsWith("0: record out/0@0").contains("outcome unknown");
    assertThat(server.subjects()).containsExactly("s1");
  }

  @Test
  void badRecordWithoutDeadLetterQueueFailsTheTaskBeforeAnythingIsSent() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> "").keepMessages();
    start(server.port(), false);
    SinkRecord bad = new SinkRecord("out", 0, null, null, null, "{\"subject\":\"no recipient\"}", 5);

    assertThatThrownBy(() -> task.put(List.of(mail(4, "a@example.test"), bad)))
        .isInstanceOf(ConnectException.class)
        .isNotInstanceOf(RetriableException.class)
        .hasMessage("record out/0@5: no recipient: give at least one of to, cc or bcc (and 0 more bad records in "
            + "this batch): set errors.tolerance=all and errors.deadletterqueue.topic.name to set bad records aside "
            + "in a dead letter queue, or fix the producer");
    assertThat(server.subjects()).isEmpty();
  }

  @Test
  void badRecordsGoToTheDeadLetterQueueAndTombstonesAreSkipped() throws Exception {
    server = new ScriptedSmtpServer(0, (c, event, n) -> "").keepMessages();
    Context context = start(server.port(), true);
    SinkRecord bad = new SinkRecord("out", 0, null, null, null, "{\"to\":\"not an address\"}", 1);
    SinkRecord tombstone = new SinkRecord("out", 0, null, null, null, null, 2);

    task.put(List.of(mail(0, "a@example.test"), bad, tombstone, mail(3, "b@example.test")));

    assertThat(server.subjects()).containsExactly("s0", "s3");
    assertThat(context.reported).singleElement().asString().startsWith("1: record out/0@1: to");
  }

  @Test
  void unreachableServerIsRetriable() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Context context = start(closedPort, true);

    assertThatThrownBy(() -> task.put(List.of(mail(0, "a@example.test"))))
        .isInstanceOf(RetriableException.class).hasMessageContaining(String.valueOf(closedPort));
    assertThat(context.timeout).isEqualTo(1234);
  }

  @Test
  void unreachableServerFailsTheTaskWithTheReasonAfterTheConfiguredBound() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Context context = start(closedPort, true, "smtp.connect.retry.max.duration.ms", "600", "retry.backoff.ms", "100");

    long started = System.nanoTime();
    int retriable = 0;
    Throwable last = null;
    while (System.nanoTime() - started < 30_000_000_000L) {
      try {
        task.put(List.of(mail(0, "a@example.test")));
      } catch (RetriableException e) {
        retriable++;
        assertThat(context.timeout).isBetween(0L, 100L);
        Thread.sleep(context.timeout); // as the worker does before it redelivers
        continue;
      } catch (ConnectException e) {
        last = e;
      }
      break;
    }
    assertThat(retriable).as("retried before failing").isGreaterThanOrEqualTo(2);
    assertThat(last).as("the task fails once the outage outlasted the bound").isNotNull()
        .isNotInstanceOf(RetriableException.class)
        .hasMessageContaining("smtp.connect.retry.max.duration.ms=600")
        .hasMessageContaining("connection refused: check smtp.port")
        .hasMessageNotContaining("outbound.");
  }
}
