package io.mailbridge.imap;

import io.mailbridge.base.BlockInputStream;
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
 *   <li>{@link #loan()}: no file and no copy at all. The fetch thread, having read the FETCH
 *       items, lends the connection's stream positioned at the body literal ({@link #lend}) and
 *       waits; the reader reads the literal straight from the connection on its own thread, and
 *       gives the stream back at its end, when it closes it, or when it is done early ({@link
 *       #abandon}); the fetch thread then skips what is left and reads the rest of the answer.
 *       The copy through a buffer between the two threads this replaces, with its wake-ups, was
 *       a quarter of what the JVM spent beyond the raw client on a 200 MiB attachment.
 * </ul>
 * A failed fetch is thrown to the reader; the reader meets the end of the body only once the
 * whole command has completed ({@link #finish}), as in the file form.
 */
public final class Arrival {
  private long written;
  private boolean done;
  private RuntimeException failure;
  /** Whether this is the loan form. */
  private final boolean loan;
  /** Loan form: the body literal's stream while it is lent. */
  private InputStream lent;
  /** Loan form: the reader is done with the stream (its end, closed, abandoned, or its read failed). */
  private boolean returned;
  /** Loan form: a read of the lent stream is under way; the stream is not given back in the middle of it. */
  private boolean reading;
  /** Loan form: how the connection failed under the reader, for the fetch thread to report. */
  private IOException readFailure;
  /** Loan form: how often the fetch thread waiting in {@link #lend} was woken. */
  private long lenderWakeUps;

  public Arrival() {
    this.loan = false;
  }

  private Arrival(boolean loan) {
    this.loan = loan;
  }

  /** The form in which the reader reads the body from the connection itself. */
  static Arrival loan() {
    return new Arrival(true);
  }

  boolean isLoan() {
    return loan;
  }

  /**
   * Loan form, on the fetch thread: lends the body literal's stream to the reader and waits until
   * the reader has given it back; what the reader did not read is the caller's to skip. Throws the
   * failure the reader met reading the connection, so the command fails as if the fetch thread had
   * met it.
   */
  synchronized void lend(InputStream literal) throws IOException {
    lent = literal;
    notifyAll();
    try {
      while (!returned || reading) {
        waitHere();
        lenderWakeUps++;
      }
    } finally {
      lent = null;
    }
    if (readFailure != null) {
      throw readFailure;
    }
  }

  /** Loan form: how often the fetch thread waiting in {@link #lend} was woken. */
  synchronized long lenderWakeUps() {
    return lenderWakeUps;
  }

  /** The reader needs no more bytes: the lent stream goes back (once a read under way ends). */
  public synchronized void abandon() {
    returned = true;
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

  /** Loan form: waits for the stream; null when there is nothing (more) to read from it. */
  private synchronized InputStream borrow() throws InterruptedIOException {
    while (lent == null && !returned && !done && failure == null) {
      waitHere();
    }
    if (failure != null) {
      throw failure;
    }
    if (returned || lent == null) {
      return null;
    }
    reading = true;
    return lent;
  }

  /** Loan form: one read by the reader, straight from the connection. */
  private int take(byte[] b, int off, int len) throws IOException {
    InputStream s = borrow();
    if (s == null) {
      return ended();
    }
    int n;
    try {
      n = s.read(b, off, len);
    } catch (IOException e) {
      synchronized (this) {
        reading = false;
        returned = true;
        readFailure = e;
        notifyAll();
      }
      ended(); // the fetch thread reports the dropped connection as the receive's failure
      throw e; // not reached: the fetch always ends with finish or fail
    }
    synchronized (this) {
      reading = false;
      if (n < 0) {
        returned = true;
      }
      if (returned) {
        notifyAll(); // only then: the fetch thread waiting in lend has nothing to do per read
      }
    }
    return n < 0 ? ended() : n;
  }

  /** The end of the body: -1 once the command completed, or the failure it ended with. */
  private synchronized int ended() throws InterruptedIOException {
    while (!done && failure == null) {
      waitHere();
    }
    if (failure != null) {
      throw failure;
    }
    return -1;
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
      waitHere();
    }
    if (failure != null) {
      throw failure; // the connection or the disk failed: not a bad message, so not an IOException
    }
    return written - pos;
  }

  /** The message's bytes as they arrive; {@code file} is ignored by the loan form. */
  InputStream open(Path file) throws IOException {
    if (loan) {
      return new BlockInputStream() {
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
    return new BlockInputStream() {
      private long pos;

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
