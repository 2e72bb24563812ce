package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.ImapSessionSampler;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One IMAP source reading alice, bob and carol on the real Dovecot, one connection per mailbox and
 * two per server: two tasks, one of them visiting two mailboxes in turn. Dovecot's session count is
 * sampled while the connector runs.
 */
@RealServer
class ImapSourceMailboxesIT {
  private static final String[] FOLDERS = {"fleet-k-a", "fleet-k-b"};
  private static EmbeddedConnectCluster connect;

  @BeforeAll
  static void startCluster() {
    connect = ConnectCluster.start("imap-source-mailboxes-it", Map.of());
  }

  @AfterAll
  static void stopCluster() {
    if (connect != null) {
      connect.stop();
    }
  }

  @Test
  void threeMailboxesUnderAServerBudgetOfTwoPublishEachMessageOnce(MailStack stack) throws Exception {
    List<MailStack.User> users = List.of(stack.alice(), stack.bob(), stack.carol());
    for (MailStack.User u : users) {
      for (String f : FOLDERS) {
        new StackMailbox(stack, u).reset(f);
        append(stack, u, f, 1, 3);
      }
    }
    String topic = "imap-mailboxes";
    connect.kafka().createTopic(topic, 1);
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", "io.mailbridge.kafka.ImapSourceConnector");
    p.put("tasks.max", "3");
    p.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
    p.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
    p.put("value.converter.schemas.enable", "false");
    p.put("imap.host", stack.host());
    p.put("imap.port", String.valueOf(stack.imapsPort()));
    p.put("imap.ca.file", stack.caFile());
    p.put("imap.user", stack.alice().user());
    p.put("imap.password", stack.alice().password());
    p.put("folders", String.join(",", FOLDERS));
    p.put("mailboxes", "bob,carol");
    p.put("mailbox.bob.imap.user", stack.bob().user());
    p.put("mailbox.bob.imap.password", stack.bob().password());
    p.put("mailbox.carol.imap.user", stack.carol().user());
    p.put("mailbox.carol.imap.password", stack.carol().password());
    p.put("max.connections", "1");
    p.put("imap.max.connections.per.server", "2");
    p.put("topic", topic);
    p.put("start", "all");
    p.put("poll.interval.ms", "200");
    Map<String, Integer> loginsBefore = stack.imapLogins();
    try (ImapSessionSampler who = ImapSessionSampler.start(stack)) {
      connect.configureConnector("imap-mailboxes", p);
      connect.assertions().assertConnectorAndExactlyNumTasksAreRunning("imap-mailboxes", 2, "source did not start");
      connect.kafka().consume(18, 60_000, topic);
      for (MailStack.User u : users) {
        for (String f : FOLDERS) {
          append(stack, u, f, 4, 4);
        }
      }
      connect.kafka().consume(24, 60_000, topic);
      Thread.sleep(1000); // a duplicate would show up by now (poll interval 200 ms)
      who.stop();
      System.out.println("imap source mailboxes: doveadm who samples=" + who.samples() + " maxSessions="
          + who.maxTotal() + " maxPerUser=" + who.maxPerUser());
      assertThat(who.samples()).isGreaterThan(5);
      assertThat(who.maxTotal()).isBetween(1, 2);
      assertThat(who.maxPerUser().values()).allSatisfy(n -> assertThat(n).isEqualTo(1));
      // A visit's session lasts milliseconds, so the sampler need not catch every mailbox's; Dovecot's
      // log shows each mailbox had its own sessions during the run.
      Map<String, Integer> loginsAfter = stack.imapLogins();
      for (MailStack.User u : users) {
        assertThat(loginsAfter.getOrDefault(u.user(), 0) - loginsBefore.getOrDefault(u.user(), 0))
            .as("logins of %s during the run", u.user()).isPositive();
      }
    } finally {
      connect.deleteConnector("imap-mailboxes");
    }
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    connect.kafka().consumeAll(30_000, topic).forEach(records::add);
    List<String> keys = records.stream().map(r -> new String(r.key(), StandardCharsets.UTF_8)).toList();
    assertThat(keys).hasSize(24).doesNotHaveDuplicates();
    for (MailStack.User u : users) {
      List<String> expected = new ArrayList<>();
      for (String f : FOLDERS) {
        for (int i = 1; i <= 4; i++) {
          expected.add(subject(u, f, i));
        }
      }
      String prefix = "imap://" + u.user().replace("@", "%40") + "@";
      assertThat(records.stream().filter(r -> new String(r.key(), StandardCharsets.UTF_8).startsWith(prefix))
          .map(r -> ConnectCluster.header(r, "mailbridge.subject")).toList())
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static String subject(MailStack.User u, String folder, int i) {
    return u.user().substring(0, u.user().indexOf('@')) + " " + folder + " " + i;
  }

  /** Saved with doveadm, not over IMAP: the test's own sessions must not count against the budget. */
  private static void append(MailStack stack, MailStack.User u, String folder, int from, int to) {
    for (int i = from; i <= to; i++) {
      stack.save(u, folder, ("From: sender@example.test\r\nTo: " + u.user() + "\r\nSubject: "
          + subject(u, folder, i) + "\r\nMessage-ID: <" + folder + "." + i + "." + System.nanoTime()
          + "@fleet.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHello.\r\n")
          .getBytes(StandardCharsets.UTF_8));
    }
  }
}
