package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.icegreen.greenmail.store.MailFolder;
import io.mailbridge.testkit.GreenMailFixture;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The source task against GreenMail without a worker: a hand-written context stands in for Connect. */
class ImapSourceTaskTest {
  @RegisterExtension
  final GreenMailFixture mail = new GreenMailFixture();
  private final List<ImapSourceTask> tasks = new ArrayList<>();

  @AfterEach
  void stopTasks() {
    tasks.forEach(ImapSourceTask::stop);
  }

  private Map<String, String> props(String user, String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("imap.host", "127.0.0.1");
    p.put("imap.port", String.valueOf(mail.imapPort()));
    p.put("imap.security", "none");
    p.put("imap.allow.plaintext", "true");
    p.put("imap.user", user);
    p.put("imap.password", GreenMailFixture.PASSWORD);
    p.put("topic", "mail-in");
    p.put("start", "all");
    p.put("poll.interval.ms", "10");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  private ImapSourceTask start(Map<String, String> props, Map<String, Object> storedOffset) {
    ImapSourceTask task = new ImapSourceTask();
    task.initialize(new Context(props, storedOffset));
    tasks.add(task);
    task.start(props);
    return task;
  }

  private void seed(String user, String folder, byte[]... messages) {
    try (ImapSeeder s = ImapSeeder.plain("127.0.0.1", mail.imapPort(), user, GreenMailFixture.PASSWORD)) {
      s.create(folder);
      s.append(folder, List.of(messages), "");
    }
  }

  private int count(String user, String folder) throws Exception {
    MailFolder f = mail.greenMail().getManagers().getImapHostManager()
        .getFolder(mail.greenMail().getUserManager().getUser(user), folder);
    return f == null ? 0 : f.getMessageCount();
  }

  /** Three polls, their records together. */
  static List<SourceRecord> pollAll(ImapSourceTask task) throws Exception {
    List<SourceRecord> out = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      List<SourceRecord> r = task.poll();
      if (r != null) {
        out.addAll(r);
      }
    }
    return out;
  }

  @Test
  void publishesEachMessageWithItsStableKeyTrackedHeadersAndInlineAttachment() throws Exception {
    String alice = mail.user("alice");
    byte[] pdf = "%PDF-1.4 invoice".getBytes(StandardCharsets.UTF_8);
    seed(alice, "INBOX", TestMessages.withAttachment("bob@example.test", alice, "Invoice 7", "invoice.pdf", pdf),
        TestMessages.plain("bob@example.test", alice, "Hello", 100));
    ImapSourceTask task = start(props(alice, "attachments.mode", "inline"), null);

    List<SourceRecord> records = pollAll(task);

    assertThat(records).hasSize(2);
    SourceRecord invoice = records.get(0);
    assertThat(invoice.topic()).isEqualTo("mail-in");
    assertThat(invoice.sourcePartition())
        .isEqualTo(Map.of("mailbox", alice + "@127.0.0.1:" + mail.imapPort(), "folder", "INBOX"));
    assertThat(invoice.sourceOffset().get("uid")).isEqualTo(1L);
    assertThat(invoice.sourceOffset().get("uidvalidity")).isNotNull();
    assertThat((String) invoice.key()).startsWith("imap://").endsWith(";UID=1");
    assertThat(invoice.headers().lastWithName("mailbridge.subject").value()).isEqualTo("Invoice 7");
    assertThat(invoice.headers().lastWithName("mailbridge.fromAddress").value()).isEqualTo("bob@example.test");
    assertThat(invoice.headers().lastWithName("mailbridge.fileName").value()).isEqualTo("[\"invoice.pdf\"]");
    Struct value = (Struct) invoice.value();
    assertThat(value.get("key")).isEqualTo(invoice.key());
    assertThat(value.get("subject")).isEqualTo("Invoice 7");
    assertThat((String) value.get("text")).contains("See attachment.");
    List<?> attachments = (List<?>) value.get("attachments");
    assertThat(attachments).hasSize(1);
    Struct a = (Struct) attachments.get(0);
    assertThat(a.get("fileName")).isEqualTo("invoice.pdf");
    assertThat(a.get("size")).isEqualTo((long) pdf.length);
    assertThat(a.get("sha256")).isEqualTo(sha256(pdf));
    assertThat((byte[]) a.get("content")).isEqualTo(pdf);
    assertThat(a.get("cacheKey")).as("no user cache directory").isNull();
    assertThat(((Struct) records.get(1).value()).get("attachments")).asList().isEmpty();
    Path cache = task.privateCache().orElseThrow();
    try (Stream<Path> files = Files.walk(cache)) {
      assertThat(files.filter(Files::isRegularFile)).as("private cache emptied after the poll").isEmpty();
    }
  }

