package io.mailbridge.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentCacheTest {
  @TempDir Path dir;

  private static DocumentCache.PartMeta meta(String name, String part) {
    return new DocumentCache.PartMeta(new DocumentCache.PartId("alice@host:993", "INBOX", 17, 42, part), name,
        "application/pdf", "<m1@x>", false, Optional.empty());
  }

  @Test
  void storesContentWithMetadataAndReadsItBack() throws Exception {
    DocumentCache cache = DocumentCache.open(dir.resolve("cache"));
    DocumentCache.Entry e = cache.put(new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)),
        meta("invoice.pdf", "2"));
    assertThat(e.size()).isEqualTo(5);
    assertThat(e.sha256()).isEqualTo("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
    assertThat(e.key()).matches("[0-9a-f]{16}-17-42/2");
    assertThat(e.path()).startsWith(cache.directory()).hasFileName("17-42-2-invoice.pdf");
    try (InputStream in = cache.open(e.key())) {
      assertThat(in.readAllBytes()).asString().isEqualTo("hello");
    }
    DocumentCache.Entry m = cache.meta(e.key()).orElseThrow();
    assertThat(m.fileName()).isEqualTo("invoice.pdf");
    assertThat(m.contentType()).isEqualTo("application/pdf");
    assertThat(m.messageId()).isEqualTo("<m1@x>");
    assertThat(m.partPath()).isEqualTo("2");
    assertThat(m.sha256()).isEqualTo(e.sha256());
  }

  @Test
  void aLargePartIsStoredWholeWithItsHashWhateverPiecesTheSourceGives() throws Exception {
    // Past 64 KiB the copy switches to larger pieces: nothing may be lost or repeated at the switch.
    byte[] data = new byte[(3 << 20) + 7];
    new java.util.SplittableRandom(7).nextBytes(data);
    InputStream uneven = new java.io.FilterInputStream(new ByteArrayInputStream(data)) {
      private int call;

      @Override
      public int read(byte[] b, int off, int len) throws java.io.IOException {
        return super.read(b, off, Math.min(len, 1 + (call++ * 7919) % 50_000));
      }
    };
    DocumentCache cache = DocumentCache.open(dir);
    DocumentCache.Entry e = cache.put(uneven, meta("big.bin", "2"));
    assertThat(e.size()).isEqualTo(data.length);
    assertThat(Files.readAllBytes(e.path())).isEqualTo(data);
    assertThat(e.sha256()).isEqualTo(java.util.HexFormat.of().formatHex(
        java.security.MessageDigest.getInstance("SHA-256").digest(data)));
  }

  @Test
  void partPathsAreCheckedAsTheirPatternSays() {
    java.util.regex.Pattern pattern = java.util.regex.Pattern.compile("[0-9]+(\\.[0-9]+)*");
    String alphabet = "09.a\u0661 ";
    List<String> all = new java.util.ArrayList<>(List.of(""));
    for (int len = 1; len <= 6; len++) {
      List<String> next = new java.util.ArrayList<>();
      for (String s : all) {
        if (s.length() == len - 1) {
          for (char c : alphabet.toCharArray()) {
            next.add(s + c);
          }
        }
      }
      all.addAll(next);
    }
    for (String p : all) {
      assertThat(DocumentCache.isPartPath(p)).as("'%s'", p).isEqualTo(pattern.matcher(p).matches());
    }
  }

  @Test
  void sameMessagePartGivesSameKeySoReReceiveIsIdempotent() {
    DocumentCache cache = DocumentCache.open(dir);
    String k1 = cache.put(new ByteArrayInputStream(new byte[] {1}), meta("a.bin", "1.2")).key();
    String k2 = cache.put(new ByteArrayInputStream(new byte[] {1}), meta("a.bin", "1.2")).key();
    assertThat(k1).isEqualTo(k2);
    assertThat(cache.meta(k1)).isPresent();
  }

  @Test
  void hostileNamesNeverLeaveTheCacheDirectory() throws Exception {
    Path root = dir.resolve("cache");
    DocumentCache cache = DocumentCache.open(root);
    for (String name : new String[] {"../../etc/passwd", "/abs/x", "..", "a\0b", "CON", "x".repeat(400)}) {
      DocumentCache.Entry e = cache.put(new ByteArrayInputStream(new byte[] {7}), meta(name, "3"));
      assertThat(e.path().normalize()).startsWith(root.toAbsolutePath());
    }
    try (Stream<Path> all = Files.walk(dir)) {
      assertThat(all.filter(Files::isRegularFile)).allMatch(p -> p.startsWith(root));
    }
  }

  @Test
  void deleteRemovesBlobAndMetadata() {
    DocumentCache cache = DocumentCache.open(dir);
    DocumentCache.Entry e = cache.put(new ByteArrayInputStream(new byte[] {1, 2}), meta("a.bin", "1"));
    assertThat(cache.delete(e.key())).isTrue();
    assertThat(cache.meta(e.key())).isEmpty();
    assertThat(e.path()).doesNotExist();
    assertThat(cache.delete(e.key())).isFalse();
  }

  @Test
  void rejectsKeysThatAreNotCacheKeys() {
    DocumentCache cache = DocumentCache.open(dir);
    assertThatThrownBy(() -> cache.open("../../etc/passwd")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("is not a Document Cache key");
  }

  @Test
  void unwritableCacheGivesAClearConfigError() throws Exception {
    Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
    assertThatThrownBy(() -> DocumentCache.open(file)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("Document Cache directory");
    DocumentCache cache = DocumentCache.open(dir.resolve("c"));
    DocumentCache.PartMeta m = meta("a.bin", "1");
    // Block the metadata file with a non-empty directory: the write fails like a full or read-only disk.
    String key = m.id().key();
    Path blocker = cache.directory().resolve(key.substring(0, key.indexOf('-'))).resolve("17-42-1.meta.json");
    Files.createDirectories(blocker.resolve("x"));
    assertThatThrownBy(() -> cache.put(new ByteArrayInputStream(new byte[] {1}), m))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cannot store part 1 of UID 42");
    try (Stream<Path> files = Files.list(blocker.getParent())) {
      assertThat(files).containsExactly(blocker); // the blob of the failed entry was removed
    }
  }

  @Test
  void unfinishedMetadataIsNoEntryAndIsReplacedOnReReceive() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    DocumentCache.Entry e = cache.put(new ByteArrayInputStream(new byte[] {1, 2}), meta("a.bin", "1"));
    Path metaFile = e.path().resolveSibling("17-42-1.meta.json");
    String whole = Files.readString(metaFile);
    Files.writeString(metaFile, whole.substring(0, whole.length() / 2)); // as after a crash mid-write
    assertThat(cache.meta(e.key())).isEmpty();
    cache.put(new ByteArrayInputStream(new byte[] {3}), meta("a.bin", "1"));
    assertThat(cache.meta(e.key())).map(DocumentCache.Entry::size).contains(1L);
    try (InputStream in = cache.open(e.key())) {
      assertThat(in.readAllBytes()).containsExactly(3);
    }
  }

  @Test
  void reReceiveWithAnotherNameReplacesTheBlobAndDropsTheOldOne() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    DocumentCache.Entry first = cache.put(new ByteArrayInputStream(new byte[] {1}), meta("a.bin", "1"));
    DocumentCache.Entry second = cache.put(new ByteArrayInputStream(new byte[] {2}), meta("b.bin", "1"));
    assertThat(first.path()).doesNotExist();
    assertThat(cache.meta(first.key())).map(DocumentCache.Entry::path).contains(second.path());
    try (Stream<Path> files = Files.list(first.path().getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("17-42-1-b.bin",
          "17-42-1.meta.json");
    }
  }
}
