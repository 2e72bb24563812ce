package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.document.CacheRetention;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.document.PruneResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --cache-max-age}, {@code --cache-max-size}: retention of the Document Cache a receive or watch fills. */
public final class CacheRetentionOptions {
  /** How often a watch prunes its cache. */
  static final Duration WATCH_EVERY = Duration.ofMinutes(10);

  @Option(names = "--cache-max-age", paramLabel = "DURATION",
      description = "Delete Document Cache entries stored longer ago than this, e.g. 30d (receive: after the run; "
          + "watch: at start and every 10 minutes). Default: keep.")
  String maxAge;

  @Option(names = "--cache-max-size", paramLabel = "SIZE",
      description = "Keep the Document Cache at most this large, deleting the oldest entries first, e.g. 10GB "
          + "(when it prunes: as --cache-max-age). Default: no limit.")
  String maxSize;

  /** The retention asked for; refuses one without a cache to apply it to. */
  Optional<CacheRetention> retention(Path cacheDir) {
    if (maxAge == null && maxSize == null) {
      return Optional.empty();
    }
    if (cacheDir == null) {
      throw new BadInputException((maxAge != null ? "--cache-max-age" : "--cache-max-size") + " limits the Document "
          + "Cache: give it with --cache-dir DIR");
    }
    return Optional.of(CacheCommand.retention("--cache-max-age", maxAge, "--cache-max-size", maxSize));
  }

  /** Prunes once; a failure is a warning (the mail was received either way). */
  static void prune(Path cacheDir, CacheRetention retention, PrintWriter err) {
    try {
      PruneResult r = DocumentCache.open(cacheDir).prune(retention);
      if (r.deletedEntries() > 0) {
        err.println("mailbridge: Document Cache " + cacheDir + ": pruned " + r.deletedEntries() + " entries ("
            + r.deletedBytes() + " bytes), kept " + r.keptEntries() + " (" + r.keptBytes() + " bytes)");
      }
    } catch (MailbridgeException e) {
      err.println("mailbridge: warning: Document Cache " + cacheDir + " was not pruned: " + e.getMessage());
    }
    err.flush();
  }

  /** Prunes now and then every {@link #WATCH_EVERY} on a daemon thread, until closed. */
  static AutoCloseable pruneWhileWatching(Path cacheDir, CacheRetention retention, PrintWriter err) {
    Thread t = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        synchronized (err) {
          prune(cacheDir, retention, err);
        }
        try {
          Thread.sleep(WATCH_EVERY.toMillis());
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "mailbridge-cache-prune");
    t.setDaemon(true);
    t.start();
    return t::interrupt;
  }
}
