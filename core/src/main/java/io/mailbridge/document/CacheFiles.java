package io.mailbridge.document;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Document Cache's file operations: copying a part, writing metadata, atomic replacement. */
final class CacheFiles {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CacheFiles() {}

  /** Reads of a large part are copied in pieces of this size: one write call per piece, not per 8 KiB. */
  static final int LARGE_PIECE = 1 << 17;

  /**
   * Copies to the end. A small part goes through one 8 KiB buffer; a part still going after 64 KiB
   * switches to 128 KiB pieces, so a 200 MiB attachment costs ~1,600 write calls instead of 25,600.
   */
  static long copy(InputStream in, OutputStream out) throws IOException {
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

  static byte[] metaJson(DocumentCache.Entry e, String blobName) throws IOException {
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
    e.mailbox().ifPresent(v -> m.put("mailbox", v));
    e.folder().ifPresent(v -> m.put("folder", v));
    byte[] json = JSON.writeValueAsBytes(m);
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n'; // the commit mark meta() looks for
    return line;
  }

  /** Writes the metadata of a new entry in place; false when a metadata file is already there. */
  static boolean createMeta(Path metaFile, byte[] json) throws IOException {
    try (OutputStream out = Files.newOutputStream(metaFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      out.write(json); // one write: a reader sees nothing, or the whole file with its final newline
      return true;
    } catch (FileAlreadyExistsException exists) {
      return false;
    }
  }

  /** Replaces existing metadata atomically: temporary file + rename. */
  static void replaceMeta(Path msgDir, Path metaFile, byte[] json) throws IOException {
    Path tmp = Files.createTempFile(msgDir, ".meta-", ".tmp");
    try {
      Files.write(tmp, json);
      moveAtomically(tmp, metaFile);
    } finally {
      deleteQuietly(tmp);
    }
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a leftover temp file is harmless
    }
  }

  /** The file's identity (device and inode where the platform has them), or null when unknown or absent. */
  static Object fileId(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  static void closeQuietly(FileChannel c) {
    if (c != null) {
      try {
        c.close();
      } catch (IOException ignored) {
        // written and synced by the commit, or about to be removed
      }
    }
  }

  /** The stream without its close: the channel under it stays open for reading back. */
  static OutputStream keepOpen(OutputStream out) {
    return new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
      }
    };
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
