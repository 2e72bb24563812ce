package io.mailbridge.cli;

import io.mailbridge.MailbridgeException;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalRecord;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Writes journal records on a thread of its own, so that neither opening SQLite (loading its native
 * library is a sizeable part of a cold start) nor its commits delay the command: records queue up
 * while the command connects and works. They are inserted as they come (a tick's worth at a time)
 * into a transaction that commits {@link #BATCH_MILLIS} ms after its first record, so a crash loses
 * at most the records of those last ms, and a command's end has only its last few records and the
 * commit to wait for. {@link #close()} waits until every record is committed, not for the file to
 * be closed: the file is left open, and a commit is in SQLite's write-ahead log, which a process
 * that ends (even killed) leaves for the next opener to fold into the file, so the command does
 * not wait for that checkpoint on its way out. The retention's
 * removals happen first, while the command connects, once fewer than 1% of its most records are
 * left free, down to 95%: a full journal keeps between 95% and 100% of the most (never more). A journal that cannot be written is a warning on stderr: the mail
 * operation it describes has happened and is reported on stdout either way.
 */
final class JournalSink implements AutoCloseable {
  private static final JournalRecord END = new JournalRecord(java.time.Instant.EPOCH, "", "", java.util.Map.of(),
      Optional.empty(), List.of(), Optional.empty(), Optional.empty());

  /** How long a transaction stays open for more records after its first. */
  static final long BATCH_MILLIS = 200;
  /** How often an open transaction takes in the records that came meanwhile. */
  private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  /** The most records in one transaction. */
  static final int MAX_BATCH = 10_000;

  private final Path file;
  private final Journal.Retention retention;
  private final PrintWriter stderr;
  private final LinkedBlockingQueue<JournalRecord> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  /** Counted down once every record added is committed (or the writer gave up). */
  private final java.util.concurrent.CountDownLatch committed = new java.util.concurrent.CountDownLatch(1);
  private volatile String failure;
  private final java.util.concurrent.atomic.AtomicInteger transactions = new java.util.concurrent.atomic.AtomicInteger();

  private JournalSink(Path file, Journal.Retention retention, PrintWriter stderr) {
    this.file = file;
    this.retention = retention;
    this.stderr = stderr;
    if (file == null) {
      writer = null;
      return;
    }
    writer = new Thread(this::write, "mailbridge-journal");
    writer.setDaemon(true); // a crash of the command must not wait for it
    writer.start();
  }

  static JournalSink start(Optional<Path> file, Journal.Retention retention, PrintWriter stderr) {
    return new JournalSink(file.orElse(null), retention, stderr);
  }

  /** A sink that records nothing. */
  static JournalSink off() {
    return new JournalSink(null, null, null);
  }

  boolean enabled() {
    return writer != null;
  }

  void add(JournalRecord r) {
    if (writer != null && failure == null) {
      queue.add(r);
    }
  }

  private void write() {
    SqliteNative.useCachedCopy(System.getenv());
    Journal journal = null;
    try {
      journal = Journal.open(file, retention);
      // The oldest records go while the command connects, not after its work: close() then has
      // nothing to remove unless the command recorded more than this room. They go in steps of 5%
      // of the most records: a step costs less per record the more it removes.
      journal.prune(retention.maxRecords() / 100, retention.maxRecords() / 25);
      // A log the previous command left (it exits before the file is closed) goes in now too.
      journal.checkpoint();
      List<JournalRecord> batch = new ArrayList<>();
      long deadline = 0; // when the open transaction commits; 0: none is open
      int uncommitted = 0;
      while (true) {
        if (deadline == 0) {
          batch.add(queue.take());
        } else {
          // Records are inserted a tick's worth at a time, not one wake-up per record.
          LockSupport.parkNanos(Math.min(TICK_NANOS, deadline - System.nanoTime()));
        }
        queue.drainTo(batch, MAX_BATCH - uncommitted);
        boolean end = !batch.isEmpty() && batch.get(batch.size() - 1) == END;
        if (end) {
          batch.remove(batch.size() - 1);
        }
        if (!batch.isEmpty()) {
          if (deadline == 0) {
            deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BATCH_MILLIS);
          }
          journal.appendUncommitted(batch);
          uncommitted += batch.size();
          batch.clear();
        }
        if (deadline != 0 && (end || uncommitted >= MAX_BATCH || System.nanoTime() - deadline >= 0)) {
          journal.commit();
          transactions.incrementAndGet();
          deadline = 0;
          uncommitted = 0;
        }
        if (end) {
          // The retention's bound holds before the command may exit.
          journal.prune();
          committed.countDown();
          // The file stays open: closing it folds the write-ahead log into the file (a checkpoint,
          // with its syncs), and the process, which ends now, would wait for that I/O on its way
          // out. The log is as safe as the file: the next command to open the journal folds it in
          // while it connects.
          return;
        }
      }
    } catch (MailbridgeException | IllegalStateException | LinkageError e) {
      if (committed.getCount() > 0) {
        failure = e.getMessage();
      }
      queue.clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (journal != null && committed.getCount() > 0) {
        closeQuietly(journal); // after an error, or interrupted: what was committed stays
      }
      committed.countDown();
    }
  }

  private static void closeQuietly(Journal journal) {
    try {
      journal.close();
    } catch (MailbridgeException | IllegalStateException e) {
      // the error that ended the writer is the one reported
    }
  }

  /** Waits until the writer thread has ended (after {@link #close()}). */
  void awaitWriter() throws InterruptedException {
    if (writer != null) {
      writer.join();
    }
  }

  /** How many transactions were written so far. */
  int transactions() {
    return transactions.get();
  }

  /** Waits until every record is written; a failure becomes one warning on stderr. */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    queue.add(END);
    LockSupport.unpark(writer); // no need to wait for the tick
    try {
      committed.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (failure != null) {
      stderr.println("mailbridge: warning: the journal was not written: " + failure + " (--journal FILE chooses "
          + "another file, --journal off or MAILBRIDGE_JOURNAL=off turns it off)");
      stderr.flush();
    }
  }
}
