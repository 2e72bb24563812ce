package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The source task's filter.* keys against the real Dovecot (the task driven without a worker, as in
 * {@link ImapSourceTaskTest}): only matching mail is published and acted on, and the search runs on
 * the server.
 */
@RealServer
class ImapSourceFilterIT {
  private final List<ImapSourceTask> tasks = new ArrayList<>();

  @AfterEach
  void stopTasks() {
    tasks.forEach(ImapSourceTask::stop);
  }

  private ImapSourceTask start(Map<String, String> props, Map<String, Object> storedOffset) {
    ImapSourceTask task = new ImapSourceTask();
    task.initialize(new ImapSourceTaskTest.Context(props, storedOffset));
    tasks.add(task);
    task.start(props);
    return task;
  }

  private static void save(MailStack stack, String folder, String from, String subject) {
    stack.save(stack.carol(), folder, TestMessages.plain(from, stack.carol().user(), subject, 100));
  }

  private static List<Object> subjects(List<SourceRecord> records) {
    return records.stream().filter(r -> r.topic().equals("mail-in")).map(r -> ((Struct) r.value()).get("subject"))
        .toList();
  }

  @Test
  void filterKeysPublishOnlyMatchingMailAndActOnlyOnIt(MailStack stack) throws Exception {
    String folder = "ks-filter";
    String done = "ks-filter-done";
    stack.resetFolder(stack.carol(), folder);
    stack.resetFolder(stack.carol(), done);
    save(stack, folder, "billing@example.test", "Invoice 1");
    save(stack, folder, "billing@example.test", "Hello");
    save(stack, folder, "friend@example.test", "Invoice 2");
    save(stack, folder, "billing@example.test", "Invoice 3");
    save(stack, folder, "friend@example.test", "Later");
    Map<String, String> p = new HashMap<>();
    p.put("imap.host", stack.host());
    p.put("imap.port", String.valueOf(stack.imapsPort()));
    p.put("imap.ca.file", stack.caFile());
    p.put("imap.user", stack.carol().user());
    p.put("imap.password", stack.carol().password());
    p.put("folders", folder);
    p.put("topic", "mail-in");
    p.put("heartbeat.topic", "beats");
    p.put("start", "all");
    p.put("poll.interval.ms", "10");
    p.put("post.action", "move:" + done);
    p.put("filter.subject", "Invoice");
    p.put("filter.from", "billing@");
    ImapSourceTask first = start(p, null);

    List<SourceRecord> records = ImapSourceTaskTest.pollAll(first);
    List<SourceRecord> mails = records.stream().filter(r -> r.topic().equals("mail-in")).toList();
    assertThat(subjects(records)).containsExactly("Invoice 1", "Invoice 3");
    // What did not match is passed over: the position reaches the folder's last UID (a heartbeat).
    SourceRecord last = records.get(records.size() - 1);
    assertThat(last.topic()).isEqualTo("beats");
    long firstUid = (Long) mails.get(0).sourceOffset().get("uid");
    assertThat(last.sourceOffset().get("uid")).isEqualTo(firstUid + 4);
    first.stop(); // Kafka acknowledged both records after the task's last poll: no post-action ran yet

    // A successor resuming at the last record's offset completes the post-actions of what was
    // published, which is only the matching mail between the offset's from and uid (Hello and
    // Invoice 2 lie in that range and stay), then publishes only new matching mail.
    save(stack, folder, "billing@example.test", "Invoice 4");
    save(stack, folder, "billing@example.test", "Receipt");
    ImapSourceTask next = start(p, new HashMap<>(mails.get(1).sourceOffset()));
    assertThat(subjects(ImapSourceTaskTest.pollAll(next))).containsExactly("Invoice 4");
    assertThat(stack.messageCount(stack.carol(), done)).isEqualTo(2);
    assertThat(stack.messageCount(stack.carol(), folder)).as("Hello, Invoice 2, Later, Invoice 4, Receipt")
        .isEqualTo(5);
    assertThat(stack.doveadm("search", "-u", stack.carol().user(), "mailbox", done, "all").lines().count())
        .isEqualTo(2);
  }
}
