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
 */
public record RawMessage(long uid, List<String> flags, long size, OffsetDateTime internalDate, byte[] bytes, int offset,
    int length, Path file, Arrival arrival) {

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
