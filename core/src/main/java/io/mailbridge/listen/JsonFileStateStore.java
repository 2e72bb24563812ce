package io.mailbridge.listen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailbridge.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link StateStore} in one JSON file, replaced atomically on every save: the new content goes to
 * a temporary file in the same directory, is forced to disk, renamed over the old file (atomic on
 * POSIX file systems), and the directory is forced so the rename itself survives a power cut. A
 * reader (or a crash) therefore sees either the old or the new file, never a torn one.
 *
 * <pre>{@code
 * {"version":1,"folders":[{"mailbox":"carol@imap.example.com:993","folder":"INBOX",
 *   "uidValidity":1700000000,"lastUid":42,"pending":[41,42]}]}
 * }</pre>
 *
 * <p>With a quarantine, a folder entry also has {@code "attempts":{"43":2}}: delivery attempts of
 * messages not yet accepted (absent when there are none).
 *
 * <p>Saves from several threads (the connections of one listener share a file) are committed
 * together: a save returns once a file that holds its state is on disk, and the file written while
 * others wait holds all their states, so they need no write of their own. Forcing a file to disk
 * takes milliseconds; one write per save would make every connection queue behind the others.
 */
public final class JsonFileStateStore implements StateStore {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Path file;
  private final Map<FolderState.Key, FolderState> states = new LinkedHashMap<>();
  /** Held while a file is written; never taken while holding {@code this}. */
  private final Object writing = new Object();
  /** Saves so far (guarded by this). */
  private long changes;
  /** How many of those saves the file on disk holds (guarded by writing). */
  private long written;
  /** Files written (guarded by writing). */
  private long writes;

  private JsonFileStateStore(Path file) {
    this.file = file.toAbsolutePath();
  }

  /**
   * Opens (reads) the state file; a missing file is an empty state. A file that is not valid
   * state JSON fails with a {@link ConfigException} naming the file and the fix.
   */
  public static JsonFileStateStore open(Path file) {
    JsonFileStateStore s = new JsonFileStateStore(file);
    s.read();
    return s;
  }

  public Path file() {
    return file;
  }

  private void read() {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return;
    } catch (IOException e) {
      throw new ConfigException("state file " + file + " cannot be read (" + e + "): check its permissions", e);
    }
    try {
      JsonNode root = JSON.readTree(bytes);
      if (root == null || !root.path("folders").isArray()) {
        throw new IOException("no \"folders\" array");
      }
      for (JsonNode f : root.path("folders")) {
        List<Long> pending = new ArrayList<>();
        for (JsonNode u : f.path("pending")) {
          pending.add(u.asLong());
        }
        if (!f.path("mailbox").isTextual() || !f.path("folder").isTextual() || !f.path("uidValidity").canConvertToLong()
            || !f.path("lastUid").canConvertToLong()) {
          throw new IOException("a folder entry lacks mailbox, folder, uidValidity or lastUid: " + f);
        }
        Map<Long, Integer> attempts = new LinkedHashMap<>();
        if (f.has("attempts") && !f.get("attempts").isObject()) {
          throw new IOException("\"attempts\" is not an object of uid -> count: " + f);
        }
        for (var it = f.path("attempts").fields(); it.hasNext(); ) {
          var e = it.next();
          if (!e.getValue().canConvertToInt()) {
            throw new IOException("attempts of uid " + e.getKey() + " is not a number: " + f);
          }
          attempts.put(Long.parseLong(e.getKey()), e.getValue().asInt());
        }
        FolderState st = new FolderState(f.get("mailbox").asText(), f.get("folder").asText(),
            f.get("uidValidity").asLong(), f.get("lastUid").asLong(), pending, attempts);
        states.put(st.key(), st);
      }
    } catch (IOException | RuntimeException e) {
      throw new ConfigException("state file " + file + " is corrupt (" + e.getMessage() + "): restore it from a backup, "
          + "or delete it to start over from the start position (messages may then be delivered again or skipped)", e);
    }
  }

  @Override
  public synchronized Optional<FolderState> load(FolderState.Key key) {
    return Optional.ofNullable(states.get(key));
  }

  @Override
  public void save(FolderState state) {
    FolderState before;
    long mine;
    synchronized (this) {
      before = states.put(state.key(), state);
      mine = ++changes;
    }
    synchronized (writing) {
      if (written >= mine) {
        // A file written since this change holds it.
        return;
      }
      byte[] bytes;
      long upTo;
      synchronized (this) {
        bytes = serialize();
        upTo = changes;
      }
      try {
        write(bytes);
        writes++;
        written = upTo;
      } catch (IOException e) {
        synchronized (this) {
          if (before == null) {
            states.remove(state.key());
          } else {
            states.put(state.key(), before);
          }
        }
        throw new UncheckedIOException("state file " + file + " cannot be written: " + e.getMessage(), e);
      }
    }
  }

  /** Files written so far (each save is in one, several saves may share one). */
  long writes() {
    synchronized (writing) {
      return writes;
    }
  }

  /** The lock a write holds, for tests that make saves wait for one another. */
  Object writeLock() {
    return writing;
  }

  @Override
  public synchronized List<FolderState> all() {
    return List.copyOf(states.values());
  }

  private byte[] serialize() {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", 1);
    ArrayNode folders = root.putArray("folders");
    for (FolderState s : states.values()) {
      ObjectNode f = folders.addObject();
      f.put("mailbox", s.mailbox());
      f.put("folder", s.folder());
      f.put("uidValidity", s.uidValidity());
      f.put("lastUid", s.lastUid());
      ArrayNode p = f.putArray("pending");
      s.pending().forEach(p::add);
      if (!s.attempts().isEmpty()) {
        ObjectNode a = f.putObject("attempts");
        s.attempts().forEach((uid, n) -> a.put(Long.toString(uid), n));
      }
    }
    try {
      return JSON.writeValueAsBytes(root);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("state cannot be written as JSON: " + e.getMessage(), e);
    }
  }

  private void write(byte[] bytes) throws IOException {
    Path dir = file.getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("the file system of " + dir + " cannot rename atomically: put the state file elsewhere", e);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
    forceDirectory(dir);
  }

  private static void forceDirectory(Path dir) {
    // Makes the rename durable (POSIX); not possible on every OS, where the rename is still atomic.
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // best effort
    }
  }
}
