package io.mailbridge.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Where the journal's SQLite native library is loaded from. The driver otherwise copies it out of
 * its jar into the temp directory on every start (and deletes it at exit): the CLI copies it once
 * per driver version and platform into the user's cache directory and points the driver there.
 *
 * <p>Finding the copy must cost nothing: the directory is named from the JVM's {@code os.name} and
 * {@code os.arch} alone. The driver's own platform detection runs {@code uname} in a child process
 * and scans {@code /proc}, which costs a cold start far more than the rest of opening the journal;
 * it runs only when the copy is made. Should a cached copy not load (a home directory shared by
 * systems with different C libraries), the driver falls back to extracting its own.
 */
final class SqliteNative {
  private SqliteNative() {}

  /** Points the driver at a cached copy; on any problem leaves the driver to its own way. */
  static void useCachedCopy(Map<String, String> env) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return; // chosen by the user
    }
    cachedCopy(env).ifPresent(lib -> {
      System.setProperty("org.sqlite.lib.path", lib.getParent().toString());
      System.setProperty("org.sqlite.lib.name", lib.getFileName().toString());
    });
  }

  /** The cached copy of the native library, made first when missing; empty when it cannot be had. */
  static Optional<Path> cachedCopy(Map<String, String> env) {
    try {
      String name = System.mapLibraryName("sqlitejdbc");
      Path lib = directory(env).resolve(name);
      if (Files.isRegularFile(lib)) {
        return Optional.of(lib);
      }
      String resource = "/org/sqlite/native/" + org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS() + "/" + name;
      try (InputStream in = org.sqlite.SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
        if (in == null) {
          return Optional.empty();
        }
        Files.createDirectories(lib.getParent());
        Path tmp = Files.createTempFile(lib.getParent(), ".lib-", ".tmp");
        try {
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          // Another process making the same copy at once renames an identical file over this one.
          Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
          Files.deleteIfExists(tmp);
        }
      }
      return Optional.of(lib);
    } catch (Exception | LinkageError e) {
      return Optional.empty(); // the driver extracts its own copy
    }
  }

  /** {@code $XDG_CACHE_HOME/mailbridge/sqlite-VERSION/OS-ARCH} (else {@code ~/.cache/...}). */
  static Path directory(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
        : Path.of(System.getProperty("user.home"), ".cache");
    String platform = (System.getProperty("os.name") + "-" + System.getProperty("os.arch"))
        .toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "");
    return base.resolve("mailbridge").resolve("sqlite-" + version()).resolve(platform);
  }

  /** The driver's version (its own look-up: the CLI's jar has one manifest for every library in it). */
  private static String version() {
    return org.sqlite.SQLiteJDBCLoader.getVersion().replaceAll("[^0-9A-Za-z_.-]", "");
  }
}
