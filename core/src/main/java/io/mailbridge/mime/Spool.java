package io.mailbridge.mime;

import io.mailbridge.base.BlockInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bytes of a part kept as they pass by, to be read a second time: in memory up to 1 MiB, beyond
 * that in a temp file (deleted on {@link #close}), so memory stays bounded for any part size.
 */
final class Spool implements Closeable {
  private static final int IN_MEMORY = 1 << 20;

  private Buffer memory = new Buffer();
  private Path file;
  private OutputStream fileOut;
  private InputStream source;

  /** {@code in} as it is read, every byte kept. */
  InputStream tee(InputStream in) {
    source = in;
    return new BlockInputStream() {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          write(b, off, n);
        }
        return n;
      }
    };
  }

  /** Keeps the rest of the source, which the first reader did not read. */
  void drain() throws IOException {
    byte[] buf = new byte[8192];
    int n;
    while ((n = source.read(buf)) != -1) {
      write(buf, 0, n);
    }
  }

  private void write(byte[] b, int off, int n) throws IOException {
    if (fileOut == null && memory.size() + n > IN_MEMORY) {
      file = Files.createTempFile("mailbridge-part-", ".tmp");
      fileOut = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
      memory.writeTo(fileOut);
      memory = null;
    }
    if (fileOut != null) {
      fileOut.write(b, off, n);
    } else {
      memory.write(b, off, n);
    }
  }

  /** What was kept, from its start. */
  InputStream open() throws IOException {
    if (fileOut != null) {
      fileOut.flush();
      return Files.newInputStream(file);
    }
    return memory.open();
  }

  @Override
  public void close() throws IOException {
    try {
      if (fileOut != null) {
        fileOut.close();
      }
    } finally {
      if (file != null) {
        Files.deleteIfExists(file);
      }
    }
  }

  /** A byte array stream read back without a copy. */
  private static final class Buffer extends ByteArrayOutputStream {
    InputStream open() {
      return new ByteArrayInputStream(buf, 0, count);
    }
  }
}
