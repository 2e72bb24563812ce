package io.mailbridge.receive.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A large message while the fetch thread is still receiving it, so parsing (base64 decode,
 * hashing, the Document Cache write) runs alongside the fetch instead of after it. Two forms:
 * <ul>
 *   <li>{@link #Arrival()}: the bytes go to a temp file (kept when the raw message is wanted);
 *       readers see the bytes written so far ({@link #advance}) and wait for more;
 *   <li>{@link #pipe(int)}: the bytes pass through a bounded buffer in memory ({@link #write}),
 *       no file at all; the writer waits while the buffer is full. When the reader is done early
 *       ({@link #abandon}, or closing its stream) the rest is dropped so the fetch can finish.
 * </ul>
 * A failed fetch is thrown to the reader.
 */
final class Arrival {
  private long written;
  private boolean done;
  private RuntimeException failure;
  /** The pipe's ring buffer; null for the file form. */
  private final byte[] ring;
  private int head;
  private int count;
  private boolean abandoned;
  /**
   * Pipe form: how many bytes (data for a waiting reader, room for a waiting writer) wake the other
   * side. Waking per socket read (a TLS record, ~16 KB) cost each side a context switch per record:
   * ~18,000 for a 287 MB message.
   */
  private final int wake;
  private boolean readerWaiting;
  private boolean writerWaiting;
  private long wakeUps;

  Arrival() {
    this.ring = null;
    this.wake = 1;
  }

  private Arrival(int capacity) {
    this.ring = new byte[capacity];
    this.wake = Math.max(1, Math.min(WAKE_BYTES, capacity / 4));
  }

  private static final int WAKE_BYTES = 1 << 16;

  /** The in-memory form, holding at most {@code capacity} bytes not yet read. */
  static Arrival pipe(int capacity) {
    return new Arrival(capacity);
  }

  boolean isPipe() {
    return ring != null;
  }

  /**
   * Pipe form: hands bytes to the reader, waiting while the buffer is full; drops them once the
   * reader has abandoned the message.
   */
  synchronized void write(byte[] b, int off, int len) throws InterruptedIOException {
    while (len > 0) {
      if (count == ring.length && !abandoned) {
        // Full: wait until the reader has made room for a whole wake-up's worth, not for every read.
        while (ring.length - count < wake && !abandoned) {
          writerWaiting = true; // cleared by the one who wakes us: one wake-up, however many reads follow
          waitHere();
        }
        writerWaiting = false;
      }
      if (abandoned) {
        return;
      }
      int tail = (head + count) % ring.length;
      int n = Math.min(len, Math.min(ring.length - count, ring.length - tail));
      System.arraycopy(b, off, ring, tail, n);
      count += n;
      written += n;
      off += n;
      len -= n;
      if (readerWaiting && count >= wake) {
        readerWaiting = false;
        wakeUps++;
        notifyAll();
      }
    }
  }

  /** Pipe form: how often one side woke the other while bytes flowed. */
  synchronized long wakeUps() {
    return wakeUps;
  }

  /** The reader needs no more bytes: a waiting or later {@link #write} drops them. */
  synchronized void abandon() {
    abandoned = true;
    notifyAll();
  }

  private void waitHere() throws InterruptedIOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for the server");
    }
  }

  private synchronized int take(byte[] b, int off, int len) throws InterruptedIOException {
    if (count == 0 && !done && failure == null) {
      // Empty: wait for a whole wake-up's worth (or the end), not for every piece the socket gives.
      while (count < wake && !done && failure == null) {
        readerWaiting = true; // cleared by the one who wakes us
        waitHere();
      }
      readerWaiting = false;
    }
    if (failure != null) {
      throw failure;
    }
    if (count == 0) {
      return -1;
    }
    int n = Math.min(len, Math.min(count, ring.length - head));
    System.arraycopy(ring, head, b, off, n);
    head = (head + n) % ring.length;
    count -= n;
    if (writerWaiting && ring.length - count >= wake) {
      writerWaiting = false;
      wakeUps++;
      notifyAll();
    }
    return n;
  }

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

  /** The message's bytes as they arrive; {@code file} is ignored by the pipe form. */
  InputStream open(Path file) throws IOException {
    if (ring != null) {
      return new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return len == 0 ? 0 : take(b, off, len);
        }

        @Override
        public void close() {
          abandon();
        }
      };
    }
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
