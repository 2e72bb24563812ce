package io.mailbridge.listen.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.document.CacheQuery;
import io.mailbridge.document.CacheRetention;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.testkit.Await;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A listener's cache stays within its retention: pruned at start, then again every interval, oldest first. */
class CachePrunerTest {
  @TempDir Path dir;

  private static void put(DocumentCache cache, long uid, int bytes) {
    cache.put(new ByteArrayInputStream(new byte[bytes]), new DocumentCache.PartMeta(
        new DocumentCache.PartId("alice@h:993", "INBOX", 17, uid, "2"), "a" + uid + ".pdf", "application/pdf",
        "<m" + uid + "@x>", false, Optional.empty()));
  }

  @Test
  void prunesAtStartAndAgainEveryIntervalOldestFirstUntilStopped() throws Exception {
    DocumentCache cache = DocumentCache.open(dir);
    put(cache, 1, 100);
    Thread.sleep(5); // distinct store times: the oldest goes first
    put(cache, 2, 100);
    Thread.sleep(5);
    put(cache, 3, 100);
    CachePruner pruner = new CachePruner(dir, CacheRetention.of(null, 250L), Duration.ofMillis(200));
    pruner.start();
    try {
      Await.until("first prune", Duration.ofSeconds(30), () -> pruner.last() != null);
      assertThat(cache.find(CacheQuery.all())).extracting(DocumentCache.Entry::uid).containsExactlyInAnyOrder(2L, 3L);
      put(cache, 4, 100);
      Await.until("pruned again", Duration.ofSeconds(30), () -> cache.find(CacheQuery.all()).size() == 2);
      assertThat(cache.find(CacheQuery.all())).extracting(DocumentCache.Entry::uid).containsExactlyInAnyOrder(3L, 4L);
    } finally {
      pruner.stop();
    }
  }
}
