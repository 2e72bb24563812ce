package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.document.CacheQuery;
import io.mailbridge.document.CacheRetention;
import io.mailbridge.document.CacheStats;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.document.PruneResult;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge cache}: find, read, export, delete and prune what receive stored in a Document Cache. */
@Command(name = "cache", mixinStandardHelpOptions = true,
    description = {"The Document Cache (attachments stored by receive and watch with --cache-dir): find entries by "
        + "Message-ID, key, mailbox/folder/UID, date or file name; export them under their file names; delete; "
        + "prune by age and size; statistics. JSON Lines on stdout.",
        "Example: mailbridge cache export --cache-dir ./attachments --message-id '<invoice-42@example.com>' --to ./out"},
    subcommands = {CacheCommand.ListEntries.class, CacheCommand.Get.class, CacheExport.class, CacheCommand.Delete.class,
        CacheCommand.Prune.class, CacheCommand.Stats.class})
public final class CacheCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "a cache command is required: list, get, export, delete, prune or stats");
  }

  /** {@code --cache-dir DIR}: which cache. */
  public static final class Dir {
    @Option(names = "--cache-dir", paramLabel = "DIR", required = true,
        description = "The Document Cache directory (as given to receive --cache-dir).")
    Path dir;

    DocumentCache open() {
      if (!Files.isDirectory(dir)) {
        throw new BadInputException("--cache-dir " + dir + " is not a directory: give the directory receive stored "
            + "attachments in (receive --cache-dir)");
      }
      return DocumentCache.open(dir);
    }
  }

  /** The criteria of list, export and delete. */
  public static final class Criteria {
    @Option(names = "--message-id", paramLabel = "ID", description = "Attachments of the message with this Message-ID "
        + "(<> optional).")
    String messageId;

    @Option(names = "--key", paramLabel = "KEY", description = "One entry (0123456789abcdef-17-42/2), or every part "
        + "of a message (0123456789abcdef-17-42).")
    String key;

    @Option(names = "--mailbox", paramLabel = "USER@HOST:PORT", description = "Received from this mailbox.")
    String mailbox;

    @Option(names = "--folder", paramLabel = "FOLDER", description = "Received from this folder.")
    String folder;

    @Option(names = "--uid", paramLabel = "UID", description = "The message's UID.")
    Long uid;

    @Option(names = "--uid-validity", paramLabel = "N", description = "The folder's UIDVALIDITY.")
    Long uidValidity;

    @Option(names = "--name", paramLabel = "TEXT", description = "File name contains TEXT (ignoring case).")
    String name;

    @Option(names = "--since", paramLabel = "DATE", description = "Stored at or after DATE (YYYY-MM-DD or ISO-8601).")
    String since;

    @Option(names = "--until", paramLabel = "DATE", description = "Stored before DATE.")
    String until;

    CacheQuery query() {
      return CacheQuery.builder().messageId(messageId).key(key).mailbox(mailbox).folder(folder).uid(uid)
          .uidValidity(uidValidity).fileName(name).storedSince(ReportCommand.instant("--since", since))
          .storedBefore(ReportCommand.instant("--until", until)).build();
    }

    boolean any() {
      return messageId != null || key != null || mailbox != null || folder != null || uid != null
          || uidValidity != null || name != null || since != null || until != null;
    }
  }

  /** One entry as a JSON line. */
  static Map<String, Object> view(DocumentCache.Entry e) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", e.key());
    if (!e.messageId().isEmpty()) {
      m.put("messageId", e.messageId());
    }
    m.put("fileName", e.fileName());
    m.put("contentType", e.contentType());
    m.put("size", e.size());
    m.put("sha256", e.sha256());
    m.put("partPath", e.partPath());
    if (e.inline()) {
      m.put("inline", true);
    }
    e.contentId().ifPresent(v -> m.put("contentId", v));
    e.mailbox().ifPresent(v -> m.put("mailbox", v));
    e.folder().ifPresent(v -> m.put("folder", v));
    m.put("uidValidity", e.uidValidity());
    m.put("uid", e.uid());
    m.put("stored", e.stored().toString());
    m.put("path", e.path().toString());
    return m;
  }

  /** {@code mailbridge cache list}. */
  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "One JSON line per entry matching the criteria (all without), oldest first.")
  static final class ListEntries implements Callable<Integer> {
    @Mixin
    Dir dir;

    @Mixin
    Criteria criteria;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      for (DocumentCache.Entry e : dir.open().find(criteria.query())) {
        Json.streamed(out, view(e));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code mailbridge cache get}. */
  @Command(name = "get", mixinStandardHelpOptions = true,
      description = "The entry with this key as one JSON line, or with --content its bytes on stdout.")
  static final class Get implements Callable<Integer> {
    @Mixin
    Dir dir;

    @Option(names = "--key", paramLabel = "KEY", required = true, description = "The entry's key (cacheKey of a "
        + "receive line).")
    String key;

    @Option(names = "--content", description = "Write the attachment's bytes to stdout instead of its JSON line.")
    boolean content;

    @Spec
    CommandSpec spec;

    /** Where --content writes; stdout unless a test replaces it. */
    OutputStream stdout = System.out;

    @Override
    public Integer call() throws java.io.IOException {
      DocumentCache cache = dir.open();
      DocumentCache.Entry e = cache.meta(key).orElseThrow(() -> new BadInputException("--key " + key + ": no such "
          + "entry in " + cache.directory() + " (see `mailbridge cache list`)"));
      if (content) {
        try (InputStream in = cache.open(key)) {
          in.transferTo(stdout);
        }
        stdout.flush();
      } else {
        Json.line(spec.commandLine().getOut(), view(e));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code mailbridge cache delete}. */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete the entries matching the criteria (--all for every entry); one JSON line per entry.")
  static final class Delete implements Callable<Integer> {
    @Mixin
    Dir dir;

    @Mixin
    Criteria criteria;

    @Option(names = "--all", description = "Delete every entry (needed when no criterion is given).")
    boolean all;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      if (!criteria.any() && !all) {
        throw new BadInputException("no entries selected: give --message-id, --key, --folder, --uid, --name, --since "
            + "... or --all");
      }
      DocumentCache cache = dir.open();
      List<DocumentCache.Entry> found = cache.find(criteria.query());
      for (DocumentCache.Entry e : found) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", e.key());
        m.put("fileName", e.fileName());
        m.put("size", e.size());
        m.put("status", cache.delete(e.key()) ? "deleted" : "missing");
        Json.line(spec.commandLine().getOut(), m);
      }
      return ExitCodes.OK;
    }
  }

  /** {@code mailbridge cache prune}. */
  @Command(name = "prune", mixinStandardHelpOptions = true,
      description = {"Delete entries stored longer ago than --older-than, then the oldest until the cache holds at "
          + "most --max-size, and files of writes that stopped over an hour ago. Safe while receive or watch write "
          + "to the same cache: a part being written is never touched.",
          "Example: mailbridge cache prune --cache-dir ./attachments --older-than 30d --max-size 10GB"})
  static final class Prune implements Callable<Integer> {
    @Mixin
    Dir dir;

    @Option(names = "--older-than", paramLabel = "DURATION", description = "e.g. 30d, 12h (default: no age limit).")
    String olderThan;

    @Option(names = "--max-size", paramLabel = "SIZE", description = "e.g. 10GB, 500MB (default: no size limit).")
    String maxSize;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      CacheRetention r = retention("--older-than", olderThan, "--max-size", maxSize);
      PruneResult p = dir.open().prune(r);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("deletedEntries", p.deletedEntries());
      m.put("deletedBytes", p.deletedBytes());
      m.put("keptEntries", p.keptEntries());
      m.put("keptBytes", p.keptBytes());
      m.put("deletedLeftovers", p.deletedLeftovers());
      Json.line(spec.commandLine().getOut(), m);
      return ExitCodes.OK;
    }
  }

  /** A retention from the two options; nothing given keeps everything (prune then removes only leftovers). */
  static CacheRetention retention(String ageFlag, String age, String sizeFlag, String size) {
    Duration maxAge = age == null ? null : Settings.parseDuration(ageFlag, age);
    if (maxAge != null && (maxAge.isZero() || maxAge.isNegative())) {
      throw new BadInputException(ageFlag + " '" + age + "' must be positive, e.g. 30d");
    }
    return CacheRetention.of(maxAge, size == null ? null : LimitOptions.parseSize(sizeFlag, size));
  }

  /** {@code mailbridge cache stats}. */
  @Command(name = "stats", mixinStandardHelpOptions = true, description = "Entries, messages, bytes, oldest and "
      + "newest entry, files of unfinished writes: one JSON line.")
  static final class Stats implements Callable<Integer> {
    @Mixin
    Dir dir;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      CacheStats s = dir.open().stats();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("directory", dir.dir.toAbsolutePath().normalize().toString());
      m.put("entries", s.entries());
      m.put("messages", s.messages());
      m.put("totalBytes", s.totalBytes());
      s.oldest().ifPresent(t -> m.put("oldest", t.toString()));
      s.newest().ifPresent(t -> m.put("newest", t.toString()));
      m.put("leftoverFiles", s.leftoverFiles());
      m.put("leftoverBytes", s.leftoverBytes());
      Json.line(spec.commandLine().getOut(), m);
      return ExitCodes.OK;
    }
  }
}
