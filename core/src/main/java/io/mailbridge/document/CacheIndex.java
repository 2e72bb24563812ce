package io.mailbridge.document;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.BadInputException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reading the Document Cache as a whole: an entry's metadata file, every entry (for find, stats and
 * prune), and removing what is past its retention. Entries are found through their metadata files
 * only, so a part still being written (no metadata yet) is never listed nor removed.
 */
final class CacheIndex {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern FOLDER_DIR = Pattern.compile("[0-9a-f]{16}");
  static final String META_SUFFIX = ".meta.json";
  /** A file no entry refers to is a write in progress until nobody has written it for this long. */
  static final Duration LEFTOVER_GRACE = Duration.ofHours(1);

  private CacheIndex() {}

  /** An entry as found on disk, with where it came from. */
  record Found(DocumentCache.Entry entry, String folderDir, long uidValidity, long uid, Optional<String> mailbox,
      Optional<String> folder, Path metaFile, String blobName) {}

  /**
   * Reads the metadata file of {@code key}; empty when there is none or it is not complete yet (a
   * new entry's metadata counts only once it ends with its final newline).
   *
   * @throws BadInputException when the file is complete but cannot be read
   */
  static Optional<Found> read(Path dir, String key, Path metaFile) {
    try {
      byte[] bytes = Files.readAllBytes(metaFile);
      if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
        return Optional.empty();
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(bytes, Map.class);
      String blobName = (String) m.get("blob");
      Path blob = metaFile.getParent().resolve(blobName).normalize();
      if (!blob.startsWith(dir) || !blob.getParent().equals(metaFile.getParent())) {
        throw new IllegalArgumentException("blob " + blobName + " is outside its folder directory");
      }
      int slash = key.indexOf('/');
      String[] msg = key.substring(0, slash).split("-");
      DocumentCache.Entry e = new DocumentCache.Entry(key, blob, (String) m.get("fileName"),
          (String) m.get("contentType"), ((Number) m.get("size")).longValue(), (String) m.get("sha256"),
          (String) m.get("messageId"), (String) m.get("partPath"), Boolean.TRUE.equals(m.get("inline")),
          Optional.ofNullable((String) m.get("contentId")), Instant.parse((String) m.get("stored")),
          Optional.ofNullable((String) m.get("mailbox")), Optional.ofNullable((String) m.get("folder")),
          Long.parseLong(msg[1]), Long.parseLong(msg[2]));
      return Optional.of(new Found(e, msg[0], e.uidValidity(), e.uid(), e.mailbox(), e.folder(), metaFile, blobName));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw new BadInputException("Document Cache entry " + key + " has unreadable metadata " + metaFile + " ("
          + e.getMessage() + "): delete it and receive the message again", e);
    }
  }

  /** The key of a metadata file {@code <uidvalidity>-<uid>-<part>.meta.json} in folder directory {@code folderDir}. */
  static Optional<String> keyOf(String folderDir, String metaFileName) {
    if (!metaFileName.endsWith(META_SUFFIX)) {
      return Optional.empty();
    }
    String[] p = metaFileName.substring(0, metaFileName.length() - META_SUFFIX.length()).split("-", 3);
    if (p.length != 3 || !p[0].matches("[0-9]{1,10}") || !p[1].matches("[0-9]{1,10}")
        || !DocumentCache.isPartPath(p[2])) {
      return Optional.empty();
    }
    return Optional.of(folderDir + "-" + p[0] + "-" + p[1] + "/" + p[2]);
  }

  /** Every complete, readable entry (of one folder directory when given), oldest first. */
  static List<Found> scan(Path dir, Optional<String> onlyFolderDir, List<String> unreadable) throws IOException {
    List<Found> out = new ArrayList<>();
    for (Path folderDir : folderDirs(dir, onlyFolderDir)) {
      String fd = folderDir.getFileName().toString();
      try (DirectoryStream<Path> files = Files.newDirectoryStream(folderDir, "*" + META_SUFFIX)) {
        for (Path meta : files) {
          Optional<String> key = keyOf(fd, meta.getFileName().toString());
          if (key.isEmpty()) {
            continue;
          }
          try {
            read(dir, key.get(), meta).ifPresent(out::add);
          } catch (BadInputException e) {
            unreadable.add(e.getMessage());
          }
        }
      } catch (NoSuchFileException gone) {
        // removed by someone else while listing
      }
    }
    out.sort(Comparator.comparing((Found f) -> f.entry().stored()).thenComparing(f -> f.entry().key()));
    return out;
  }

