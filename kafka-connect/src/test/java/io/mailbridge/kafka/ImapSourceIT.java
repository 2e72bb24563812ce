package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.store.MailFolder;
import io.mailbridge.testkit.GreenMailFixture;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The IMAP source on a real Kafka Connect worker (EmbeddedConnectCluster) reading GreenMail in the
 * same JVM. One cluster and one GreenMail for the class; each test owns its user, topic and connector.
 */
class ImapSourceIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static EmbeddedConnectCluster connect;
  private static final GreenMailFixture greenMail = new GreenMailFixture();

  @BeforeAll
  static void startCluster() {
    greenMail.start();
    connect = ConnectCluster.start("imap-source-it", Map.of());
  }

  @AfterAll
  static void stopCluster() {
    if (connect != null) {
      connect.stop();
    }
    greenMail.stop();
  }

  private static Map<String, String> sourceProps(String user, String topic, String folders) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", "io.mailbridge.kafka.ImapSourceConnector");
    p.put("tasks.max", "1");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    p.put("imap.host", "127.0.0.1");
    p.put("imap.port", String.valueOf(greenMail.imapPort()));
    p.put("imap.security", "none");
    p.put("imap.allow.plaintext", "true");
    p.put("imap.user", user);
    p.put("imap.password", GreenMailFixture.PASSWORD);
    p.put("folders", folders);
    p.put("topic", topic);
    p.put("start", "all");
    p.put("poll.interval.ms", "200");
    return p;
  }

  private static void seed(String user, String folder, byte[]... messages) {
    try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", greenMail.imapPort(), user, GreenMailFixture.PASSWORD)) {
      s.create(folder);
      if (messages.length > 0) {
        s.append(folder, List.of(messages), "");
      }
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> all(String topic) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    connect.kafka().consumeAll(30_000, topic).forEach(out::add);
    return out;
  }

  /** Waits until the topic holds {@code n} records, then a little longer, and returns everything on it. */
  private static List<ConsumerRecord<byte[], byte[]>> await(String topic, int n) throws Exception {
    connect.kafka().consume(n, 60_000, topic);
    Thread.sleep(1000); // a duplicate or an extra record would show up by now (poll interval 200 ms)
    return all(topic);
  }

  private static List<String> keys(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
  }

  private static JsonNode value(ConsumerRecord<byte[], byte[]> r) throws Exception {
    return JSON.readTree(r.value());
  }

  @Test
  void publishesMailOfTwoFoldersWithTrackedHeadersAndAttachmentHashes() throws Exception {
    String user = greenMail.user("two-folders");
    String topic = "imap-two-folders";
    connect.kafka().createTopic(topic, 1);
    byte[] csv = "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8);
    seed(user, "INBOX", TestMessages.withAttachment("bob@example.test", user, "Inbox report", "r.csv", csv),
        TestMessages.plain("bob@example.test", user, "Inbox hello", 200));
    seed(user, "Reports", TestMessages.plain("carol@example.test", user, "Reports one", 200));
    Map<String, String> props = sourceProps(user, topic, "INBOX,Reports");
    props.put("attachments.mode", "inline");
    connect.configureConnector("imap-two-folders", props);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("imap-two-folders", 1, "source did not start");

    List<ConsumerRecord<byte[], byte[]>> records = await(topic, 3);

    assertThat(records).hasSize(3);
    assertThat(keys(records)).doesNotHaveDuplicates().allMatch(k -> k.startsWith("imap://"));
    Map<String, ConsumerRecord<byte[], byte[]>> bySubject = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      bySubject.put(ConnectCluster.header(r, "mailbridge.subject"), r);
      JsonNode v = value(r);
      assertThat(v.get("key").asText()).isEqualTo(new String(r.key(), StandardCharsets.UTF_8));
      assertThat(v.get("subject").asText()).isEqualTo(ConnectCluster.header(r, "mailbridge.subject"));
      assertThat(ConnectCluster.header(r, "mailbridge.messageId")).isNotBlank();
    }
    assertThat(bySubject).containsOnlyKeys("Inbox report", "Inbox hello", "Reports one");
    ConsumerRecord<byte[], byte[]> report = bySubject.get("Inbox report");
    assertThat(ConnectCluster.header(report, "mailbridge.folder")).isEqualTo("INBOX");
    assertThat(ConnectCluster.header(report, "mailbridge.fromAddress")).isEqualTo("bob@example.test");
    assertThat(ConnectCluster.header(report, "mailbridge.fileName")).isEqualTo("[\"r.csv\"]");
    JsonNode attachment = value(report).get("attachments").get(0);
    assertThat(attachment.get("fileName").asText()).isEqualTo("r.csv");
    assertThat(attachment.get("sha256").asText())
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(csv)));
    assertThat(attachment.get("content").binaryValue()).isEqualTo(csv);
    assertThat(ConnectCluster.header(bySubject.get("Reports one"), "mailbridge.folder")).isEqualTo("Reports");
    connect.deleteConnector("imap-two-folders");
  }

  @Test
  void eachTaskPublishesItsCountsOverJmxTaggedWithConnectorTaskAndFolder() throws Exception {
    String user = greenMail.user("metrics");
    String topic = "imap-metrics";
    connect.kafka().createTopic(topic, 1);
    byte[] a = TestMessages.plain("bob@example.test", user, "Metrics a", 300);
    byte[] b = TestMessages.plain("bob@example.test", user, "Metrics b", 500);
    byte[] c = TestMessages.plain("carol@example.test", user, "Metrics c", 700);
    seed(user, "INBOX", a, b);
    seed(user, "Reports", c);
    Map<String, String> props = sourceProps(user, topic, "INBOX,Reports");
    props.put("tasks.max", "2"); // task 0 reads INBOX, task 1 Reports
    connect.configureConnector("imap-metrics", props);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("imap-metrics", 2, "source did not start");
    await(topic, 3);

    String mailbox = "mailbox=\"" + user + "@127.0.0.1:" + greenMail.imapPort() + "\"";
    String inbox = "mailbridge:type=imap-source-task-metrics,connector=imap-metrics,task=0," + mailbox
        + ",folder=INBOX,operation=source";
    String reports = "mailbridge:type=imap-source-task-metrics,connector=imap-metrics,task=1," + mailbox
        + ",folder=Reports,operation=source";
    waitFor(() -> Jmx.value(inbox, "messages-received-total") == 2
        && Jmx.value(reports, "messages-received-total") == 1, "received counts in JMX");
    assertThat(Jmx.value(inbox, "bytes-received-total")).isEqualTo(a.length + b.length);
    assertThat(Jmx.value(reports, "bytes-received-total")).isEqualTo(c.length);
    connect.deleteConnector("imap-metrics");
    waitFor(() -> Jmx.count("mailbridge:type=imap-source-task-metrics,connector=imap-metrics,*") == 0,
        "task MBeans unregistered at stop");
  }

  @Test
  void continuesAfterTheCommittedOffsetWhenTheConnectorRestarts() throws Exception {
    String user = greenMail.user("restart");
    String topic = "imap-restart";
    String name = "imap-restart";
    connect.kafka().createTopic(topic, 1);
    seed(user, "INBOX", TestMessages.plain("bob@example.test", user, "Before 1", 100),
        TestMessages.plain("bob@example.test", user, "Before 2", 100));
    connect.configureConnector(name, sourceProps(user, topic, "INBOX"));
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "source did not start");
    assertThat(await(topic, 2)).hasSize(2);

    connect.stopConnector(name); // a graceful stop commits the offsets of the acknowledged records
    connect.assertions().assertConnectorIsStopped(name, "source did not stop");
    seed(user, "INBOX", TestMessages.plain("bob@example.test", user, "While stopped", 100));
    connect.resumeConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "source did not resume");
    seed(user, "INBOX", TestMessages.plain("bob@example.test", user, "After restart", 100));

    List<ConsumerRecord<byte[], byte[]>> records = await(topic, 4);
    assertThat(records).extracting(r -> ConnectCluster.header(r, "mailbridge.subject"))
        .containsExactly("Before 1", "Before 2", "While stopped", "After restart");
    assertThat(keys(records)).doesNotHaveDuplicates();
    connect.deleteConnector(name);
  }

  @Test
  void threeTasksOverSixFoldersPublishEachMessageExactlyOnce() throws Exception {
    String user = greenMail.user("six-folders");
    String topic = "imap-six-folders";
    connect.kafka().createTopic(topic, 3);
    List<String> folders = List.of("ks-1", "ks-2", "ks-3", "ks-4", "ks-5", "ks-6");
    for (String f : folders) {
      seed(user, f, TestMessages.plain("bob@example.test", user, f + " a", 100),
          TestMessages.plain("bob@example.test", user, f + " b", 100));
    }
    Map<String, String> props = sourceProps(user, topic, String.join(",", folders));
    props.put("tasks.max", "3");
    connect.configureConnector("imap-six-folders", props);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("imap-six-folders", 3, "3 tasks expected");

    List<ConsumerRecord<byte[], byte[]>> records = await(topic, 12);

    assertThat(records).hasSize(12);
    assertThat(keys(records)).doesNotHaveDuplicates();
    List<String> expected = new ArrayList<>();
    folders.forEach(f -> expected.addAll(List.of(f + " a", f + " b")));
    assertThat(records).extracting(r -> ConnectCluster.header(r, "mailbridge.subject"))
        .containsExactlyInAnyOrderElementsOf(expected);
    connect.deleteConnector("imap-six-folders");
  }

  @Test
  void movesEachMessageToDoneAfterItsRecordWasAcknowledged() throws Exception {
    String user = greenMail.user("move");
    String topic = "imap-move";
    connect.kafka().createTopic(topic, 1);
    seed(user, "Done");
    seed(user, "INBOX", TestMessages.plain("bob@example.test", user, "Move 1", 100),
        TestMessages.plain("bob@example.test", user, "Move 2", 100),
        TestMessages.plain("bob@example.test", user, "Move 3", 100));
    Map<String, String> props = sourceProps(user, topic, "INBOX");
    props.put("post.action", "move:Done");
    connect.configureConnector("imap-move", props);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("imap-move", 1, "source did not start");

    List<ConsumerRecord<byte[], byte[]>> records = await(topic, 3);
    waitFor(() -> count(user, "INBOX") == 0 && count(user, "Done") == 3, "3 messages moved to Done");

    assertThat(records).extracting(r -> ConnectCluster.header(r, "mailbridge.subject"))
        .containsExactly("Move 1", "Move 2", "Move 3");
    Thread.sleep(1000);
    assertThat(all(topic)).as("moved messages are not published again").hasSize(3);
    connect.deleteConnector("imap-move");
  }

  @Test
  void heartbeatsCommitTheOffsetOfAQuietFolderSoMailArrivingWhileStoppedIsPublished() throws Exception {
    String user = greenMail.user("quiet");
    String topic = "imap-quiet";
    String beats = "imap-quiet-beats";
    String name = "imap-quiet";
    connect.kafka().createTopic(topic, 1);
    connect.kafka().createTopic(beats, 1);
    seed(user, "INBOX", TestMessages.plain("bob@example.test", user, "Old 1", 100),
        TestMessages.plain("bob@example.test", user, "Old 2", 100),
        TestMessages.plain("bob@example.test", user, "Old 3", 100));
    Map<String, String> props = sourceProps(user, topic, "INBOX");
    props.put("start", "now");
    props.put("heartbeat.topic", beats);
    connect.configureConnector(name, props);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "source did not start");
    waitFor(() -> committedUid(name) == 3, "the start position (uid 3) committed by a heartbeat");

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "source did not stop");
    seed(user, "INBOX", TestMessages.plain("bob@example.test", user, "Gone 1", 100),
        TestMessages.plain("bob@example.test", user, "Gone 2", 100));
    expunge(user, "INBOX", "Gone");
    connect.resumeConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "source did not resume");
    waitFor(() -> committedUid(name) == 5, "the offset moved past the expunged uids 4 and 5");

    connect.stopConnector(name);
    connect.assertions().assertConnectorIsStopped(name, "source did not stop");
    seed(user, "INBOX", TestMessages.plain("bob@example.test", user, "While stopped", 100));
    connect.resumeConnector(name);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(name, 1, "source did not resume");

    List<ConsumerRecord<byte[], byte[]>> records = await(topic, 1);
    assertThat(records).extracting(r -> ConnectCluster.header(r, "mailbridge.subject"))
        .as("start=now applies once; afterwards the committed position counts").containsExactly("While stopped");
    List<ConsumerRecord<byte[], byte[]>> heartbeats = all(beats);
    assertThat(heartbeats).hasSize(2);
    JsonNode last = value(heartbeats.get(1));
    assertThat(last.get("folder").asText()).isEqualTo("INBOX");
    assertThat(last.get("uid").asLong()).isEqualTo(5);
    waitFor(() -> committedUid(name) == 6, "the mail record's offset committed");
    connect.deleteConnector(name);
  }

  /** The uid of the connector's committed offset for its only partition, or -1. */
  private static long committedUid(String connector) {
    var offsets = connect.connectorOffsets(connector).offsets();
    return offsets.isEmpty() ? -1 : ((Number) offsets.get(0).offset().get("uid")).longValue();
  }

  /** Deletes and expunges the folder's messages whose subject starts with {@code prefix}. */
  private static void expunge(String user, String folder, String prefix) throws Exception {
    jakarta.mail.Session session = jakarta.mail.Session.getInstance(new java.util.Properties());
    try (jakarta.mail.Store store = session.getStore("imap")) {
      store.connect("127.0.0.1", greenMail.imapPort(), user, GreenMailFixture.PASSWORD);
      jakarta.mail.Folder f = store.getFolder(folder);
      f.open(jakarta.mail.Folder.READ_WRITE);
      for (jakarta.mail.Message m : f.getMessages()) {
        if (m.getSubject().startsWith(prefix)) {
          m.setFlag(jakarta.mail.Flags.Flag.DELETED, true);
        }
      }
      f.close(true);
    }
  }

  private static int count(String user, String folder) {
    try {
      MailFolder f = greenMail.greenMail().getManagers().getImapHostManager()
          .getFolder(greenMail.greenMail().getUserManager().getUser(user), folder);
      return f == null ? 0 : f.getMessageCount();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(100);
    }
  }
}
