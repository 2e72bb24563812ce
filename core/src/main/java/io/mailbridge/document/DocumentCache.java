package io.mailbridge.document;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.mime.FileNames;
import io.mailbridge.mime.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The Document Cache: a directory that stores received attachments, one entry per MIME part.
 *
 * <p>Keys are derived from the message ({@code mailbox, folder, UIDVALIDITY, UID, part path}), so
 * receiving the same message twice writes the same entries (idempotent). Each entry is a blob
 * named {@code <uidvalidity>-<uid>-<part>-<sanitised name>} plus {@code <uidvalidity>-<uid>-<part>.meta.json}
 * in a directory per mailbox folder.
 * The metadata file is the commit point: blobs are reached only through it, and it is written
 * after the blob is complete. A new entry's metadata is created in place and counts only once it
 * ends with its final newline (an unfinished file reads as no entry); existing metadata, and a blob
 * an entry already refers to, are replaced by temp file + rename. Either way a reader never sees
 * half an entry. Nothing is written outside the directory: names are {@link FileNames#sanitize
 * sanitised} and keys are validated before use. Two writers of one entry at once (two receives of
 * the same message, in one process or two) leave one complete entry whose metadata describes the
 * bytes on disk: a writer whose blob was replaced under it returns the other's entry when the bytes
 * match, else stores its own whole; commits, deletes and {@link #prune prunes} hold a lock shared by
 * all processes.
 *
 * <pre>{@code
 * DocumentCache cache = DocumentCache.open(Path.of("attachments"));
 * for (DocumentCache.Entry e : cache.find(CacheQuery.messageId("<invoice-42@example.com>"))) { e.path(); }
 * cache.prune(CacheRetention.of(Duration.ofDays(30), 10L << 30));
 * }</pre>
 */
public final class DocumentCache {
  // message directory (hex hash of mailbox+folder, UIDVALIDITY, UID) "/" part path
  private static final Pattern KEY = Pattern.compile("[0-9a-f]{16}-[0-9]{1,10}-[0-9]{1,10}/[0-9]+(\\.[0-9]+)*");
  private static final int MAX_BLOB_NAME_BYTES = 200;

  private final Path dir;
  // Folder directories this instance created or found: skips a stat per put (a receive puts thousands).
  private final Set<Path> knownDirs = ConcurrentHashMap.newKeySet();

  private DocumentCache(Path dir) {
    this.dir = dir;
  }

  /** Opens (creating if needed) the cache in {@code dir}; fails when it cannot be written. */
  public static DocumentCache open(Path dir) {
    Objects.requireNonNull(dir, "dir");
    Path abs = dir.toAbsolutePath().normalize();
    try {
      Files.createDirectories(abs);
    } catch (IOException e) {
      throw new ConfigException("Document Cache directory " + abs + " cannot be created (" + e + "): choose a "
          + "writable directory with --cache-dir / cacheDir", e);
    }
    if (!Files.isDirectory(abs) || !Files.isWritable(abs)) {
      throw new ConfigException("Document Cache directory " + abs + " is not a writable directory: fix its "
          + "permissions or choose another with --cache-dir / cacheDir");
    }
    return new DocumentCache(abs);
  }

  public Path directory() {
    return dir;
  }

  /** Whether {@code p} is like 1.2.3 ({@code [0-9]+(\.[0-9]+)*}): checked per part, so without a regex. */
  static boolean isPartPath(String p) {
    boolean digit = false;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c >= '0' && c <= '9') {
        digit = true;
      } else if (c == '.' && digit) {
        digit = false;
      } else {
        return false;
      }
    }
    return digit;
  }

  /** Where a part of a message is stored: the identity its key is derived from. */
  public record PartId(String mailbox, String folder, long uidValidity, long uid, String partPath) {
    public PartId {
      Objects.requireNonNull(mailbox, "mailbox");
      Objects.requireNonNull(folder, "folder");
      if (!isPartPath(partPath)) {
        throw new BadInputException("part path '" + partPath + "' is not like 1.2.3");
      }
    }

    /** The cache key: stable for the same message part. */
    public String key() {
      return messageDir() + "/" + partPath;
    }

    String messageDir() {
      return folderDir() + "-" + uidValidity + "-" + uid;
    }

    /** Directory of a mailbox folder: one per folder, not per message (creating inodes is the slow part). */
    String folderDir() {
      return CacheFiles.sha256Hex((mailbox + "\0" + folder).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    /** File-name prefix of this part inside the folder directory. */
    String filePrefix() {
      return uidValidity + "-" + uid + "-" + partPath;
    }
  }

  /** What is known about a part before it is stored. */
  public record PartMeta(PartId id, String fileName, String contentType, String messageId, boolean inline,
      Optional<String> contentId) {
    public PartMeta {
      Objects.requireNonNull(id, "id");
      fileName = FileNames.sanitize(fileName, "part-" + id.partPath());
      contentType = Objects.requireNonNullElse(contentType, "application/octet-stream");
      messageId = Objects.requireNonNullElse(messageId, "");
      Objects.requireNonNull(contentId, "contentId");
    }

    /** The metadata of {@code part} of the message {@code message} (whose part path is ignored). */
    public static PartMeta of(PartId message, Part part) {
      PartId id = new PartId(message.mailbox(), message.folder(), message.uidValidity(), message.uid(), part.path());
      return new PartMeta(id, part.fileName(), part.contentType(), part.messageId(), part.inline(), part.contentId());
    }
  }

  /**
   * A stored entry: its key, file, and metadata; {@code mailbox} and {@code folder} are empty for
   * entries stored before they were kept in the metadata.
   */
  public record Entry(String key, Path path, String fileName, String contentType, long size, String sha256,
      String messageId, String partPath, boolean inline, Optional<String> contentId, Instant stored,
      Optional<String> mailbox, Optional<String> folder, long uidValidity, long uid) {}

  /**
   * Stores {@code content} (read to its end, not closed) under the key derived from {@code meta.id()},
   * replacing an earlier copy. Returns the entry with size and SHA-256.
   *
   * @throws ConfigException when the directory cannot be written (disk full, permissions): the
   *     caller must not treat the message as received
   */
  public Entry put(InputStream content, PartMeta meta) {
    PartId id = meta.id();
    String key = id.key();
    Path msgDir = dir.resolve(id.folderDir());
    String blobName = id.filePrefix() + "-" + FileNames.truncate(meta.fileName(), MAX_BLOB_NAME_BYTES);
    Path blob = msgDir.resolve(blobName);
    Path metaFile = msgDir.resolve(id.filePrefix() + CacheIndex.META_SUFFIX);
    checkInside(blob);
    checkInside(metaFile);
    Path tmp = null;
    FileChannel inPlace = null;
    Object inPlaceId = null;
    boolean committed = false;
    try {
      if (!knownDirs.contains(msgDir)) {
        Files.createDirectories(msgDir);
        knownDirs.add(msgDir);
      }
      // The metadata file is the commit point: readers find blobs only through it. A blob that does
      // not exist yet is created in place (CREATE_NEW: one file operation, and no entry can refer to
      // it); a blob an entry may refer to is replaced through a temporary file and a rename. File
      // creation and rename dominate the cost of a receive into the cache on a journaling disk.
      MessageDigest sha = CacheFiles.sha256();
      OutputStream file;
      try {
        inPlace = FileChannel.open(blob, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
            StandardOpenOption.READ);
        inPlaceId = CacheFiles.fileId(blob);
        file = CacheFiles.keepOpen(Channels.newOutputStream(inPlace)); // read back if another writer replaces it
      } catch (FileAlreadyExistsException exists) {
        tmp = Files.createTempFile(msgDir, ".put-", ".tmp");
        file = Files.newOutputStream(tmp);
      }
      long size;
      try (OutputStream out = new DigestOutputStream(file, sha)) {
        size = CacheFiles.copy(content, out);
      }
      String hash = HexFormat.of().formatHex(sha.digest());
      Entry entry = new Entry(key, blob, meta.fileName(), meta.contentType(), size, hash, meta.messageId(),
          id.partPath(), meta.inline(), meta.contentId(), Instant.now(), Optional.of(id.mailbox()),
          Optional.of(id.folder()), id.uidValidity(), id.uid());
      byte[] json = CacheFiles.metaJson(entry, blobName);
      FileChannel written = inPlace;
      Object writtenId = inPlaceId;
      Path replacement = tmp;
      // Commit under the cache lock: another writer of the same key (a second receive of the same
      // message) or a prune may be at the same entry, and every step below reads what it changes.
      Entry result = CacheLock.locked(dir, () -> {
        if (written != null) {
          if (Objects.equals(CacheFiles.fileId(blob), writtenId)) {
            if (!CacheFiles.createMeta(metaFile, json)) {
              // An earlier entry of this part under another file name (a re-receive named it differently)
              Optional<Entry> old = readableMeta(key);
              CacheFiles.replaceMeta(msgDir, metaFile, json);
              old.filter(o -> !o.path().equals(blob)).ifPresent(o -> CacheFiles.deleteQuietly(o.path()));
            }
            return entry;
          }
          // Another writer replaced the blob while this one wrote it, and committed its entry: keep
          // it when it holds the same bytes, else store these bytes again as a replacement.
          Optional<Entry> other = readableMeta(key);
          if (other.isPresent() && other.get().sha256().equals(hash) && other.get().size() == size) {
            return other.get();
          }
          Path again = Files.createTempFile(msgDir, ".put-", ".tmp");
          try (InputStream back = Channels.newInputStream(written.position(0))) {
            Files.copy(back, again, StandardCopyOption.REPLACE_EXISTING);
          }
          return replace(again, blob, msgDir, metaFile, json, key, entry);
        }
        return replace(replacement, blob, msgDir, metaFile, json, key, entry);
      });
      tmp = null; // renamed, or removed by replace
      committed = true;
      return result;
    } catch (IOException e) {
      throw new ConfigException("Document Cache " + dir + ": cannot store part " + id.partPath() + " of UID "
          + id.uid() + " (" + e + "): free disk space, fix permissions or choose another cache directory", e);
    } finally {
      if (tmp != null) {
        CacheFiles.deleteQuietly(tmp);
      }
      CacheFiles.closeQuietly(inPlace);
      if (inPlace != null && !committed) {
        removeOwnBlob(blob, inPlaceId); // no entry refers to it
      }
    }
  }

  /** Renames a complete temporary file over the blob and writes the metadata; the caller holds the lock. */
  private Entry replace(Path tmp, Path blob, Path msgDir, Path metaFile, byte[] json, String key, Entry entry)
      throws IOException {
    try {
      Optional<Entry> old = readableMeta(key);
      CacheFiles.moveAtomically(tmp, blob);
      CacheFiles.replaceMeta(msgDir, metaFile, json);
      old.filter(o -> !o.path().equals(blob)).ifPresent(o -> CacheFiles.deleteQuietly(o.path()));
      return entry;
    } finally {
      CacheFiles.deleteQuietly(tmp);
    }
  }

  /**
   * Removes a blob this writer created and could not commit, unless another writer has put its own
   * file there since (same name, other inode): deleting that would leave its entry without content.
   */
  private void removeOwnBlob(Path blob, Object ownId) {
    try {
      CacheLock.locked(dir, () -> {
        if (ownId == null || Objects.equals(CacheFiles.fileId(blob), ownId)) {
          CacheFiles.deleteQuietly(blob);
        }
        return null;
      });
    } catch (IOException e) {
      // best effort: a leftover blob is no entry, and prune removes it
    }
  }

  /** The metadata of an entry, when present. */
  public Optional<Entry> meta(String key) {
    return CacheIndex.read(dir, key, metaFile(key)).map(CacheIndex.Found::entry);
  }

  // An earlier entry whose metadata cannot be read is simply replaced.
  private Optional<Entry> readableMeta(String key) {
    try {
      return meta(key);
    } catch (BadInputException unreadable) {
      return Optional.empty();
    }
  }

  /** Opens an entry's content; the caller closes the stream. */
  public InputStream open(String key) {
    Entry e = meta(key).orElseThrow(() -> new BadInputException("Document Cache " + dir + " has no entry '" + key
        + "': receive the message again"));
    try {
      return Files.newInputStream(e.path());
    } catch (IOException ex) {
      throw new BadInputException("Document Cache entry " + key + " cannot be read (" + ex + ")", ex);
    }
  }

  /** The file of an entry, when present. */
  public Optional<Path> path(String key) {
    return meta(key).map(Entry::path);
  }

  /** Deletes an entry; true when it existed. */
  public boolean delete(String key) {
    Path metaFile = metaFile(key);
    try {
      return CacheLock.locked(dir, () -> {
        Optional<Entry> e = meta(key);
        if (e.isEmpty()) {
          return false;
        }
        CacheFiles.deleteQuietly(metaFile); // first: without its metadata the blob is no entry
        CacheFiles.deleteQuietly(e.get().path());
        return true;
      });
    } catch (IOException e) {
      throw new ConfigException("Document Cache " + dir + ": cannot delete " + key + " (" + e + ")", e);
    }
  }

  /**
   * The entries matching {@code query}, oldest first: by Message-ID (how a message's
   * attachments are found), key, mailbox/folder/UID, stored date or file name. Entries still being written are
   * not listed; an entry whose metadata cannot be read is left out.
   */
  public List<Entry> find(CacheQuery query) {
    try {
      List<Entry> out = new ArrayList<>();
      for (CacheIndex.Found f : CacheIndex.scan(dir, query.folderDir(), new ArrayList<>())) {
        if (query.matches(f)) {
          out.add(f.entry());
        }
      }
      return out;
    } catch (IOException e) {
      throw new ConfigException("Document Cache " + dir + " cannot be read (" + e + ")", e);
    }
  }

  /** Entries, messages, bytes, oldest and newest entry, and files of unfinished writes. */
  public CacheStats stats() {
    try {
      return CacheIndex.stats(dir);
    } catch (IOException e) {
      throw new ConfigException("Document Cache " + dir + " cannot be read (" + e + ")", e);
    }
  }

  /**
   * Deletes entries older than the retention's age, then the oldest ones until the cache holds at
   * most its bytes, and files of writes that stopped (nobody wrote them for an hour). Safe while
   * receives write to the same cache, in this process or others: an entry being written is not yet
   * an entry, and one replaced since it was listed is kept.
   */
  public PruneResult prune(CacheRetention retention) {
    try {
      return CacheIndex.prune(dir, retention, Instant.now(), CacheIndex.LEFTOVER_GRACE);
    } catch (IOException e) {
      throw new ConfigException("Document Cache " + dir + ": cannot prune (" + e + ")", e);
    }
  }

  Path metaFile(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new BadInputException("'" + key + "' is not a Document Cache key (like 0123456789abcdef-17-42/2.1)");
    }
    // key = folderDir-uidValidity-uid/part -> folderDir/uidValidity-uid-part.meta.json
    int slash = key.indexOf('/');
    int dash = key.indexOf('-');
    return dir.resolve(key.substring(0, dash))
        .resolve(key.substring(dash + 1, slash) + "-" + key.substring(slash + 1) + ".meta.json");
  }

  private void checkInside(Path p) {
    if (!p.normalize().startsWith(dir)) {
      // Unreachable with sanitised names and validated keys; kept as the last line of defence.
      throw new BadInputException("refusing to write " + p + ": outside the Document Cache " + dir);
    }
  }
}
