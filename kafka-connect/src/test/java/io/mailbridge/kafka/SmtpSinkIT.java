package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.kafka.internal.MessageIds;
import io.mailbridge.testkit.GreenMailFixture;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.HeaderTerm;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfo;
import org.apache.kafka.connect.runtime.rest.entities.ConfigInfos;
import org.apache.kafka.connect.runtime.rest.entities.ConfigValueInfo;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SMTP sink on a real Kafka Connect worker (EmbeddedConnectCluster: in-JVM KRaft broker + one
 * distributed worker), sending to GreenMail in the same JVM and to the real Postfix/Dovecot stack.
 * One cluster for the class: it takes most of the time.
 */
class SmtpSinkIT {
  private static final String DLQ_REASON = "__connect.errors.exception.message";
  private static EmbeddedConnectCluster connect;
  private static final GreenMailFixture greenMail = new GreenMailFixture();

  @BeforeAll
  static void startCluster() {
    greenMail.start();
    connect = ConnectCluster.start("smtp-sink-it", Map.of());
  }

  @AfterAll
  static void stopCluster() {
    if (connect != null) {
      connect.stop();
    }
    greenMail.stop();
  }

  @Test
  void sendsEachRecordAsMailAndSetsTheBadOneAsideInTheDeadLetterQueue() throws Exception {
    String topic = "mail-out";
    String dlq = "mail-out-dlq";
    connect.kafka().createTopic(topic, 1);
    Map<String, String> props = ConnectCluster.sinkProps(topic, dlq);
    props.put("smtp.host", "127.0.0.1");
    props.put("smtp.port", String.valueOf(greenMail.smtpPort()));
    props.put("smtp.security", "none");
    props.put("smtp.allow.plaintext", "true");
    props.put("mail.from.default", "Reports <reports@example.test>");
    connect.configureConnector("smtp-sink", props);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("smtp-sink", 1, "sink did not start");

    String bad = "{\"to\":[\"alice@example.test\"],\"subject\":\"kafka-bad\\r\\nBcc: mallory@example.test\","
        + "\"text\":\"injected\"}";
    List<String> values = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      values.add(i == 2 ? bad : good(i));
    }
    values.forEach(v -> connect.kafka().produce(topic, null, v));

    assertThat(greenMail.greenMail().waitForIncomingEmail(60_000, 5)).as("5 mails delivered").isTrue();
    ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(1, 60_000, dlq);
    Thread.sleep(500); // a sixth (wrong) mail would arrive by now
    MimeMessage[] got = greenMail.greenMail().getReceivedMessages();
    assertThat(got).as("one copy per recipient: 5 mails x (to + cc)").hasSize(10);
    List<String> subjects = new ArrayList<>();
    for (MimeMessage m : got) {
      subjects.add(m.getSubject());
      int offset = Integer.parseInt(m.getSubject().substring("kafka-".length()));
      assertThat(m.getMessageID()).isEqualTo(MessageIds.of("smtp-sink", topic, 0, offset, "example.test"));
      assertThat(m.getHeader("From", null)).isEqualTo("Reports <reports@example.test>");
      assertThat(m.getHeader("To", null)).isEqualTo("alice@example.test");
      assertThat(m.getHeader("Cc", null)).isEqualTo("carol@example.test");
      assertThat(attachment(m)).isEqualTo("data-" + offset);
    }
    assertThat(subjects).containsOnly("kafka-0", "kafka-1", "kafka-3", "kafka-4", "kafka-5").hasSize(10);

