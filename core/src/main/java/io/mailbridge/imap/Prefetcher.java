package io.mailbridge.imap;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.ServerInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the planned batches on a background thread, one batch ahead of the parser, so the
 * server sends batch n+1 while batch n is parsed and handed over. Memory stays bounded: at most
 * one batch queued, one being parsed and one arriving (each at most {@code batchMaxBytes}); large
 * messages go to temporary files. Commands on the one IMAP connection are serialised by Angus.
 */
public final class Prefetcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Prefetcher.class);

  /** One unit of work: a batch of small messages, or one large message. */
  public record Work(List<Long> uids, boolean large, long size) {}

  /** What the fetch thread produced for a {@link Work}. */
  public record Fetched(Work work, List<RawMessage> messages, RuntimeException error) {}

  private final Fetcher fetcher;
  private final List<Work> plan;
  private final Path tempDir;
  private final int chunkBytes;
  private final boolean rawFiles;
  private final BlockingQueue<Fetched> queue = new ArrayBlockingQueue<>(1);
  private final Thread thread;
  private volatile boolean cancelled;
  /** The large message being fetched, to release a fetch waiting on its reader when closing. */
  private volatile Arrival current;

  /**
   * @param rawFiles large messages must be in a temp file (the raw message is kept); otherwise
   *     they pass through memory to the parser when the connection allows it
   */
  public Prefetcher(Fetcher fetcher, List<Work> plan, Path tempDir, int chunkBytes, boolean rawFiles) {
    this.fetcher = fetcher;
    this.plan = plan;
    this.tempDir = tempDir;
    this.chunkBytes = chunkBytes;
    this.rawFiles = rawFiles;
    this.thread = new Thread(this::run, "mailbridge-receive-fetch");
    this.thread.setDaemon(true);
  }

  public void start() {
    thread.start();
  }

  /** The next fetched work item, in plan order; rethrows what the fetch thread failed with. */
  public Fetched next() {
    try {
      Fetched f = queue.take();
      if (f.error() != null) {
        throw f.error();
      }
      return f;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the server", e);
    }
  }

  private void run() {
    try {
      fetchAll();
    } catch (Throwable e) { // NOPMD: the consumer waits for this thread; it must hear of any failure
      RuntimeException failure = e instanceof RuntimeException r ? r
          : new IllegalStateException("internal error while fetching from the server: " + e, e);
      offer(new Fetched(null, List.of(), failure));
      if (e instanceof Error err && !(e instanceof OutOfMemoryError || e instanceof StackOverflowError)) {
        throw err;
      }
    }
  }

  /** Extra room over a message's announced size for its literal (servers count sizes slightly differently). */
  private static final long SLACK_BYTES = 1 << 20;

  private void fetchAll() {
    for (Work w : plan) {
      if (cancelled) {
        return;
      }
      if (w.large()) {
        if (!large(w)) {
          return;
        }
        continue;
      }
      Fetched f;
      // The batch's literals stay within its planned size (with room for servers' size slips):
      // a server announcing 300 MB for a message it called small is refused before any allocation.
      try (ServerInput.Scope s = ServerInput.expectLiterals(w.size() + SLACK_BYTES, 2 * w.size() + SLACK_BYTES)) {
        f = new Fetched(w, fetcher.messages(w.uids()), null);
      } catch (RuntimeException e) {
        f = new Fetched(w, List.of(), e);
      }
      if (!offer(f) || f.error() != null) {
        discard(f);
        return;
      }
    }
  }

  /**
   * A large message is handed over as soon as its FETCH items are known; its body is fetched into
   * the temp file while the consumer already parses it, or lent to the consumer, which reads it
   * from the connection itself (see {@link Arrival}). Returns false when fetching must stop.
   */
  private boolean large(Work w) {
    long uid = w.uids().get(0);
    Path file = null;
    RawMessage m;
    boolean lent = !rawFiles && fetcher.streams();
    Arrival arrival = lent ? Arrival.loan() : new Arrival();
    current = arrival;
    try {
      if (!lent) {
        file = Files.createTempFile(tempDir, "uid-" + uid + "-", ".eml");
      }
    } catch (IOException e) {
      Fetched f = new Fetched(w, List.of(), new ConfigException("cannot create a temporary file in " + tempDir
          + " for UID " + uid + " (" + e + "): free disk space or choose another cache directory", e));
      offer(f);
      return false;
    }
    // A large body is streamed, never held: its literal may exceed the announced size a little.
    long bound = Math.max(2 * w.size(), w.size() + 16 * SLACK_BYTES);
    try (ServerInput.Scope s = ServerInput.expectLiterals(bound, bound)) {
      m = fetcher.largeMeta(uid, w.size(), file, arrival);
    } catch (RuntimeException e) {
      deleteQuietly(file);
      offer(new Fetched(w, List.of(), e));
      return false;
    }
    if (m == null) {
      deleteQuietly(file);
      return offer(new Fetched(w, List.of(), null)); // expunged meanwhile
    }
    Fetched f = new Fetched(w, List.of(m), null);
    if (!offer(f)) {
      discard(f);
      return false;
    }
    try (ServerInput.Scope s = ServerInput.expectLiterals(bound, bound)) {
      fetcher.largeBody(uid, chunkBytes, file, arrival, () -> cancelled);
      if (cancelled) {
        arrival.fail(new IllegalStateException("receive cancelled while fetching UID " + uid));
        return false;
      }
      arrival.finish();
      return true;
    } catch (UncheckedIOException e) {
      failLarge(w, arrival, new ConfigException("cannot write UID " + uid + " to " + file + " (" + e.getCause()
          + "): free disk space or choose another cache directory", e));
      return false;
    } catch (RuntimeException e) {
      failLarge(w, arrival, e);
      return false;
    } catch (Error e) {
      failLarge(w, arrival, new IllegalStateException("fetch of UID " + uid + " failed: " + e, e));
      throw e;
    }
  }

  /**
   * The fetch of a handed-over large message failed: its reader gets the failure, and so does a
   * consumer that is already done with the message (the parser gave up on it early) and waits for
   * the next work item, which will never come.
   */
  private void failLarge(Work w, Arrival arrival, RuntimeException e) {
    arrival.fail(e);
    offer(new Fetched(w, List.of(), e));
  }

  private boolean offer(Fetched f) {
    try {
      while (!cancelled) {
        if (queue.offer(f, 100, TimeUnit.MILLISECONDS)) {
          return true;
        }
      }
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Stops fetching, waits for the thread (so the connection is idle) and deletes unclaimed temp files. */
  @Override
  public void close() {
    cancelled = true;
    Arrival a = current;
    if (a != null) {
      a.abandon(); // a fetch waiting for the parser to read drops the rest instead
    }
    try {
      thread.join(TimeUnit.MINUTES.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      LOG.warn("fetch thread still busy after 5 minutes; the connection is closed under it");
    }
    Fetched left;
    while ((left = queue.poll()) != null) {
      discard(left);
    }
  }

  private static void discard(Fetched f) {
    for (RawMessage m : f.messages()) {
      if (m.file() != null) {
        deleteQuietly(m.file());
      }
    }
  }

  static void deleteQuietly(Path p) {
    if (p == null) {
      return;
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
