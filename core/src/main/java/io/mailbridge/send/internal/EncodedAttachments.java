package io.mailbridge.send.internal;

import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeUtility;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The base64 form of the files a batch attaches, made once per file instead of once per message:
 * a batch that attaches the same file to many messages (an invoice run's terms and conditions, a
 * logo) reads and encodes it once. The bytes are exactly those Jakarta Mail writes for a base64 part
 * with that file's content (its own encoder makes them), so the messages are unchanged.
 *
 * <p>A file is encoded again when its size or modification time changed since it was read, so a
 * batch never sends stale content of a file rewritten meanwhile. Memory stays bounded: only files
 * of at most {@link #MAX_FILE_BYTES} are kept, at most {@link #MAX_TOTAL_BYTES} of encoded bytes in
 * all; other files are read when each message is written, as before. Used by one thread (the one
 * that composes the batch).
 */
final class EncodedAttachments {
  /** Largest file kept encoded. */
  static final long MAX_FILE_BYTES = 1L << 20;
  /** Encoded bytes kept in all. */
  static final long MAX_TOTAL_BYTES = 8L << 20;

  /** Encodes nothing: every message reads its files when written. */
  static final EncodedAttachments NONE = new EncodedAttachments(0);

  private record Encoded(long size, FileTime modified, Object key, byte[] base64) {
    boolean sameFile(BasicFileAttributes a) {
      return a.size() == size && a.lastModifiedTime().equals(modified) && java.util.Objects.equals(a.fileKey(), key);
    }
  }

  private final long maxTotalBytes;
  private final Map<Path, Encoded> byPath = new HashMap<>();
  private long totalBytes;

  private EncodedAttachments(long maxTotalBytes) {
    this.maxTotalBytes = maxTotalBytes;
  }

  /** A cache for one batch. */
  static EncodedAttachments forBatch() {
    return new EncodedAttachments(MAX_TOTAL_BYTES);
  }

  /**
   * The content of {@code path} as the body of a base64 part, when it is kept or can be kept now;
   * empty when the file is too large, the cache is full, or the file cannot be read now (the
   * message then reads it when written, and reports a failure where it always did).
   */
  Optional<byte[]> base64(Path path) {
    if (maxTotalBytes == 0) {
      return Optional.empty();
    }
    BasicFileAttributes before;
    try {
      before = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    Encoded kept = byPath.get(path);
    if (kept != null && kept.sameFile(before)) {
      return Optional.of(kept.base64);
    }
    if (!before.isRegularFile() || before.size() > MAX_FILE_BYTES) {
      return Optional.empty();
    }
    byte[] content;
    BasicFileAttributes after;
    try {
      content = Files.readAllBytes(path);
      after = Files.readAttributes(path, BasicFileAttributes.class);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
    Encoded fresh = new Encoded(before.size(), before.lastModifiedTime(), before.fileKey(), encode(content));
    // Written while being read: the message reads it again when it is written.
    if (!fresh.sameFile(after) || content.length != before.size()) {
      return Optional.empty();
    }
    if (kept != null) {
      byPath.remove(path);
      totalBytes -= kept.base64.length;
    }
    if (totalBytes + fresh.base64.length <= maxTotalBytes) {
      byPath.put(path, fresh);
      totalBytes += fresh.base64.length;
    }
    return Optional.of(fresh.base64);
  }

  /** Encoded bytes held. */
  long heldBytes() {
    return totalBytes;
  }

  /**
   * What {@code MimeBodyPart.writeTo} writes as the body of a base64 part holding {@code content}:
   * Jakarta's own encoder, flushed and not closed (so no line end after the last line).
   */
  static byte[] encode(byte[] content) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(content.length / 57 * 78 + 80);
    try {
      OutputStream base64 = MimeUtility.encode(out, "base64");
      base64.write(content);
      base64.flush();
    } catch (IOException | MessagingException e) {
      throw new IllegalStateException("cannot base64-encode in memory", e); // no I/O involved
    }
    return out.toByteArray();
  }
}