    assertThat(ConnectCluster.values(dead)).containsExactly(bad);
    ConsumerRecord<byte[], byte[]> d = dead.iterator().next();
    assertThat(ConnectCluster.header(d, DLQ_REASON)).contains("record mail-out/0@2").contains("subject");
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("smtp-sink", 1, "sink task died");
    // Task metrics over JMX: tagged with connector and task, counted by the library's Send.
    String task = "mailbridge:type=smtp-sink-task-metrics,connector=smtp-sink,task=0,*";
    assertThat(Jmx.value(task, "messages-sent-total")).isEqualTo(5);
    assertThat(Jmx.value(task, "bytes-sent-total")).isGreaterThan(5 * 300);
    assertThat(Jmx.values(task, "messages-sent-total").keySet()).singleElement().asString()
        .contains("mailbox=\"127.0.0.1:" + greenMail.smtpPort() + "\"", "operation=send");
    connect.deleteConnector("smtp-sink");
    ImapSourceIT.waitFor(() -> Jmx.count(task) == 0, "task MBeans unregistered at stop");
  }

  /** Record {@code i}: to alice, cc carol, subject kafka-i, one text attachment data-i. */
  private static String good(int i) {
    String content = Base64.getEncoder().encodeToString(("data-" + i).getBytes(StandardCharsets.UTF_8));
    return "{\"to\":[\"alice@example.test\"],\"cc\":\"carol@example.test\",\"subject\":\"kafka-" + i + "\","
        + "\"text\":\"hello " + i + "\",\"attachments\":[{\"content\":\"" + content + "\",\"name\":\"data-" + i
        + ".txt\",\"contentType\":\"text/plain\"}]}";
  }

  private static String attachment(MimeMessage m) throws Exception {
    Multipart mp = (Multipart) m.getContent();
    for (int i = 0; i < mp.getCount(); i++) {
      Part p = mp.getBodyPart(i);
      if (Part.ATTACHMENT.equalsIgnoreCase(p.getDisposition())) {
        assertThat(p.getFileName()).startsWith("data-");
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no attachment in " + m.getSubject());
  }

  @Test
  void workerRestValidationNamesTheKeyAtFaultAndHidesThePassword() {
    Map<String, String> props = ConnectCluster.sinkProps("mail-validate", "mail-validate-dlq");
    props.put("smtp.host", "127.0.0.1");
    props.put("smtp.security", "none");
    props.put("smtp.user", "bob@example.test");
    props.put("smtp.password", "never-shown-pw");
    props.put("name", "smtp-sink-validate");
    ConfigInfos result = connect.validateConnectorConfig("SmtpSinkConnector", props);

    assertThat(result.values().stream().map(ConfigInfo::configValue).filter(v -> !v.errors().isEmpty())
        .map(v -> v.name() + ": " + v.errors()).toList()).hasSize(1);
    assertThat(result.errorCount()).isEqualTo(1);
    ConfigValueInfo security = result.values().stream().map(ConfigInfo::configValue)
        .filter(v -> v.name().equals("smtp.security")).findFirst().orElseThrow();
    assertThat(security.errors()).singleElement().asString().startsWith("smtp.security=none sends the login and mail "
        + "unencrypted").contains("smtp.allow.plaintext=true");
    ConfigValueInfo password = result.values().stream().map(ConfigInfo::configValue)
        .filter(v -> v.name().equals("smtp.password")).findFirst().orElseThrow();
    assertThat(password.value()).isNotEqualTo("never-shown-pw");
  }

  @Test
  @RealServer
  void deliversThroughPostfixWithStarttlsAndSendsThe550RecordToTheDeadLetterQueue(MailStack stack) throws Exception {
    String topic = "mail-stack";
    String dlq = "mail-stack-dlq";
    String run = UUID.randomUUID().toString().substring(0, 8);
    connect.kafka().createTopic(topic, 1);
    Map<String, String> props = ConnectCluster.sinkProps(topic, dlq);
    props.put("smtp.host", stack.host());
    props.put("smtp.port", String.valueOf(stack.submissionPort()));
    props.put("smtp.security", "starttls");
    props.put("smtp.user", stack.bob().user());
    props.put("smtp.password", stack.bob().password());
    props.put("smtp.ca.file", stack.caFile());
    props.put("send.max.attempts", "1");
    connect.configureConnector("smtp-sink-stack", props);
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("smtp-sink-stack", 1, "sink did not start");

    String refused = "{\"to\":\"nobody-" + run + "@example.test\",\"subject\":\"kafka-" + run + "-refused\","
        + "\"text\":\"to nobody\"}";
    connect.kafka().produce(topic, null, stackMail(run, 0));
    connect.kafka().produce(topic, null, refused);
    connect.kafka().produce(topic, null, stackMail(run, 2));

    for (int offset : new int[] {0, 2}) {
      String id = MessageIds.of("smtp-sink-stack", topic, 0, offset, "example.test");
      List<Message> found = findInBobsInbox(stack, id);
      assertThat(found).as("delivered once: " + id).hasSize(1);
      assertThat(found.get(0).getSubject()).isEqualTo("kafka-" + run + "-" + offset);
      assertThat(found.get(0).getHeader("Delivered-To")[0]).isEqualTo("bob+kafka@example.test");
    }
    ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(1, 60_000, dlq);
    assertThat(ConnectCluster.values(dead)).containsExactly(refused);
    assertThat(ConnectCluster.header(dead.iterator().next(), DLQ_REASON))
        .contains("record mail-stack/0@1").contains("550");
    connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("smtp-sink-stack", 1, "sink task died");
    String task = "mailbridge:type=smtp-sink-task-metrics,connector=smtp-sink-stack,task=0,*";
    assertThat(Jmx.value(task, "messages-sent-total")).isEqualTo(2);
    // The 550 is counted as an error of kind "rejected" (permanent refusal by the server).
    assertThat(Jmx.value(task + ",kind=rejected", "errors-total")).isEqualTo(1);
    connect.deleteConnector("smtp-sink-stack");
    // Clean up only what this test delivered to bob (subjects kafka-<run>-*).
    stack.doveadm("expunge", "-u", stack.bob().user(), "mailbox", "INBOX", "subject", "kafka-" + run);
  }

  private static String stackMail(String run, int offset) {
    return "{\"from\":\"Bob <bob@example.test>\",\"to\":\"bob+kafka@example.test\",\"subject\":\"kafka-" + run + "-"
        + offset + "\",\"text\":\"via Kafka Connect\"}";
  }

  /** Bob's INBOX messages with this Message-ID, waiting up to 30 s for one to arrive. */
  private static List<Message> findInBobsInbox(MailStack stack, String messageId) throws Exception {
    Endpoint imaps = Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(stack.bob().user(), Secret.of(stack.bob().password())))
        .build();
    long deadline = System.currentTimeMillis() + 30_000;
    try (ImapClient imap = ImapClient.open(imaps, new Properties(), false)) {
      IMAPStore store = imap.store();
      while (true) {
        IMAPFolder f = (IMAPFolder) store.getFolder("INBOX");
        f.open(Folder.READ_ONLY);
        try {
          Message[] found = f.search(new HeaderTerm("Message-ID", messageId));
          if (found.length > 0 || System.currentTimeMillis() > deadline) {
            List<Message> out = new ArrayList<>();
            for (Message m : found) {
              out.add(new MimeMessage((MimeMessage) m));
            }
            return out;
          }
        } finally {
          f.close(false);
        }
        Thread.sleep(200);
      }
    }
  }
}
