package io.mailbridge.imap;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.List;

/**
 * One fetched message: its FETCH items and its bytes, in memory (small), or arriving through an
 * {@link Arrival} (large): into a temp file ({@code file}), or through memory only (no file).
 * {@code warnings} are about how the server sent it (the document built from it carries them).
 */
public record RawMessage(long uid, List<String> flags, long size, OffsetDateTime internalDate, byte[] bytes, int offset,
    int length, Path file, Arrival arrival, List<String> warnings) {

  public RawMessage {
    warnings = List.copyOf(warnings);
  }

  /** A message sent without anything to warn about. */
  public RawMessage(long uid, List<String> flags, long size, OffsetDateTime internalDate, byte[] bytes, int offset,
      int length, Path file, Arrival arrival) {
    this(uid, flags, size, internalDate, bytes, offset, length, file, arrival, List.of());
  }

  /** This message with one more warning. */
  public RawMessage withWarning(String warning) {
    List<String> more = new java.util.ArrayList<>(warnings);
    more.add(warning);
    return new RawMessage(uid, flags, size, internalDate, bytes, offset, length, file, arrival, more);
  }

  public InputStream open() throws IOException {
    if (arrival != null) {
      return arrival.open(file);
    }
    if (file == null) {
      return new ByteArrayInputStream(bytes, offset, length);
    }
    return Files.newInputStream(file);
  }

  public byte[] copyBytes() {
    byte[] out = new byte[length];
    System.arraycopy(bytes, offset, out, 0, length);
    return out;
  }
}
