package io.mailbridge.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.apache.kafka.connect.storage.OffsetStorageWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The source partition as Kafka Connect stores it: the worker's internal converter (JsonConverter,
 * schemas off) turns {@code [connector, partition]} into the offset record's key, and finds an
 * offset again only by those bytes. Uses Connect's own offset reader, writer and memory store.
 */
class SourcePartitionsTest {
  private static final String MAILBOX = "bob@imap.example.test:993";
  private static final String EXPECTED = "[\"mail-source\",{\"mailbox\":\"" + MAILBOX + "\",\"folder\":\"INBOX\"}]";

  private final MemoryOffsetBackingStore store = new MemoryOffsetBackingStore() {
    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
      return Set.of();
    }
  };

  @BeforeEach
  void start() {
    store.start();
  }

  @AfterEach
  void stop() {
    store.stop();
  }

  static JsonConverter internalConverter(boolean key) {
    JsonConverter c = new JsonConverter();
    c.configure(Map.of("schemas.enable", "false"), key);
    return c;
  }

  static String keyBytes(Map<String, String> partition) {
    byte[] b = internalConverter(true).fromConnectData("mail-source", null, Arrays.asList("mail-source", partition));
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void thePartitionSerialisesToTheSameBytesInEveryJvm() throws Exception {
    assertThat(keyBytes(SourceRecords.partition(MAILBOX, "INBOX"))).isEqualTo(EXPECTED);
    // Map.of's order is drawn per JVM: ask fresh JVMs, as the workers of a cluster are.
    List<Process> jvms = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      jvms.add(childJvm());
    }
    List<String> seen = new ArrayList<>();
    for (Process p : jvms) {
      seen.add(output(p));
    }
    assertThat(seen).as("key bytes written by three JVMs").containsOnly(EXPECTED);
  }

  @Test
  void keyOrderDecidesTheBytes() {
    // Why the order must be fixed: equal maps, different stored keys.
    assertThat(keyBytes(SourceRecords.otherOrder(SourceRecords.partition(MAILBOX, "INBOX"))))
        .isNotEqualTo(EXPECTED).contains("{\"folder\":\"INBOX\",\"mailbox\"");
  }

  @Test
  void findsAnOffsetCommittedUnderTheOtherKeyOrder() throws Exception {
    Map<String, String> old = new LinkedHashMap<>();
    old.put("folder", "INBOX");
    old.put("mailbox", MAILBOX);
    commit(old, Map.of("uidvalidity", 7L, "uid", 1200L, "from", 0L));

    Map<Map<String, String>, Map<String, Object>> found = StoredOffsets.read(reader(),
        List.of(SourceRecords.partition(MAILBOX, "INBOX"), SourceRecords.partition(MAILBOX, "Invoices")));

    assertThat(found).hasSize(1);
    assertThat(found.get(SourceRecords.partition(MAILBOX, "INBOX"))).containsEntry("uid", 1200L)
        .containsEntry("uidvalidity", 7L);
  }

  @Test
  void bothOrdersStoredTheFurtherPositionOfTheSameUidValidityWins() throws Exception {
    Map<String, String> fixed = SourceRecords.partition(MAILBOX, "INBOX");
    commit(SourceRecords.otherOrder(fixed), Map.of("uidvalidity", 7L, "uid", 900L, "from", 0L));
    commit(fixed, Map.of("uidvalidity", 7L, "uid", 400L, "from", 0L));
    assertThat(StoredOffsets.read(reader(), List.of(fixed)).get(fixed)).containsEntry("uid", 900L);

    commit(fixed, Map.of("uidvalidity", 8L, "uid", 5L, "from", 0L));
    assertThat(StoredOffsets.read(reader(), List.of(fixed)).get(fixed))
        .as("another UIDVALIDITY: the fixed order's offset is the current one").containsEntry("uid", 5L)
        .containsEntry("uidvalidity", 8L);
  }

  @Test
  void theFixedOrderAloneIsRead() throws Exception {
    Map<String, String> fixed = SourceRecords.partition(MAILBOX, "INBOX");
    commit(fixed, Map.of("uidvalidity", 7L, "uid", 42L, "from", 0L));
    assertThat(StoredOffsets.read(reader(), List.of(fixed)).get(fixed)).containsEntry("uid", 42L);
  }

  private OffsetStorageReaderImpl reader() {
    return new OffsetStorageReaderImpl(store, "mail-source", internalConverter(true), internalConverter(false));
  }

  private void commit(Map<String, String> partition, Map<String, Object> offset)
      throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
    OffsetStorageWriter writer = new OffsetStorageWriter(store, "mail-source", internalConverter(true),
        internalConverter(false));
    writer.offset(partition, offset);
    assertThat(writer.beginFlush()).isTrue();
    writer.doFlush((error, result) -> { }).get(10, TimeUnit.SECONDS);
  }

  private static Process childJvm() throws IOException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    return new ProcessBuilder(java.toString(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
        System.getProperty("java.class.path"), PartitionBytesMain.class.getName(), MAILBOX, "INBOX")
        .redirectErrorStream(true).start();
  }

  private static String output(Process p) throws IOException, InterruptedException {
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
