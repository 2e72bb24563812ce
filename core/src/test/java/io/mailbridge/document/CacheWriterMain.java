package io.mailbridge.document;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A separate process working on a Document Cache: {@code DIR put UID_FROM UID_TO REPEAT FILL} stores
 * part 2 of each UID REPEAT times, 20 KiB of byte FILL (the same bytes every time: the same message);
 * {@code DIR prune ROUNDS MAX_BYTES} prunes to MAX_BYTES ROUNDS times.
 */
public final class CacheWriterMain {
  public static void main(String[] args) {
    DocumentCache cache = DocumentCache.open(Path.of(args[0]));
    if (args[1].equals("put")) {
      int from = Integer.parseInt(args[2]);
      int to = Integer.parseInt(args[3]);
      int repeat = Integer.parseInt(args[4]);
      byte[] data = content(Integer.parseInt(args[5]));
      for (int r = 0; r < repeat; r++) {
        for (int uid = from; uid <= to; uid++) {
          cache.put(new ByteArrayInputStream(data), meta(uid));
        }
      }
    } else {
      int rounds = Integer.parseInt(args[2]);
      for (int r = 0; r < rounds; r++) {
        cache.prune(CacheRetention.of(null, Long.parseLong(args[3])));
      }
    }
  }

  static byte[] content(int fill) {
    byte[] data = new byte[20 * 1024];
    java.util.Arrays.fill(data, (byte) fill);
    return data;
  }

  static DocumentCache.PartMeta meta(long uid) {
    return new DocumentCache.PartMeta(new DocumentCache.PartId("alice@host:993", "INBOX", 17, uid, "2"),
        "invoice-" + uid + ".pdf", "application/pdf", "<m" + uid + "@x>", false, Optional.empty());
  }

  static Process start(Path cacheDir, Path log, String... args) throws Exception {
    String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(javaBin, "-cp",
        System.getProperty("java.class.path"), CacheWriterMain.class.getName(), cacheDir.toString()));
    cmd.addAll(java.util.List.of(args));
    return new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(new File(log.toString()))
        .start();
  }
}
