package io.mailbridge.cli;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/**
 * Where the journal's SQLite native library is loaded from. The driver otherwise copies it out of
 * its jar into the temp directory on every start (and deletes it at exit): the CLI copies it once
 * per driver version into the user's cache directory and points the driver there.
 */
final class SqliteNative {
  private SqliteNative() {}

  /** Points the driver at a cached copy; on any problem leaves the driver to its own way. */
  static void useCachedCopy(Map<String, String> env) {
    if (System.getProperty("org.sqlite.lib.path") != null) {
      return; // chosen by the user
    }
    try {
      String folder = org.sqlite.util.OSInfo.getNativeLibFolderPathForCurrentOS();
      String name = org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
      String resource = "/org/sqlite/native/" + folder + "/" + name;
      String version = org.sqlite.SQLiteJDBCLoader.getVersion();
      String xdg = env.get("XDG_CACHE_HOME");
      Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute() ? Path.of(xdg)
          : Path.of(System.getProperty("user.home"), ".cache");
      Path dir = base.resolve("mailbridge").resolve("sqlite-" + version).resolve(folder.replace('/', '-'));
      Path lib = dir.resolve(name);
      if (!Files.isRegularFile(lib)) {
        try (InputStream in = SqliteNative.class.getResourceAsStream(resource)) {
          if (in == null) {
            return;
          }
          Files.createDirectories(dir);
          Path tmp = Files.createTempFile(dir, ".lib-", ".tmp");
          Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
          Files.move(tmp, lib, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
      }
      System.setProperty("org.sqlite.lib.path", dir.toString());
      System.setProperty("org.sqlite.lib.name", name);
    } catch (Exception | LinkageError e) {
      // the driver extracts its own copy
    }
  }
}