  private static List<Path> folderDirs(Path dir, Optional<String> only) throws IOException {
    List<Path> out = new ArrayList<>();
    if (only.isPresent()) {
      Path d = dir.resolve(only.get());
      if (Files.isDirectory(d)) {
        out.add(d);
      }
      return out;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(dir)) {
      for (Path d : dirs) {
        if (FOLDER_DIR.matcher(d.getFileName().toString()).matches() && Files.isDirectory(d)) {
          out.add(d);
        }
      }
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** Files in folder directories that no entry refers to: parts being written, or left by an interrupted write. */
  static List<Path> leftovers(Path dir, List<Found> entries) throws IOException {
    Set<Path> referenced = new HashSet<>();
    for (Found f : entries) {
      referenced.add(f.metaFile());
      referenced.add(f.entry().path());
    }
    List<Path> out = new ArrayList<>();
    for (Path folderDir : folderDirs(dir, Optional.empty())) {
      try (DirectoryStream<Path> files = Files.newDirectoryStream(folderDir)) {
        for (Path f : files) {
          if (!referenced.contains(f) && Files.isRegularFile(f)) {
            out.add(f);
          }
        }
      }
    }
    return out;
  }

  static CacheStats stats(Path dir) throws IOException {
    List<Found> all = scan(dir, Optional.empty(), new ArrayList<>());
    long bytes = 0;
    Set<String> messages = new HashSet<>();
    for (Found f : all) {
      bytes += f.entry().size();
      messages.add(f.entry().key().substring(0, f.entry().key().indexOf('/')));
    }
    long leftoverBytes = 0;
    List<Path> leftovers = leftovers(dir, all);
    for (Path p : leftovers) {
      leftoverBytes += sizeOrZero(p);
    }
    return new CacheStats(all.size(), messages.size(), bytes,
        all.isEmpty() ? Optional.empty() : Optional.of(all.get(0).entry().stored()),
        all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1).entry().stored()),
        leftovers.size(), leftoverBytes);
  }

  /**
   * Deletes entries older than the retention's age, then the oldest until the total is within its
   * size, and files no entry refers to that nobody has written for {@code leftoverGrace}. Each
   * deletion happens under the cache lock after reading the entry again: an entry replaced by a
   * receive since the listing (a new {@code stored} time) is kept.
   */
  static PruneResult prune(Path dir, CacheRetention retention, Instant now, Duration leftoverGrace)
      throws IOException {
    List<Found> all = scan(dir, Optional.empty(), new ArrayList<>());
    long total = all.stream().mapToLong(f -> f.entry().size()).sum();
    Instant cutoff = retention.maxAge().map(now::minus).orElse(Instant.MIN);
    long deleted = 0;
    long deletedBytes = 0;
    for (Found f : all) {
      boolean old = f.entry().stored().isBefore(cutoff);
      boolean over = retention.maxTotalBytes().isPresent() && total > retention.maxTotalBytes().get();
      if (!old && !over) {
        break; // oldest first: nothing after this one is older, and the size is within the limit
      }
      if (deleteIfUnchanged(dir, f)) {
        deleted++;
        deletedBytes += f.entry().size();
      }
      total -= f.entry().size(); // replaced meanwhile: its new version is newer and counted later
    }
    long leftoversDeleted = 0;
    Instant idleSince = now.minus(leftoverGrace);
    for (Path p : leftovers(dir, scan(dir, Optional.empty(), new ArrayList<>()))) {
      if (deleteLeftoverIfIdle(dir, p, idleSince)) {
        leftoversDeleted++;
      }
    }
    return new PruneResult(deleted, deletedBytes, all.size() - deleted,
        all.stream().mapToLong(f -> f.entry().size()).sum() - deletedBytes, leftoversDeleted);
  }

  /** Deletes an entry, under the lock, unless it was replaced or removed since it was listed. */
  static boolean deleteIfUnchanged(Path dir, Found listed) throws IOException {
    return CacheLock.locked(dir, () -> {
      Optional<Found> now;
      try {
        now = read(dir, listed.entry().key(), listed.metaFile());
      } catch (BadInputException unreadable) {
        return false;
      }
      if (now.isEmpty() || !now.get().entry().stored().equals(listed.entry().stored())
          || !now.get().blobName().equals(listed.blobName())) {
        return false;
      }
      // Metadata first: without it the blob is no entry, so a crash in between leaves only a leftover.
      Files.deleteIfExists(listed.metaFile());
      Files.deleteIfExists(listed.entry().path());
      return true;
    });
  }

  private static boolean deleteLeftoverIfIdle(Path dir, Path file, Instant idleSince) throws IOException {
    return CacheLock.locked(dir, () -> {
      BasicFileAttributes a;
      try {
        a = Files.readAttributes(file, BasicFileAttributes.class);
      } catch (NoSuchFileException gone) {
        return false;
      }
      if (!a.lastModifiedTime().toInstant().isBefore(idleSince) || referencedNow(dir, file)) {
        return false; // still being written, or committed since the listing
      }
      return Files.deleteIfExists(file);
    });
  }

  /** Whether the metadata file a blob name points to refers to it now. */
  private static boolean referencedNow(Path dir, Path file) {
    String name = file.getFileName().toString();
    if (name.endsWith(META_SUFFIX)) {
      Optional<String> key = keyOf(file.getParent().getFileName().toString(), name);
      try {
        // Unfinished metadata (a write that stopped) is no entry; unreadable metadata is left for a person.
        return key.isEmpty() || read(dir, key.get(), file).isPresent();
      } catch (BadInputException unreadable) {
        return true;
      }
    }
    String[] p = name.split("-", 4);
    if (p.length < 4) {
      return false;
    }
    Path meta = file.resolveSibling(p[0] + "-" + p[1] + "-" + p[2] + META_SUFFIX);
    Optional<String> key = keyOf(file.getParent().getFileName().toString(), meta.getFileName().toString());
    if (key.isEmpty()) {
      return false;
    }
    try {
      return read(dir, key.get(), meta).map(f -> f.entry().path().equals(file)).orElse(false);
    } catch (BadInputException unreadable) {
      return true;
    }
  }

  private static long sizeOrZero(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
