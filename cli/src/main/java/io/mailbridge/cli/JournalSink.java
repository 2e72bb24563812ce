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

/**
 * Writes journal records on a thread of its own, so that neither opening SQLite (loading its native
 * library is a sizeable part of a cold start) nor its commits delay the command: records queue up
 * while the command connects and works, and go in one transaction per batch. {@link #close()} waits
 * for the queue to be written. A journal that cannot be written is a warning on stderr: the mail
 * operation it describes has happened and is reported on stdout either way.
 */
final class JournalSink implements AutoCloseable {
  private static final JournalRecord END = new JournalRecord(java.time.Instant.EPOCH, "", "", java.util.Map.of(),
      Optional.empty(), List.of(), Optional.empty(), Optional.empty());

  private final Path file;
  private final Journal.Retention retention;
  private final PrintWriter stderr;
  private final LinkedBlockingQueue<JournalRecord> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile String failure;

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
    try (Journal journal = Journal.open(file, retention)) {
      List<JournalRecord> batch = new ArrayList<>();
      while (true) {
        batch.add(queue.take());
        queue.drainTo(batch);
        boolean end = batch.remove(END);
        if (!batch.isEmpty()) {
          journal.append(batch);
          batch.clear();
        }
        if (end) {
          return;
        }
      }
    } catch (MailbridgeException | IllegalStateException | LinkageError e) {
      failure = e.getMessage();
      queue.clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until every record is written; a failure becomes one warning on stderr. */
  @Override
  public void close() {
    if (writer == null) {
      return;
    }
    queue.add(END);
    try {
      writer.join();
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
