package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.GreenMailFixture;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.TestMessages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.runtime.rest.entities.ConnectorStateInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IMAP source on a worker with {@code exactly.once.source.support=enabled}: records and offsets
 * are written in one transaction, and a task that fails in the middle of a batch leaves nothing a
 * {@code read_committed} consumer sees twice.
 */
class ImapSourceExactlyOnceIT {
  private static final Map<String, Object> READ_COMMITTED = Map.of("isolation.level", "read_committed");
  private static final Map<String, Object> READ_UNCOMMITTED = Map.of("isolation.level", "read_uncommitted");
  private static EmbeddedConnectCluster connect;
  private static final GreenMailFixture greenMail = new GreenMailFixture();

  @BeforeAll
  static void startCluster() {
    greenMail.start();
    connect = ConnectCluster.start("imap-source-eos-it", Map.of("exactly.once.source.support", "enabled"));
  }

  @AfterAll
  static void stopCluster() {
    if (connect != null) {
      connect.stop();
    }
    greenMail.stop();
  }

  private static Map<String, String> sourceProps(String user, String topic) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", "io.mailbridge.kafka.ImapSourceConnector");
    p.put("tasks.max", "1");
    // Connector creation fails unless the connector declares exactly-once support.
    p.put("exactly.once.support", "required");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    p.put("imap.host", "127.0.0.1");
    p.put("imap.port", String.valueOf(greenMail.imapPort()));
    p.put("imap.security", "none");
    p.put("imap.allow.plaintext", "true");
    p.put("imap.user", user);
    p.put("imap.password", GreenMailFixture.PASSWORD);
    p.put("folders", "INBOX");
    p.put("topic", topic);
    p.put("start", "all");
    p.put("poll.interval.ms", "200");
    return p;
  }

  private static List<String> subjects(Iterable<ConsumerRecord<byte[], byte[]>> records) {
    List<String> out = new ArrayList<>();
    records.forEach(r -> out.add(ConnectCluster.header(r, "mailbridge.subject")));
    return out;
  }

  @Test
  void aTaskFailingMidBatchLeavesEveryMailExactlyOnceForReadCommittedConsumers() throws Exception {
    String user = greenMail.user("eos");
    String topic = "imap-eos";
    String name = "imap-eos";
    connect.kafka().createTopic(topic, 1);
    List<byte[]> mails = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= 10; i++) {
      mails.add(TestMessages.plain("bob@example.test", user, "Mail " + i, 100));
      expected.add("Mail " + i);
    }
    try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", greenMail.imapPort(), user, GreenMailFixture.PASSWORD)) {
      s.append("INBOX", mails, "");
    }
    Map<String, String> props = sourceProps(user, topic);
    props.put("batch.size", "4"); // polls: 1-4 (committed), 5-8 (5 and 6 sent, then the task fails at 7)
    props.put("transaction.boundary", "poll");
    props.put("transforms", "crash");
    props.put("transforms.crash.type", FailOnceTransform.class.getName());
    props.put("transforms.crash.subject", "Mail 7");
    connect.configureConnector(name, props);
    connect.assertions().assertConnectorIsRunningAndTasksHaveFailed(name, 1, "the task should fail at 'Mail 7'");

    connect.restartTask(name, 0);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "the task did not restart");
    connect.kafka().consume(10, 60_000, READ_COMMITTED, topic);
    Thread.sleep(1500); // a duplicate would show up by now (poll interval 200 ms)

    List<String> committed = subjects(connect.kafka().consumeAll(30_000, READ_COMMITTED, null, topic));
    List<String> everything = subjects(connect.kafka().consumeAll(30_000, READ_UNCOMMITTED, null, topic));
    assertThat(everything).as("the failed batch's records reached the log before the failure")
        .containsSubsequence("Mail 5", "Mail 6", "Mail 5", "Mail 6")
        .hasSize(12);
    assertThat(committed).as("read_committed: each mail exactly once, in UID order").containsExactlyElementsOf(expected);
    ConnectorStateInfo status = connect.connectorStatus(name);
    assertThat(status.tasks()).singleElement().extracting(ConnectorStateInfo.TaskState::state).isEqualTo("RUNNING");
    connect.deleteConnector(name);
  }
}
