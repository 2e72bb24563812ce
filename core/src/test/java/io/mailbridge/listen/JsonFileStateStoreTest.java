package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonFileStateStoreTest {
  @TempDir
  Path dir;

  @Test
  void savedStateIsReadBackByANewStore() {
    Path f = dir.resolve("state.json");
    JsonFileStateStore s = JsonFileStateStore.open(f);
    s.save(new FolderState("carol@h:993", "INBOX", 77, 42, List.of(42L, 41L)));
    s.save(new FolderState("carol@h:993", "Ünïcode/Sub", 78, 3, List.of()));
    JsonFileStateStore again = JsonFileStateStore.open(f);
    assertThat(again.load(new FolderState.Key("carol@h:993", "INBOX"))).hasValue(
        new FolderState("carol@h:993", "INBOX", 77, 42, List.of(41L, 42L)));
    assertThat(again.all()).hasSize(2);
    assertThat(again.load(new FolderState.Key("carol@h:993", "Other"))).isEmpty();
  }

  @Test
  void attemptCountsAreSavedAndReadBackAndLeftOutWhenEmpty() throws IOException {
    Path f = dir.resolve("state.json");
    JsonFileStateStore s = JsonFileStateStore.open(f);
    s.save(new FolderState("carol@h:993", "INBOX", 77, 42, List.of(), java.util.Map.of(44L, 2, 43L, 1)));
    s.save(new FolderState("carol@h:993", "Other", 77, 5, List.of()));
    assertThat(Files.readString(f)).contains("\"attempts\"").containsOnlyOnce("attempts");
    JsonFileStateStore again = JsonFileStateStore.open(f);
    assertThat(again.load(new FolderState.Key("carol@h:993", "INBOX")).orElseThrow().attempts())
        .containsExactly(java.util.Map.entry(43L, 1), java.util.Map.entry(44L, 2));
    assertThat(again.load(new FolderState.Key("carol@h:993", "Other")).orElseThrow().attempts()).isEmpty();
  }

  @Test
  void attemptsThatAreNotCountsMakeTheFileCorrupt() throws IOException {
    Path f = dir.resolve("state.json");
    Files.writeString(f, "{\"version\":1,\"folders\":[{\"mailbox\":\"m\",\"folder\":\"INBOX\",\"uidValidity\":1,"
        + "\"lastUid\":2,\"pending\":[],\"attempts\":{\"3\":\"many\"}}]}");
    assertThatThrownBy(() -> JsonFileStateStore.open(f)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("is corrupt (attempts of uid 3 is not a number");
  }

  @Test
  void missingFileIsAnEmptyState() {
    assertThat(JsonFileStateStore.open(dir.resolve("none.json")).all()).isEmpty();
  }

  @Test
  void replacesTheFileAtomicallyLeavingNoTemporaryFiles() throws IOException {
    Path f = dir.resolve("state.json");
    JsonFileStateStore s = JsonFileStateStore.open(f);
    for (int i = 1; i <= 50; i++) {
      s.save(new FolderState("m", "INBOX", 1, i, List.of()));
      // Every version on disk is complete, parseable JSON with the latest watermark.
      assertThat(JsonFileStateStore.open(f).load(new FolderState.Key("m", "INBOX")).orElseThrow().lastUid())
          .isEqualTo(i);
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
    }
  }

  @Test
  void corruptFileFailsWithTheFileNameAndTheFix() throws IOException {
    Path f = dir.resolve("state.json");
    Files.writeString(f, "{\"version\":1,\"folders\":[{\"mailbox\":\"m\",\"fol");
    assertThatThrownBy(() -> JsonFileStateStore.open(f)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("state file " + f.toAbsolutePath() + " is corrupt")
        .hasMessageContaining("restore it from a backup, or delete it to start over");
  }

  @Test
  void entryWithoutWatermarkIsCorrupt() throws IOException {
    Path f = dir.resolve("state.json");
    Files.writeString(f, "{\"version\":1,\"folders\":[{\"mailbox\":\"m\",\"folder\":\"INBOX\"}]}");
    assertThatThrownBy(() -> JsonFileStateStore.open(f)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("lacks mailbox, folder, uidValidity or lastUid");
  }

  @Test
  void failedWriteThrowsAndKeepsThePreviousStateInMemory() throws IOException {
    Path sub = dir.resolve("sub");
    Path f = sub.resolve("state.json");
    JsonFileStateStore s = JsonFileStateStore.open(f);
    s.save(new FolderState("m", "INBOX", 1, 5, List.of()));
    // The directory replaced by a plain file: no temporary file can be created (works as root too).
    Files.delete(f);
    Files.delete(sub);
    Files.writeString(sub, "not a directory");
    assertThatThrownBy(() -> s.save(new FolderState("m", "INBOX", 1, 9, List.of())))
        .hasMessageContaining("state file " + f.toAbsolutePath() + " cannot be written");
    assertThat(s.load(new FolderState.Key("m", "INBOX")).orElseThrow().lastUid()).isEqualTo(5);
  }

  @Test
  void savesWaitingForAWriteAreCommittedTogetherInOneFileAndEachIsOnDiskWhenItReturns() throws Exception {
    Path f = dir.resolve("state.json");
    JsonFileStateStore s = JsonFileStateStore.open(f);
    int threads = 8;
    List<Thread> savers = new java.util.ArrayList<>();
    java.util.concurrent.ConcurrentLinkedQueue<String> returned = new java.util.concurrent.ConcurrentLinkedQueue<>();
    synchronized (s.writeLock()) {
      // A write is under way: the saves that come meanwhile wait for it.
      for (int i = 0; i < threads; i++) {
        String folder = "f" + i;
        Thread t = new Thread(() -> {
          s.save(new FolderState("m", folder, 1, 10, List.of()));
          returned.add(folder);
        });
        savers.add(t);
        t.start();
      }
      io.mailbridge.testkit.Await.until("every save waits for the write", java.time.Duration.ofSeconds(10),
          () -> savers.stream().allMatch(t -> t.getState() == Thread.State.BLOCKED));
      assertThat(returned).as("saves returned before their state was written").isEmpty();
    }
    for (Thread t : savers) {
      t.join(10_000);
    }
    assertThat(returned).hasSize(threads);
    assertThat(s.writes()).as("files written for %s saves that waited together", threads).isEqualTo(1);
    JsonFileStateStore again = JsonFileStateStore.open(f);
    for (int i = 0; i < threads; i++) {
      assertThat(again.load(new FolderState.Key("m", "f" + i))).as("f%s on disk", i).isPresent();
    }
    s.save(new FolderState("m", "f0", 1, 11, List.of()));
    assertThat(s.writes()).as("a save alone writes the file").isEqualTo(2);
    assertThat(JsonFileStateStore.open(f).load(new FolderState.Key("m", "f0")).orElseThrow().lastUid()).isEqualTo(11);
  }
}
