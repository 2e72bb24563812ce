package io.mailbridge.listen.internal;

import io.mailbridge.MailbridgeException;
import io.mailbridge.document.CacheRetention;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.document.PruneResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a listener's Document Cache within its retention: prunes at start and then every interval on
 * a daemon thread of its own, so the watching connections never wait for it. The cache's own lock
 * keeps a prune from touching an entry being written; a failed prune is logged and tried again at
 * the next interval.
 */
public final class CachePruner {
  private static final Logger LOG = LoggerFactory.getLogger(CachePruner.class);

  private final Path dir;
  private final CacheRetention retention;
  private final Duration every;
  private final CountDownLatch stop = new CountDownLatch(1);
  private volatile PruneResult last;
  private Thread thread;

  public CachePruner(Path dir, CacheRetention retention, Duration every) {
    this.dir = dir;
    this.retention = retention;
    this.every = every;
  }

  public synchronized void start() {
    thread = new Thread(this::run, "mailbridge-cache-prune");
    thread.setDaemon(true);
    thread.start();
  }

  /** Stops pruning; a prune under way finishes first. */
  public void stop() {
    stop.countDown();
  }

  /** What the latest prune did; null before the first one finished. */
  public PruneResult last() {
    return last;
  }

  private void run() {
    try {
      do {
        pruneOnce();
      } while (!stop.await(every.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void pruneOnce() {
    try {
      PruneResult r = DocumentCache.open(dir).prune(retention);
      last = r;
      if (r.deletedEntries() > 0 || r.deletedLeftovers() > 0) {
        LOG.info("cache pruned dir={} deletedEntries={} deletedBytes={} keptEntries={} keptBytes={}", dir,
            r.deletedEntries(), r.deletedBytes(), r.keptEntries(), r.keptBytes());
      }
    } catch (MailbridgeException | java.io.UncheckedIOException e) {
      LOG.warn("cache not pruned dir={} error={}", dir, e.getMessage());
    }
  }
}
