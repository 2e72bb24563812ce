package io.mailbridge.document;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.mime.FileNames;
import io.mailbridge.mime.Part;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
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
 * sanitised} and keys are validated before use.
 *
 * <pre>{@code
 * DocumentCache cache = DocumentCache.open(Path.of("attachments"));
 * try (InputStream in = cache.open(key)) { ... }
 * }</pre>
 */
public final class DocumentCache {
  private static final ObjectMapper JSON = new ObjectMapper();
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
      return sha256Hex((mailbox + "\0" + folder).getBytes(StandardCharsets.UTF_8)).substring(0, 16);
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

  /** A stored entry: its key, file, and metadata. */
  public record Entry(String key, Path path, String fileName, String contentType, long size, String sha256,
      String messageId, String partPath, boolean inline, Optional<String> contentId, Instant stored) {}

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
    Path metaFile = msgDir.resolve(id.filePrefix() + ".meta.json");
    checkInside(blob);
    checkInside(metaFile);
    Path tmp = null;
    boolean inPlace = false;
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
      MessageDigest sha = sha256();
      OutputStream file;
      try {
        file = Files.newOutputStream(blob, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        inPlace = true;
      } catch (FileAlreadyExistsException exists) {
        tmp = Files.createTempFile(msgDir, ".put-", ".tmp");
        file = Files.newOutputStream(tmp);
      }
      long size;
      try (OutputStream out = new DigestOutputStream(file, sha)) {
        size = copy(content, out);
      }
      String hash = HexFormat.of().formatHex(sha.digest());
      Entry entry = new Entry(key, blob, meta.fileName(), meta.contentType(), size, hash, meta.messageId(),
          id.partPath(), meta.inline(), meta.contentId(), Instant.now());
      byte[] json = metaJson(entry, blobName);
      if (inPlace && createMeta(metaFile, json)) {
        committed = true;
        return entry; // a new entry: nothing to replace
      }
      Optional<Entry> old = readableMeta(key);
      if (tmp != null) {
        moveAtomically(tmp, blob);
        tmp = null;
      }
      replaceMeta(msgDir, metaFile, json);
      committed = true;
      old.filter(o -> !o.path().equals(blob)).ifPresent(o -> deleteQuietly(o.path()));
      return entry;
    } catch (IOException e) {
      throw new ConfigException("Document Cache " + dir + ": cannot store part " + id.partPath() + " of UID "
          + id.uid() + " (" + e + "): free disk space, fix permissions or choose another cache directory", e);
    } finally {
      if (tmp != null) {
        deleteQuietly(tmp);
      }
      if (inPlace && !committed) {
        deleteQuietly(blob); // no entry refers to it
      }
    }
  }

  /** Reads of a large part are copied in pieces of this size: one write call per piece, not per 8 KiB. */
  private static final int LARGE_PIECE = 1 << 17;

  /**
   * Copies to the end. A small part goes through one 8 KiB buffer; a part still going after 64 KiB
   * switches to 128 KiB pieces, so a 200 MiB attachment costs ~1,600 write calls instead of 25,600.
   */
  private static long copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[8192];
    long total = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      total += n;
      if (total >= 1 << 16 && buf.length < LARGE_PIECE) {
        buf = new byte[LARGE_PIECE];
      }
    }
    return total;
  }

  /** The metadata of an entry, when present. */
  public Optional<Entry> meta(String key) {
    Path metaFile = metaFile(key);
    try {
      byte[] bytes = Files.readAllBytes(metaFile);
      if (bytes.length == 0 || bytes[bytes.length - 1] != '\n') {
        // Written in place by put() and complete only with its final newline: until then (or after a
        // crash mid-write) there is no entry, never half of one.
        return Optional.empty();
      }
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(bytes, Map.class);
      Path blob = metaFile.getParent().resolve((String) m.get("blob"));
      checkInside(blob);
      return Optional.of(new Entry(key, blob, (String) m.get("fileName"), (String) m.get("contentType"),
          ((Number) m.get("size")).longValue(), (String) m.get("sha256"), (String) m.get("messageId"),
          (String) m.get("partPath"), Boolean.TRUE.equals(m.get("inline")),
          Optional.ofNullable((String) m.get("contentId")), Instant.parse((String) m.get("stored"))));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw new BadInputException("Document Cache entry " + key + " has unreadable metadata " + metaFile + " ("
          + e.getMessage() + "): delete it and receive the message again", e);
    }
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
    Optional<Entry> e = meta(key);
    if (e.isEmpty()) {
      return false;
    }
    deleteQuietly(metaFile(key));
    deleteQuietly(e.get().path());
    return true;
  }

  private Path metaFile(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new BadInputException("'" + key + "' is not a Document Cache key (like 0123456789abcdef-17-42/2.1)");
    }
    // key = folderDir-uidValidity-uid/part -> folderDir/uidValidity-uid-part.meta.json
    int slash = key.indexOf('/');
    int dash = key.indexOf('-');
    return dir.resolve(key.substring(0, dash))
        .resolve(key.substring(dash + 1, slash) + "-" + key.substring(slash + 1) + ".meta.json");
  }

  private static byte[] metaJson(Entry e, String blobName) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", e.key());
    m.put("blob", blobName);
    m.put("fileName", e.fileName());
    m.put("contentType", e.contentType());
    m.put("size", e.size());
    m.put("sha256", e.sha256());
    m.put("messageId", e.messageId());
    m.put("partPath", e.partPath());
    m.put("inline", e.inline());
    e.contentId().ifPresent(c -> m.put("contentId", c));
    m.put("stored", e.stored().toString());
    byte[] json = JSON.writeValueAsBytes(m);
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n'; // the commit mark meta() looks for
    return line;
  }

  /** Writes the metadata of a new entry in place; false when a metadata file is already there. */
  private static boolean createMeta(Path metaFile, byte[] json) throws IOException {
    try (OutputStream out = Files.newOutputStream(metaFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(json); // one write: a reader sees nothing, or the whole file with its final newline
      return true;
    } catch (FileAlreadyExistsException exists) {
      return false;
    }
  }

  /** Replaces existing metadata atomically: temporary file + rename. */
  private static void replaceMeta(Path msgDir, Path metaFile, byte[] json) throws IOException {
    Path tmp = Files.createTempFile(msgDir, ".meta-", ".tmp");
    try {
      Files.write(tmp, json);
      moveAtomically(tmp, metaFile);
    } finally {
      deleteQuietly(tmp);
    }
  }

  private void checkInside(Path p) {
    if (!p.normalize().startsWith(dir)) {
      // Unreachable with sanitised names and validated keys; kept as the last line of defence.
      throw new BadInputException("refusing to write " + p + ": outside the Document Cache " + dir);
    }
  }

  private static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a leftover temp file is harmless
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("JDK without SHA-256", e);
    }
  }

  static String sha256Hex(byte[] b) {
    return HexFormat.of().formatHex(sha256().digest(b));
  }
}
