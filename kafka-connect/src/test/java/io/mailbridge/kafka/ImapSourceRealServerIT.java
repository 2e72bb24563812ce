package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.apache.kafka.connect.util.clusters.WorkerHandle;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IMAP source on a Connect worker reading the real Dovecot stack over IMAPS (user carol, folders
 * {@code ks-*}): records carry the right properties and attachment bytes, and a worker restarted in
 * the middle of a folder loses nothing and repeats at most the batch in flight; the password can come
 * from a config provider, and attachments can travel as records of their own.
 */
@RealServer
class ImapSourceRealServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int BATCH = 5;
  private EmbeddedConnectCluster connect;

  @AfterEach
  void stopCluster() {
    if (connect != null) {
      connect.stop();
    }
  }

  private static Map<String, String> sourceProps(MailStack stack, String topic, String folders) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", "io.mailbridge.kafka.ImapSourceConnector");
    p.put("tasks.max", "2");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    p.put("imap.host", stack.host());
    p.put("imap.port", String.valueOf(stack.imapsPort()));
    p.put("imap.security", "ssl_tls");
    p.put("imap.ca.file", stack.caFile());
    p.put("imap.user", stack.carol().user());
    p.put("imap.password", stack.carol().password());
    p.put("folders", folders);
    p.put("topic", topic);
    p.put("start", "all");
    p.put("batch.size", String.valueOf(BATCH));
    p.put("poll.interval.ms", "200");
    p.put("attachments.mode", "inline");
    return p;
  }

  private static void append(MailStack stack, String folder, List<byte[]> mails) {
    try (ImapSeeder s = StackMailbox.carol(stack).seeder()) {
      s.append(folder, mails, "");
    }
  }

  private static List<byte[]> plain(MailStack stack, String prefix, int n) {
    List<byte[]> out = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      out.add(TestMessages.plain("dave@example.test", stack.carol().user(), prefix + " " + i, 300));
    }
    return out;
  }

  @Test
  void publishesDovecotMailWithPropertiesAndAttachmentBytesAndSurvivesAWorkerRestart(MailStack stack)
      throws Exception {
    String a = "ks-source-a";
    String b = "ks-source-b";
    stack.resetFolder(stack.carol(), a);
    stack.resetFolder(stack.carol(), b);
    byte[] pdf = new byte[48 * 1024];
    new Random(7).nextBytes(pdf);
    List<byte[]> first = new ArrayList<>();
    first.add(TestMessages.withAttachment("dave@example.test", stack.carol().user(), "Invoice", "invoice.pdf", pdf));
    first.addAll(plain(stack, "A", 19));
    append(stack, a, first);
    append(stack, b, plain(stack, "B", 20));

    connect = ConnectCluster.start("imap-source-real-it", Map.of());
    String topic = "ks-source";
    connect.kafka().createTopic(topic, 2);
    connect.configureConnector("ks-source", sourceProps(stack, topic, a + "," + b));
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("ks-source", 2, "source did not start");
    connect.kafka().consume(40, 120_000, topic);

    List<ConsumerRecord<byte[], byte[]>> records = all(topic);
    assertThat(records).hasSize(40);
    ConsumerRecord<byte[], byte[]> invoice = records.stream()
        .filter(r -> "Invoice".equals(ConnectCluster.header(r, "mailbridge.subject"))).findFirst().orElseThrow();
    assertThat(ConnectCluster.header(invoice, "mailbridge.folder")).isEqualTo(a);
    assertThat(ConnectCluster.header(invoice, "mailbridge.fromAddress")).isEqualTo("dave@example.test");
    assertThat(ConnectCluster.header(invoice, "mailbridge.toAddress")).isEqualTo("[\"" + stack.carol().user() + "\"]");
    assertThat(ConnectCluster.header(invoice, "mailbridge.fileName")).isEqualTo("[\"invoice.pdf\"]");
    JsonNode v = JSON.readTree(invoice.value());
    assertThat(v.get("key").asText()).isEqualTo(new String(invoice.key(), StandardCharsets.UTF_8))
        .startsWith("imap://").contains("/" + a + ";UIDVALIDITY=");
    assertThat(v.get("uid").asLong()).isPositive();
    assertThat(v.get("receivedDate").asText()).isNotBlank();
    JsonNode att = v.get("attachments").get(0);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf));
    assertThat(att.get("sha256").asText()).isEqualTo(sha);
    assertThat(att.get("size").asLong()).isEqualTo(pdf.length);
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(att.get("content").binaryValue())))
        .as("the bytes in the record are the attachment's").isEqualTo(sha);

    // Restart the worker while the source is in the middle of 200 new mails.
    append(stack, a, plain(stack, "Late A", 100));
    append(stack, b, plain(stack, "Late B", 100));
    connect.kafka().consume(50, 120_000, topic);
    WorkerHandle worker = connect.workers().iterator().next();
    connect.removeWorker(worker);
    int beforeRestart = all(topic).size();
    connect.addWorker();
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("ks-source", 2, "source did not come back");
    connect.kafka().consume(240, 180_000, topic);
    Thread.sleep(2000); // any further duplicate would show up by now

    List<ConsumerRecord<byte[], byte[]>> after = all(topic);
    List<String> keys = after.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    Set<String> distinct = new HashSet<>(keys);
    assertThat(distinct).as("nothing lost: 240 mails").hasSize(240);
    int duplicates = keys.size() - distinct.size();
    System.out.printf("worker restart after %d of 240 records: %d duplicate(s)%n", beforeRestart, duplicates);
    assertThat(duplicates).as("at most the batch in flight of each of the 2 tasks").isLessThanOrEqualTo(2 * BATCH);
    assertThat(beforeRestart).as("the restart happened mid-stream").isLessThan(240);
    connect.deleteConnector("ks-source");
  }

  @Test
  void passwordFromAConfigProviderAndAttachmentsAsRecordsOfTheirOwn(MailStack stack, @TempDir Path dir)
      throws Exception {
    String folder = "ks-source-parts";
    stack.resetFolder(stack.carol(), folder);
    byte[] pdf = new byte[20 * 1024];
    new Random(11).nextBytes(pdf);
    append(stack, folder, List.of(
        TestMessages.withAttachment("dave@example.test", stack.carol().user(), "Parts", "parts.pdf", pdf),
        TestMessages.plain("dave@example.test", stack.carol().user(), "No parts", 100)));
    Path secrets = Files.writeString(dir.resolve("mail.properties"), "password=" + stack.carol().password() + "\n");

    connect = ConnectCluster.start("imap-source-parts-it", Map.of("config.providers", "file",
        "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"));
    connect.kafka().createTopic("ks-mail", 1);
    connect.kafka().createTopic("ks-parts", 1);
    Map<String, String> p = sourceProps(stack, "ks-mail", folder);
    p.put("tasks.max", "1");
    p.put("imap.password", "${file:" + secrets + ":password}");
    p.put("attachments.mode", "topic");
    p.put("attachments.topic", "ks-parts");
    connect.configureConnector("ks-parts", p);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("ks-parts", 1, "source did not start");
    connect.kafka().consume(2, 120_000, "ks-mail");
    connect.kafka().consume(1, 60_000, "ks-parts");

    // The worker resolved the placeholder; the stored configuration keeps it, never the password.
    assertThat(connect.connectorInfo("ks-parts").config().get("imap.password")).startsWith("${file:")
        .doesNotContain(stack.carol().password());
    List<ConsumerRecord<byte[], byte[]>> parts = all("ks-parts");
    assertThat(parts).hasSize(1);
    ConsumerRecord<byte[], byte[]> part = parts.get(0);
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(pdf));
    // JsonConverter without schemas writes bytes as a base64 JSON string.
    byte[] bytes = JSON.readTree(part.value()).binaryValue();
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))).isEqualTo(sha);
    assertThat(ConnectCluster.header(part, "mailbridge.fileName")).isEqualTo("parts.pdf");
    ConsumerRecord<byte[], byte[]> mailRecord = all("ks-mail").stream()
        .filter(r -> "Parts".equals(ConnectCluster.header(r, "mailbridge.subject"))).findFirst().orElseThrow();
    JsonNode listed = JSON.readTree(mailRecord.value()).get("attachments").get(0);
    assertThat(listed.get("recordKey").asText()).isEqualTo(new String(part.key(), StandardCharsets.UTF_8));
    assertThat(listed.get("content").isNull()).isTrue();
    assertThat(listed.get("sha256").asText()).isEqualTo(sha);
    connect.deleteConnector("ks-parts");
  }

  private List<ConsumerRecord<byte[], byte[]>> all(String topic) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    connect.kafka().consumeAll(30_000, topic).forEach(out::add);
    return out;
  }
}