  @Test
  void referenceModeCarriesNoBytes() throws Exception {
    String alice = mail.user("alice");
    byte[] data = "data".getBytes(StandardCharsets.UTF_8);
    seed(alice, "INBOX", TestMessages.withAttachment("bob@example.test", alice, "Ref", "d.bin", data));
    ImapSourceTask task = start(props(alice), null);
    Struct a = (Struct) ((List<?>) ((Struct) pollAll(task).get(0).value()).get("attachments")).get(0);
    assertThat(a.get("sha256")).isEqualTo(sha256(data));
    assertThat(a.get("content")).isNull();
  }

  @Test
  void movesMessagesOnlyAfterKafkaAcknowledgedTheirRecords() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "Done");
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "One", 100),
        TestMessages.plain("bob@example.test", alice, "Two", 100),
        TestMessages.plain("bob@example.test", alice, "Three", 100));
    ImapSourceTask task = start(props(alice, "post.action", "move:Done"), null);

    List<SourceRecord> records = pollAll(task);
    assertThat(records).hasSize(3);
    assertThat(count(alice, "INBOX")).as("nothing moved before the ack").isEqualTo(3);

    task.commitRecord(records.get(0), new RecordMetadata(new TopicPartition("mail-in", 0), 0, 0, 0, 0, 0));
    task.commitRecord(records.get(1), null); // dropped by a transform: handled as well
    assertThat(task.poll()).isNullOrEmpty();
    assertThat(count(alice, "INBOX")).as("the unacknowledged one stays").isEqualTo(1);
    assertThat(count(alice, "Done")).isEqualTo(2);
    assertThat(pollAll(task)).as("a moved message is not published again").isEmpty();
  }

  @Test
  void topicModeWritesEachAttachmentAsItsOwnRecordBeforeItsMailAndOnlyTheMailAcknowledges() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "Done");
    byte[] pdf = "%PDF-1.4 invoice 42".getBytes(StandardCharsets.UTF_8);
    seed(alice, "INBOX", TestMessages.withAttachment("bob@example.test", alice, "Invoice 42", "invoice.pdf", pdf),
        TestMessages.plain("bob@example.test", alice, "Hello", 100));
    ImapSourceTask task = start(props(alice, "attachments.mode", "topic", "attachments.topic", "mail-parts",
        "post.action", "move:Done"), null);

    List<SourceRecord> records = pollAll(task);
    assertThat(records).extracting(SourceRecord::topic).containsExactly("mail-parts", "mail-in", "mail-in");
    SourceRecord part = records.get(0);
    SourceRecord invoice = records.get(1);
    assertThat((byte[]) part.value()).isEqualTo(pdf);
    assertThat((String) part.key()).isEqualTo(invoice.key() + "/2");
    assertThat(part.headers().lastWithName("mailbridge.fileName").value()).isEqualTo("invoice.pdf");
    assertThat(part.headers().lastWithName("mailbridge.sha256").value()).isEqualTo(sha256(pdf));
    assertThat(part.headers().lastWithName("mailbridge.mailKey").value()).isEqualTo(invoice.key());
    // The attachment record carries the position before its mail: committing it alone skips nothing.
    assertThat(part.sourceOffset().get("uid")).isEqualTo(0L);
    assertThat(invoice.sourceOffset().get("uid")).isEqualTo(1L);
    Struct listed = ((Struct) invoice.value()).getArray("attachments").stream().map(Struct.class::cast)
        .findFirst().orElseThrow();
    assertThat(listed.getString("recordKey")).isEqualTo(part.key());
    assertThat(listed.getBytes("content")).isNull();

    task.commitRecord(part, null);
    assertThat(task.poll()).isNullOrEmpty();
    assertThat(count(alice, "Done")).as("an attachment record acknowledges nothing").isZero();
    task.commitRecord(invoice, null);
    assertThat(task.poll()).isNullOrEmpty();
    assertThat(count(alice, "Done")).isEqualTo(1);
  }

  @Test
  void topicModeNeedsItsOwnTopic() {
    String alice = mail.user("alice");
    assertThatThrownBy(() -> start(props(alice, "attachments.mode", "topic"), null))
        .hasMessageContaining("attachments.topic is missing");
    assertThatThrownBy(() -> start(props(alice, "attachments.mode", "topic", "attachments.topic", "mail-in"), null))
        .hasMessageContaining("give attachments their own topic");
    assertThatThrownBy(() -> start(props(alice, "attachments.topic", "mail-parts"), null))
        .hasMessageContaining("attachments.topic is set but attachments.mode is reference");
  }

  @Test
  void badFilterKeysAreRejectedNamingTheKey() {
    String alice = mail.user("alice");
    assertThatThrownBy(() -> start(props(alice, "filter.since", "yesterday"), null))
        .hasMessageContaining("filter.since 'yesterday' is not a day");
    assertThatThrownBy(() -> start(props(alice, "filter.imap", "SUBJECT x\r\nA1 LOGOUT"), null))
        .hasMessageContaining("filter.imap");
    assertThatThrownBy(() -> start(props(alice, "filter.subject", "Invoice\r\nA1 LOGOUT"), null))
        .hasMessageContaining("filter.subject is rejected");
  }

  @Test
  void theNextTaskCompletesPostActionsAcknowledgedAfterTheLastPollButNeverTouchesOlderMail() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "Done");
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "Old", 100));
    ImapSourceTask first = start(props(alice, "post.action", "move:Done", "start", "now"), null);
    assertThat(pollAll(first)).isEmpty();
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "New 1", 100),
        TestMessages.plain("bob@example.test", alice, "New 2", 100));
    List<SourceRecord> records = pollAll(first);
    assertThat(records).hasSize(2);
    first.stop(); // acknowledged (offset committed) after its last poll: no post-action ran

    ImapSourceTask next = start(props(alice, "post.action", "move:Done", "start", "now"),
        new HashMap<>(records.get(1).sourceOffset()));
    assertThat(pollAll(next)).isEmpty();
    assertThat(count(alice, "Done")).isEqualTo(2);
    assertThat(count(alice, "INBOX")).as("'Old' predates the start position").isEqualTo(1);
  }

  @Test
  void resumesAfterTheStoredOffsetAndStartsNowWithoutOne() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "One", 100),
        TestMessages.plain("bob@example.test", alice, "Two", 100));
    ImapSourceTask first = start(props(alice), null);
    List<SourceRecord> all = pollAll(first);
    assertThat(all).hasSize(2);
    first.stop();

    ImapSourceTask resumed = start(props(alice), new HashMap<>(all.get(0).sourceOffset()));
    assertThat(pollAll(resumed)).map(r -> (Object) ((Struct) r.value()).get("subject")).containsExactly("Two");

    ImapSourceTask fromNow = start(props(alice, "start", "now"), null);
    assertThat(pollAll(fromNow)).isEmpty();
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "Three", 100));
    assertThat(pollAll(fromNow)).map(r -> (Object) ((Struct) r.value()).get("subject")).containsExactly("Three");
  }

  @Test
  void appliesTheUidValidityPolicyWhenTheStoredOffsetIsFromAnotherFolderIncarnation() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "One", 100));
    Map<String, Object> stale = Map.of("uidvalidity", 1L, "uid", 99L);

    assertThat(pollAll(start(props(alice), new HashMap<>(stale)))).as("rescan").hasSize(1);
    assertThat(pollAll(start(props(alice, "uidvalidity.policy", "skip"), new HashMap<>(stale)))).isEmpty();
    ImapSourceTask failing = start(props(alice, "uidvalidity.policy", "fail"), new HashMap<>(stale));
    assertThatThrownBy(failing::poll).isInstanceOf(ConnectException.class)
        .hasMessageContaining("UIDVALIDITY of mailbox=" + alice).hasMessageContaining("uidvalidity.policy=fail");
  }

  @Test
  void startFailsFastOnAMissingFolderOrMoveTarget() {
    String alice = mail.user("alice");
    assertThatThrownBy(() -> start(props(alice, "folders", "Nope"), null)).isInstanceOf(ConnectException.class)
        .hasMessageContaining("folder 'Nope' does not exist");
    assertThatThrownBy(() -> start(props(alice, "post.action", "move:Nowhere"), null))
        .isInstanceOf(ConnectException.class).hasMessageContaining("move target folder 'Nowhere' does not exist");
  }

  @Test
  void valueIsAMailStructOfTheDocumentedSchemaThatJsonConverterRenders() throws Exception {
    String alice = mail.user("alice");
    byte[] csv = "a,b".getBytes(StandardCharsets.UTF_8);
    seed(alice, "INBOX", TestMessages.withAttachment("bob@example.test", alice, "Schema", "s.csv", csv));
    SourceRecord r = pollAll(start(props(alice, "attachments.mode", "inline"), null)).get(0);

    assertThat(r.valueSchema().name()).isEqualTo("io.mailbridge.kafka.Mail");
    Struct v = (Struct) r.value();
    v.validate();
    assertThat(r.valueSchema().fields()).extracting(org.apache.kafka.connect.data.Field::name).containsExactly(
        "key", "subject", "messageId", "fromAddress", "toAddress", "cc", "bcc", "replyTo", "receivedDate", "date",
        "folder", "fromFolder", "uid", "uidValidity", "size", "flags", "attachmentsCount", "contentType",
        "fileName", "text", "warnings", "attachments");
    assertThat(v.getArray("toAddress")).containsExactly(alice);
    assertThat(v.getArray("cc")).as("absent lists are empty, not null").isEmpty();
    assertThat(v.getInt64("uid")).isEqualTo(1L);
    assertThat(v.getInt32("attachmentsCount")).isEqualTo(1);
    assertThat(java.time.OffsetDateTime.parse(v.getString("receivedDate"))).isNotNull();
    Struct a = (Struct) v.getArray("attachments").get(0);
    assertThat(a.schema().name()).isEqualTo("io.mailbridge.kafka.MailAttachment");
    assertThat(a.getBytes("content")).isEqualTo(csv);
    assertThat(a.getString("sha256")).isEqualTo(sha256(csv));

    org.apache.kafka.connect.json.JsonConverter json = new org.apache.kafka.connect.json.JsonConverter();
    json.configure(Map.of("schemas.enable", "true"), false);
    com.fasterxml.jackson.databind.JsonNode tree = new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(json.fromConnectData("mail-in", r.valueSchema(), v));
    assertThat(tree.at("/schema/name").asText()).isEqualTo("io.mailbridge.kafka.Mail");
    assertThat(tree.at("/payload/subject").asText()).isEqualTo("Schema");
    assertThat(tree.at("/payload/attachments/0/content").binaryValue()).isEqualTo(csv);
  }

  @Test
  void aQuietFolderGetsOneHeartbeatPerPositionChangeButNoPostAction() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "Done");
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "Old 1", 100),
        TestMessages.plain("bob@example.test", alice, "Old 2", 100));
    ImapSourceTask task = start(props(alice, "start", "now", "heartbeat.topic", "beats", "post.action", "move:Done"),
        null);

    List<SourceRecord> first = pollAll(task);
    assertThat(first).as("start=now: the position, not the old mail").hasSize(1);
    SourceRecord beat = first.get(0);
    assertThat(beat.topic()).isEqualTo("beats");
    assertThat(beat.valueSchema().name()).isEqualTo("io.mailbridge.kafka.Heartbeat");
    assertThat(beat.sourceOffset().get("uid")).isEqualTo(2L);
    assertThat(((Struct) beat.value()).getInt64("uid")).isEqualTo(2L);
    assertThat(pollAll(task)).as("position unchanged: no further heartbeat").isEmpty();

    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "Gone 1", 100),
        TestMessages.plain("bob@example.test", alice, "Gone 2", 100));
    expungeAll(alice, "INBOX", "Gone");
    List<SourceRecord> second = pollAll(task);
    assertThat(second).as("expunged before being read: the position moves past them").hasSize(1);
    assertThat(second.get(0).topic()).isEqualTo("beats");
    assertThat(second.get(0).sourceOffset().get("uid")).isEqualTo(4L);

    task.commitRecord(second.get(0), new RecordMetadata(new TopicPartition("beats", 0), 0, 0, 0, 0, 0));
    assertThat(pollAll(task)).isEmpty();
    assertThat(count(alice, "INBOX")).as("a heartbeat is no acknowledgement of mail").isEqualTo(2);
  }

  @Test
  void withoutAHeartbeatTopicAQuietFolderHandsNothingToKafka() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "Old", 100));
    assertThat(pollAll(start(props(alice, "start", "now"), null))).isEmpty();
  }

  private static List<Object> subjects(List<SourceRecord> records) {
    return records.stream().map(r -> (Object) ((Struct) r.value()).get("subject")).toList();
  }

  private static byte[][] numbered(String to, String prefix, int n) {
    byte[][] m = new byte[n][];
    for (int i = 0; i < n; i++) {
      m[i] = TestMessages.plain("bob@example.test", to, prefix + (i + 1), 100);
    }
    return m;
  }

  @Test
  void theFirstBatchAfterStartIsShortSoKafkaGetsRecordsBeforeALargeBatchIsFetched() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "INBOX", numbered(alice, "M", 250));
    ImapSourceTask task = start(props(alice, "batch.size", "1000"), null);

    List<SourceRecord> first = task.poll();
    assertThat(first).as("the first batch stops at the short first size").hasSize(100);
    List<SourceRecord> second = task.poll();
    assertThat(second).as("then batch.size applies").hasSize(150);
    List<Object> all = new ArrayList<>(subjects(first));
    all.addAll(subjects(second));
    assertThat(all).as("every message once, in UID order").containsExactlyElementsOf(
        java.util.stream.IntStream.rangeClosed(1, 250).mapToObj(i -> (Object) ("M" + i)).toList());
  }

  @Test
  void aTaskStoppedWhileReadingAheadLosesAndRepeatsNothingAfterTheCommittedOffset() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "INBOX", numbered(alice, "M", 30));
    Map<String, String> p = props(alice, "batch.size", "10");
    ImapSourceTask first = start(p, null);
    List<SourceRecord> handed = new ArrayList<>(first.poll());
    handed.addAll(first.poll());
    assertThat(handed).hasSize(20);
    // Connect committed the offsets of the first 15 records only; the task stops with the third
    // batch read ahead but never handed over.
    first.stop();

    ImapSourceTask next = start(p, new HashMap<>(handed.get(14).sourceOffset()));
    List<SourceRecord> rest = pollAll(next);
    assertThat(subjects(rest)).as("from the record after the committed offset, each once")
        .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(16, 30).mapToObj(i -> (Object) ("M" + i))
            .toList());
  }

  /**
   * Kafka Connect stops a source task only after poll() returned and gives up on it after
   * task.shutdown.graceful.timeout.ms (5 s by default): an idle task must hand control back long
   * before a long poll interval is over, yet not check the server again before the interval ends.
   */
  @Test
  void anIdleTaskReturnsFromPollLongBeforeTheIntervalButChecksTheServerOnlyOncePerInterval() throws Exception {
    String alice = mail.user("alice");
    seed(alice, "INBOX");
    long interval = 3_000;
    ImapSourceTask task = start(props(alice, "poll.interval.ms", String.valueOf(interval)), null);

    long t0 = System.nanoTime();
    assertThat(task.poll()).as("nothing in the folder").isNull();
    long firstMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(firstMs).as("an idle poll returns well within Connect's 5 s graceful stop timeout")
        .isLessThan(interval - 1_000);

    seed(alice, "INBOX", TestMessages.plain("bob@example.test", alice, "New", 100));
    List<SourceRecord> got = null;
    int polls = 0;
    while (got == null && System.nanoTime() - t0 < 60_000_000_000L) {
      got = task.poll();
      polls++;
    }
    long seenMs = (System.nanoTime() - t0) / 1_000_000;
    assertThat(got).as("the new mail, once the interval is over").hasSize(1);
    assertThat(seenMs).as("the server is not checked again before the poll interval is over")
        .isGreaterThanOrEqualTo(interval);
    assertThat(polls).as("the interval is waited out over several polls").isGreaterThan(1);
  }

  @Test
  void unreachableServerFailsTheTaskWithTheReasonAfterTheConfiguredBound() throws Exception {
    int closedPort;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    ImapSourceTask task = start(props("nobody", "imap.port", String.valueOf(closedPort),
        "imap.connect.retry.max.duration.ms", "800", "imap.connect.retry.backoff.ms", "50",
        "poll.interval.ms", "200"), null);

    long started = System.nanoTime();
    int retriable = 0;
    Throwable last = null;
    while (System.nanoTime() - started < 30_000_000_000L) {
      try {
        assertThat(task.poll()).isNull();
      } catch (org.apache.kafka.connect.errors.RetriableException e) {
        retriable++;
        assertThat(e).hasMessageContaining("check imap.port");
      } catch (ConnectException e) {
        last = e;
        break;
      }
    }
    long tookMs = (System.nanoTime() - started) / 1_000_000;
    assertThat(retriable).as("retried with backoff before failing").isBetween(2, 20);
    assertThat(last).as("the task fails once the outage outlasted the bound").isNotNull()
        .isNotInstanceOf(org.apache.kafka.connect.errors.RetriableException.class)
        .hasMessageContaining("imap.connect.retry.max.duration.ms=800")
        .hasMessageContaining("connection refused: check imap.port")
        .hasMessageNotContaining("inbound.");
    assertThat(tookMs).as("within the bound, plus one connection attempt").isLessThan(10_000);
  }

  @Test
  void wrongPasswordFailsTheTaskAtStartWithoutRetrying() {
    String alice = mail.user("alice");
    assertThatThrownBy(() -> start(props(alice, "imap.password", "wrong"), null))
        .isInstanceOf(ConnectException.class).hasMessageContaining("login rejected");
  }

  /** Deletes and expunges the folder's messages whose subject starts with {@code prefix}. */
  private void expungeAll(String user, String folder, String prefix) throws Exception {
    jakarta.mail.Session session = jakarta.mail.Session.getInstance(new java.util.Properties());
    try (jakarta.mail.Store store = session.getStore("imap")) {
      store.connect("127.0.0.1", mail.imapPort(), user, GreenMailFixture.PASSWORD);
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

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** Connect's side of a task: the configs and one stored offset for every partition asked. */
  record Context(Map<String, String> configs, Map<String, Object> offset) implements SourceTaskContext {
    @Override
    public OffsetStorageReader offsetStorageReader() {
      return new OffsetStorageReader() {
        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
          return offset;
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
          Map<Map<String, T>, Map<String, Object>> out = new HashMap<>();
          if (offset != null) {
            partitions.forEach(p -> out.put(p, offset));
          }
          return out;
        }
      };
    }
  }
}
