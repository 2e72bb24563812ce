package io.mailbridge.oauth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mailbridge.AuthException;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Secret;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One JSON file holding the {@link Tokens} of one profile. Readable by its owner only (0600 in a
 * 0700 directory); a file that group or others can read is refused rather than used, because the
 * refresh token in it is as good as a password. Every save writes a temporary file beside it and
 * moves it over the old one atomically, so a crash never leaves half a file and a rotated refresh
 * token is never lost.
 *
 * <pre>{@code
 * TokenStore store = TokenStore.at(Path.of(home, ".config/mailbridge/tokens/work.json"))
 *     .withLoginHint("run `mailbridge auth login --profile work` again");
 * }</pre>
 */
public final class TokenStore {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<PosixFilePermission> OWNER_ONLY =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private static final java.util.concurrent.ConcurrentMap<Path, java.util.concurrent.locks.ReentrantLock> LOCKS =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Path file;
  private final String loginHint;

  private TokenStore(Path file, String loginHint) {
    this.file = file;
    this.loginHint = loginHint;
  }

  /** The store in {@code file} (which need not exist yet). */
  public static TokenStore at(Path file) {
    Objects.requireNonNull(file, "file");
    return new TokenStore(file.toAbsolutePath(), "log in again to get new tokens");
  }

  /** What the user should do when the tokens are missing or unusable, used in error messages. */
  public TokenStore withLoginHint(String hint) {
    return new TokenStore(file, Objects.requireNonNull(hint, "hint"));
  }

  public Path file() {
    return file;
  }

  public String loginHint() {
    return loginHint;
  }

  /**
   * The stored tokens, or empty when there is no file.
   *
   * @throws ConfigException when the file is readable by group/others, or is not a token file
   */
  public Optional<Tokens> load() {
    byte[] bytes;
    try {
      checkPermissions();
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new ConfigException("token file " + file + " cannot be read (" + e.getClass().getSimpleName()
          + "): check its owner and permissions, or " + loginHint, e);
    }
    try {
      return Optional.of(parse(JSON.readTree(bytes)));
    } catch (IOException | RuntimeException e) {
      // Never echo the content or the parser's message: they may hold tokens.
      throw new ConfigException("token file " + file + " is corrupt (not the JSON Mailbridge writes): delete it and "
          + loginHint, null);
    }
  }

  /** The stored tokens, or an {@link AuthException} saying how to log in. */
  public Tokens require() {
    return load().orElseThrow(() -> new AuthException("not logged in: no tokens in " + file + ": " + loginHint, null));
  }

  /** Writes {@code tokens}, replacing the file atomically, owner-only permissions. */
  public void save(Tokens tokens) {
    Path dir = file.getParent();
    Path tmp = null;
    try {
      createPrivateDirectory(dir);
      tmp = posix(dir)
          ? Files.createTempFile(dir, "." + file.getFileName(), ".tmp", PosixFilePermissions.asFileAttribute(OWNER_ONLY))
          : Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
           OutputStream out = Channels.newOutputStream(ch)) {
        JSON.writerWithDefaultPrettyPrinter().writeValue(nonClosing(out), toJson(tokens));
        ch.force(true);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      tmp = null;
    } catch (IOException e) {
      throw new ConfigException("token file " + file + " cannot be written (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "): check that the directory is writable", e);
    } finally {
      if (tmp != null) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // best effort: the temp file holds the same tokens with the same permissions
        }
      }
    }
  }

  /**
   * Runs {@code action} holding this store's lock: a JVM-wide lock plus an OS file lock on
   * {@code <file>.lock}, so refreshes by threads and by processes sharing the file take turns.
   */
  <T> T locked(java.util.function.Supplier<T> action) {
    java.util.concurrent.locks.ReentrantLock jvm = LOCKS.computeIfAbsent(file,
        f -> new java.util.concurrent.locks.ReentrantLock());
    jvm.lock();
    try {
      createPrivateDirectory(file.getParent());
      Path lockFile = lockFile();
      Set<StandardOpenOption> opts = EnumSet.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try (FileChannel ch = posix(lockFile)
              ? FileChannel.open(lockFile, opts, PosixFilePermissions.asFileAttribute(OWNER_ONLY))
              : FileChannel.open(lockFile, opts);
           java.nio.channels.FileLock ignored = ch.lock()) {
        return action.get();
      }
    } catch (IOException e) {
      throw new ConfigException("token file lock " + lockFile() + " cannot be taken (" + e.getClass().getSimpleName()
          + "): check that the directory is writable", e);
    } finally {
      jvm.unlock();
    }
  }

  private Path lockFile() {
    return file.resolveSibling(file.getFileName() + ".lock");
  }

  /** Removes the file; true when there was one. */
  public boolean delete() {
    try {
      Files.deleteIfExists(lockFile());
      return Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new ConfigException("token file " + file + " cannot be deleted (" + e.getClass().getSimpleName()
          + "): remove it by hand", e);
    }
  }

  private void checkPermissions() throws IOException {
    if (!posix(file.getParent() == null ? file : file.getParent())) {
      return;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    Set<PosixFilePermission> loose = EnumSet.copyOf(perms);
    loose.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE));
    if (!loose.isEmpty()) {
      throw new ConfigException("token file " + file + " has permissions " + PosixFilePermissions.toString(perms)
          + ": it holds secrets, so group and others must not have access: run `chmod 600 " + file
          + "`, and if others may have read it, revoke access at the provider and " + loginHint, null);
    }
  }

  private static boolean posix(Path anyPath) {
    Path p = anyPath;
    while (p != null && !Files.exists(p)) {
      p = p.getParent();
    }
    return p != null && Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
  }

  private static void createPrivateDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    try {
      if (posix(dir)) {
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      } else {
        Files.createDirectories(dir);
      }
    } catch (FileAlreadyExistsException e) {
      // a concurrent save created it
    }
  }

  private static ObjectNode toJson(Tokens t) {
    ObjectNode o = JSON.createObjectNode();
    o.put("version", 1);
    o.put("accessToken", t.accessToken().reveal());
    t.refreshToken().ifPresent(r -> o.put("refreshToken", r.reveal()));
    o.put("expiresAt", t.expiresAt().toString());
    o.put("obtainedAt", t.obtainedAt().toString());
    ArrayNode scopes = o.putArray("scopes");
    t.scopes().forEach(scopes::add);
    t.subject().ifPresent(s -> o.put("subject", s));
    return o;
  }

  private static Tokens parse(JsonNode o) {
    if (o == null || !o.isObject() || o.path("version").asInt() != 1) {
      throw new IllegalArgumentException("not a version 1 token file");
    }
    List<String> scopes = new ArrayList<>();
    o.path("scopes").forEach(s -> scopes.add(s.asText()));
    try {
      return new Tokens(Secret.of(text(o, "accessToken")),
          Optional.ofNullable(o.get("refreshToken")).map(JsonNode::asText).map(Secret::of),
          Instant.parse(text(o, "expiresAt")), Instant.parse(text(o, "obtainedAt")), scopes,
          Optional.ofNullable(o.get("subject")).map(JsonNode::asText));
    } catch (DateTimeParseException | ConfigException e) {
      throw new IllegalArgumentException("bad field", e);
    }
  }

  private static String text(JsonNode o, String field) {
    JsonNode v = o.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return v.asText();
  }

  private static OutputStream nonClosing(OutputStream out) {
    return new java.io.FilterOutputStream(out) {
      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }

      @Override
      public void close() throws IOException {
        flush();
      }
    };
  }

  @Override
  public String toString() {
    return "TokenStore[" + file + "]";
  }
}
