package io.mailbridge.send.internal;

import io.mailbridge.send.Email;
import io.mailbridge.send.SendSettings;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The messages of a batch composed, and the small ones written out to bytes, on a thread of their
 * own a few messages ahead of the sender: building and encoding message k+1 then happens while the
 * server is still taking message k, instead of between the two. Messages come out in batch order;
 * a failure to compose one comes out in its place and ends the batch there, as composing in line did.
 *
 * <p>Memory stays bounded: at most {@link #AHEAD} messages wait, and only messages known to be at
 * most {@link #RENDER_MAX_BYTES} are held as bytes; larger ones are still streamed from their
 * files when sent.
 */
public final class ComposeAhead implements AutoCloseable {
  /** Messages composed before the sender asks for them. */
  static final int AHEAD = 4;
  /** Largest message (by its size bound) held in memory as bytes. */
  static final long RENDER_MAX_BYTES = 1L << 20;

  /** The most messages {@link #ready(int)} need give the sender. */
  public static final int WINDOW = ChunkWindow.MAX_MESSAGES;
  /** Messages composed ahead when they may go out in a window of BDAT transactions. */
  static final int AHEAD_CHUNKING = ChunkWindow.MAX_MESSAGES;
  /** Bytes of rendered messages held ahead, at most (beyond {@link #AHEAD} messages). */
  static final long AHEAD_BYTES = 8L << 20;

  private final BlockingQueue<Object> ready;
  private final java.util.concurrent.Semaphore kib;
  private final Thread worker;
  private final int size;
  private int taken;
  private volatile boolean closed;

  /**
   * Starts composing {@code emails} (already validated) on a worker thread.
   *
   * @param defaultFrom the sender of messages that name none
   */
  public ComposeAhead(List<Email> emails, String defaultFrom, SendSettings settings) {
    this.size = emails.size();
    boolean chunked = settings.chunking() && settings.pipelining();
    int capacity = chunked ? AHEAD_CHUNKING : AHEAD;
    this.ready = new ArrayBlockingQueue<>(capacity);
    // The window's messages wait here, written out: their bytes are bounded as well as their number.
    this.kib = new java.util.concurrent.Semaphore((int) (Math.max(AHEAD_BYTES, AHEAD * 2 * RENDER_MAX_BYTES) >> 10));
    this.worker = new Thread(() -> {
      // A file attached to many messages of the batch is read and encoded once.
      EncodedAttachments encoded = EncodedAttachments.forBatch();
      for (Email email : emails) {
        Object next;
        try {
          Composer.Composed c = Composer.compose(email, defaultFrom, settings, encoded);
          // In the form it will most likely be sent in; the other is made only if it is needed.
          c.message().render(c.sizeUpperBound(), RENDER_MAX_BYTES, chunked);
          next = c;
        } catch (RuntimeException | Error e) {
          next = e;
        }
        try {
          int cost = cost(next);
          while (!kib.tryAcquire(cost, 100, TimeUnit.MILLISECONDS)) {
            if (closed) {
              return;
            }
          }
          while (!ready.offer(next, 100, TimeUnit.MILLISECONDS)) {
            if (closed) {
              return;
            }
          }
        } catch (InterruptedException e) {
          return;
        }
        if (next instanceof Throwable || closed) {
          return;
        }
      }
    }, "mailbridge-compose");
    worker.setDaemon(true);
    worker.start();
  }

  /** Whether a message is left. */
  public boolean hasNext() {
    return taken < size;
  }

  /**
   * The next message in batch order; waits until it is composed.
   *
   * @throws RuntimeException what composing that message threw
   */
  public Composer.Composed next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Object next;
    try {
      next = ready.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while composing message " + (taken + 1), e);
    }
    taken++;
    kib.release(cost(next));
    if (next instanceof RuntimeException e) {
      taken = size;
      throw e;
    }
    if (next instanceof Error e) {
      taken = size;
      throw e;
    }
    return (Composer.Composed) next;
  }

  /** KiB a waiting message holds in memory (the bytes its rendering left there). */
  private static int cost(Object next) {
    if (next instanceof Composer.Composed c && c.message().rendered()) {
      return (int) Math.min((c.message().renderedBytes() + 1023) >> 10, AHEAD_BYTES >> 10);
    }
    return 0;
  }

  /**
   * The messages composed already that {@link #next()} will return, in order, at most {@code max};
   * never waits.
   */
  public java.util.List<Composer.Composed> ready(int max) {
    java.util.List<Composer.Composed> out = new java.util.ArrayList<>(Math.min(max, ready.size()));
    for (Object o : ready) {
      if (out.size() >= max || !(o instanceof Composer.Composed c)) {
        break;
      }
      out.add(c);
    }
    return out;
  }

  /** The message {@link #next()} will return when it is composed already, else null; never waits. */
  public Composer.Composed peekReady() {
    return ready.peek() instanceof Composer.Composed c ? c : null;
  }

  /** Stops composing (messages not taken are dropped, never sent). */
  @Override
  public void close() {
    closed = true;
    ready.clear();
    worker.interrupt();
    try {
      worker.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
