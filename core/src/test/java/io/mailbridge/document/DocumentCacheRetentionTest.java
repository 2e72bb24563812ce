package io.mailbridge.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DocumentCacheRetentionTest {
  @TempDir Path dir;

  private static DocumentCache.PartMeta meta(String mailbox, String folder, long uid, String part, String name,
      String messageId) {
    return new DocumentCache.PartMeta(new DocumentCache.PartId(mailbox, folder, 17, uid, part), name,
        "application/pdf", messageId, false, Optional.empty());
  }

  private static InputStream bytes(int n) {
    return new ByteArrayInputStream(new byte[n]);
  }

  @Test
  void findsAttachmentsByMessageIdKeyMailboxFolderUidNameAndDate() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    DocumentCache.Entry a = cache.put(bytes(1), meta("alice@h:993", "INBOX", 42, "2", "Rechnung-42.pdf", "<inv-42@x>"));
    DocumentCache.Entry b = cache.put(bytes(2), meta("alice@h:993", "INBOX", 42, "3", "lieferschein.csv", "<inv-42@x>"));
    Instant between = Instant.now();
    Thread.sleep(5);
    DocumentCache.Entry c = cache.put(bytes(3), meta("alice@h:993", "Archive", 7, "2", "other.pdf", "<other@x>"));
    DocumentCache.Entry d = cache.put(bytes(4), meta("bob@h:993", "INBOX", 42, "2", "bob.pdf", "<bob@x>"));

    assertThat(cache.find(CacheQuery.messageId("<inv-42@x>"))).extracting(DocumentCache.Entry::key)
        .containsExactly(a.key(), b.key());
    assertThat(cache.find(CacheQuery.messageId("inv-42@x"))).hasSize(2); // angle brackets optional
    assertThat(cache.find(CacheQuery.builder().key(a.key()).build())).containsExactly(cache.meta(a.key()).get());
    assertThat(cache.find(CacheQuery.builder().key(a.key().substring(0, a.key().indexOf('/'))).build())).hasSize(2);
    assertThat(cache.find(CacheQuery.builder().mailbox("alice@h:993").folder("INBOX").uid(42L).build()))
        .extracting(DocumentCache.Entry::key).containsExactly(a.key(), b.key());
    assertThat(cache.find(CacheQuery.builder().mailbox("alice@h:993").build())).hasSize(3);
    assertThat(cache.find(CacheQuery.builder().folder("INBOX").build())).hasSize(3);
    assertThat(cache.find(CacheQuery.builder().fileName("RECHNUNG").build())).extracting(DocumentCache.Entry::key)
        .containsExactly(a.key());
    assertThat(cache.find(CacheQuery.builder().storedSince(between).build())).extracting(DocumentCache.Entry::key)
        .containsExactly(c.key(), d.key());
    assertThat(cache.find(CacheQuery.builder().storedBefore(between).build())).hasSize(2);
    assertThat(cache.find(CacheQuery.all())).hasSize(4);
    DocumentCache.Entry found = cache.find(CacheQuery.messageId("<bob@x>")).get(0);
    assertThat(found.mailbox()).contains("bob@h:993");
    assertThat(found.folder()).contains("INBOX");
    assertThat(found.uid()).isEqualTo(42);
    assertThat(found.uidValidity()).isEqualTo(17);
    assertThatThrownBy(() -> CacheQuery.builder().key("../etc").build()).isInstanceOf(BadInputException.class)
        .hasMessageContaining("not a Document Cache key");
  }

  @Test
  void pruneDeletesTheOldestEntriesUntilTheCacheIsWithinItsSize() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    for (int uid = 1; uid <= 5; uid++) {
      cache.put(bytes(100), meta("alice@h:993", "INBOX", uid, "2", "f" + uid + ".pdf", "<m" + uid + "@x>"));
      Thread.sleep(2);
    }
    PruneResult r = cache.prune(CacheRetention.of(null, 250L));
    assertThat(r.deletedEntries()).isEqualTo(3);
    assertThat(r.deletedBytes()).isEqualTo(300);
    assertThat(r.keptEntries()).isEqualTo(2);
    assertThat(r.keptBytes()).isEqualTo(200);
    assertThat(cache.find(CacheQuery.all())).extracting(DocumentCache.Entry::messageId).containsExactly("<m4@x>", "<m5@x>");
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()))
          .allMatch(n -> n.equals(CacheLock.FILE) || n.startsWith("17-4-") || n.startsWith("17-5-"));
    }
    CacheStats s = cache.stats();
    assertThat(s.entries()).isEqualTo(2);
    assertThat(s.messages()).isEqualTo(2);
    assertThat(s.totalBytes()).isEqualTo(200);
    assertThat(s.leftoverFiles()).isZero();
    assertThat(s.oldest()).isPresent();
  }

  @Test
  void pruneByAgeDeletesOnlyEntriesStoredBeforeTheLimit() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    cache.put(bytes(10), meta("alice@h:993", "INBOX", 1, "2", "a.pdf", "<a@x>"));
    CacheRetention thirtyDays = CacheRetention.of(Duration.ofDays(30), null);
    assertThat(CacheIndex.prune(dir.toAbsolutePath(), thirtyDays, Instant.now().plus(Duration.ofDays(29)),
        Duration.ofHours(1)).deletedEntries()).isZero();
    assertThat(CacheIndex.prune(dir.toAbsolutePath(), thirtyDays, Instant.now().plus(Duration.ofDays(31)),
        Duration.ofHours(1)).deletedEntries()).isEqualTo(1);
    assertThat(cache.stats().entries()).isZero();
  }

  @Test
  void pruneNeverTouchesAPartBeingWrittenAndRemovesOnlyLeftoversNobodyWroteForAnHour() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    InputStream slow = new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        if (sent == 50_000) {
          halfway.countDown();
          try {
            goOn.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        return sent++ < 100_000 ? 'x' : -1;
      }
    };
    Thread writer = new Thread(() -> cache.put(slow, meta("alice@h:993", "INBOX", 9, "2", "big.pdf", "<big@x>")));
    writer.start();
    assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
    // A crashed write of another part, untouched for two hours; and a fresh one of a third.
    Path folderDir = dir.resolve(new DocumentCache.PartId("alice@h:993", "INBOX", 0, 0, "1").folderDir());
    Path stale = Files.write(folderDir.resolve("17-8-2-crashed.pdf"), new byte[7]);
    Files.setLastModifiedTime(stale, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
    Path fresh = Files.write(folderDir.resolve(".put-123.tmp"), new byte[7]);

    assertThat(cache.stats().leftoverFiles()).isEqualTo(3); // the part being written is no entry yet
    PruneResult r = cache.prune(CacheRetention.of(Duration.ofSeconds(1), 0L));
    assertThat(r.deletedEntries()).isZero();
    assertThat(r.deletedLeftovers()).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(fresh).exists();

    goOn.countDown();
    writer.join(10_000);
    DocumentCache.Entry e = cache.find(CacheQuery.messageId("<big@x>")).get(0);
    assertThat(e.size()).isEqualTo(100_000);
    assertThat(sha256(Files.readAllBytes(e.path()))).isEqualTo(e.sha256());
  }

  @Test
  void aWriterThatFailsAfterAnotherReplacedItsPartLeavesTheOtherEntryWhole() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    DocumentCache.PartMeta m = meta("alice@h:993", "INBOX", 5, "2", "inv.pdf", "<inv@x>");
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch fail = new CountDownLatch(1);
    InputStream breaking = new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        if (sent == 1000) {
          halfway.countDown();
          try {
            fail.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          throw new IOException("connection lost");
        }
        sent++;
        return 'a';
      }
    };
    Thread first = new Thread(() -> {
      try {
        cache.put(breaking, m);
      } catch (RuntimeException expected) {
        // its own write failed: fine, as long as it leaves the other writer's entry alone
      }
    });
    first.start();
    assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
    byte[] whole = "whole attachment".getBytes();
    DocumentCache.Entry second = cache.put(new ByteArrayInputStream(whole), m);
    fail.countDown();
    first.join(10_000);
    DocumentCache.Entry now = cache.meta(second.key()).orElseThrow();
    assertThat(now.path()).exists();
    assertThat(Files.readAllBytes(now.path())).isEqualTo(whole);
    assertThat(now.sha256()).isEqualTo(sha256(whole));
  }

  @Test
  void aWriterWhosePartWasReplacedWithOtherBytesStoresItsOwnWhole() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    DocumentCache.PartMeta m = meta("alice@h:993", "INBOX", 6, "2", "inv.pdf", "<inv@x>");
    CountDownLatch halfway = new CountDownLatch(1);
    CountDownLatch goOn = new CountDownLatch(1);
    InputStream slow = new InputStream() {
      int sent;

      @Override
      public int read() throws IOException {
        if (sent == 1000) {
          halfway.countDown();
          try {
            goOn.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
        }
        return sent++ < 2000 ? 'a' : -1;
      }
    };
    DocumentCache.Entry[] first = new DocumentCache.Entry[1];
    Thread t = new Thread(() -> first[0] = cache.put(slow, m));
    t.start();
    assertThat(halfway.await(10, TimeUnit.SECONDS)).isTrue();
    cache.put(new ByteArrayInputStream("other bytes".getBytes()), m);
    goOn.countDown();
    t.join(10_000);
    DocumentCache.Entry now = cache.meta(first[0].key()).orElseThrow();
    byte[] onDisk = Files.readAllBytes(now.path());
    assertThat(onDisk).hasSize(2000);
    assertThat(now.sha256()).isEqualTo(sha256(onDisk)).isEqualTo(first[0].sha256());
  }

  @Test
  void twoProcessesStoringTheSameMessageAtOnceLeaveOneCompleteEntryThatReadersAlwaysSeeWhole() throws Exception {
    Process a = CacheWriterMain.start(dir, dir.resolve("a.log"), "put", "1", "20", "15", "7");
    Process b = CacheWriterMain.start(dir, dir.resolve("b.log"), "put", "1", "20", "15", "7");
    DocumentCache cache = DocumentCache.open(dir);
    String expected = sha256(CacheWriterMain.content(7));
    int checks = 0;
    while (a.isAlive() || b.isAlive()) {
      for (DocumentCache.Entry e : cache.find(CacheQuery.all())) {
        try (InputStream in = cache.open(e.key())) {
          assertThat(sha256(in.readAllBytes())).as(e.key()).isEqualTo(e.sha256()).isEqualTo(expected);
          checks++;
        } catch (BadInputException | java.nio.file.NoSuchFileException gone) {
          // replaced between listing and opening: the next round reads the new one
        }
      }
    }
    assertThat(a.exitValue()).as(Files.readString(dir.resolve("a.log"))).isZero();
    assertThat(b.exitValue()).as(Files.readString(dir.resolve("b.log"))).isZero();
    List<DocumentCache.Entry> all = cache.find(CacheQuery.all());
    assertThat(all).hasSize(20);
    for (DocumentCache.Entry e : all) {
      assertThat(sha256(Files.readAllBytes(e.path()))).isEqualTo(e.sha256()).isEqualTo(expected);
    }
    assertThat(cache.stats().leftoverFiles()).as("temporary files left").isZero();
    assertThat(checks).isPositive();
  }

  @Test
  void pruningInOneProcessWhileAnotherReceivesLeavesOnlyWholeEntries() throws Exception {
    Process writer = CacheWriterMain.start(dir, dir.resolve("w.log"), "put", "1", "200", "2", "3");
    Process pruner = CacheWriterMain.start(dir, dir.resolve("p.log"), "prune", "200", String.valueOf(20 * 1024 * 10));
    assertThat(writer.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(pruner.waitFor(180, TimeUnit.SECONDS)).isTrue();
    assertThat(writer.exitValue()).as(Files.readString(dir.resolve("w.log"))).isZero();
    assertThat(pruner.exitValue()).as(Files.readString(dir.resolve("p.log"))).isZero();
    DocumentCache cache = DocumentCache.open(dir);
    String expected = sha256(CacheWriterMain.content(3));
    for (DocumentCache.Entry e : cache.find(CacheQuery.all())) {
      assertThat(e.path()).as("blob of " + e.key()).exists();
      assertThat(sha256(Files.readAllBytes(e.path()))).isEqualTo(e.sha256()).isEqualTo(expected);
    }
    assertThat(cache.stats().leftoverFiles()).isZero();
    cache.prune(CacheRetention.of(null, 20 * 1024 * 10L));
    assertThat(cache.stats().entries()).isEqualTo(10);
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
