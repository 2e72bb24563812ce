package io.mailbridge.receive.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A large message's temp file while the fetch thread is still writing it: readers see the bytes
 * written so far and wait for more, so parsing (base64 decode, hashing, the Document Cache write)
 * runs alongside the chunked fetch instead of after it. A failed fetch is thrown to the reader.
 */
final class Arrival {
  private long written;
  private boolean done;
  private RuntimeException failure;

  synchronized void advance(long bytes) {
    written += bytes;
    notifyAll();
  }

  synchronized void finish() {
    done = true;
    notifyAll();
  }

  synchronized void fail(RuntimeException e) {
    failure = e;
    notifyAll();
  }

  /** Waits until bytes beyond {@code pos} exist or the file is complete; 0 means the end. */
  private synchronized long ready(long pos) throws InterruptedIOException {
    while (written <= pos && !done && failure == null) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for the server");
      }
    }
    if (failure != null) {
      throw failure; // the connection or the disk failed: not a bad message, so not an IOException
    }
    return written - pos;
  }

  InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return new InputStream() {
      private long pos;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
          return 0;
        }
        long avail = ready(pos);
        if (avail == 0) {
          return -1;
        }
        int n = in.read(b, off, (int) Math.min(len, avail));
        if (n > 0) {
          pos += n;
        }
        return n;
      }

      @Override
      public void close() throws IOException {
        in.close();
      }
    };
  }
}
