package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.document.CacheRetention;
import io.mailbridge.document.PruneResult;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --cache-max-age}, {@code --cache-max-size}: retention of the Document Cache a receive or watch fills. */
public final class CacheRetentionOptions {
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

  /** One stderr line when a prune deleted something. */
  static void report(Path cacheDir, PruneResult r, PrintWriter err) {
    if (r.deletedEntries() > 0) {
      err.println("mailbridge: Document Cache " + cacheDir + ": pruned " + r.deletedEntries() + " entries ("
          + r.deletedBytes() + " bytes), kept " + r.keptEntries() + " (" + r.keptBytes() + " bytes)");
      err.flush();
    }
  }
}
