package io.mailbridge.cli;

import io.mailbridge.send.SendResult;
import java.util.concurrent.LinkedBlockingQueue;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes a send's JSON lines and journal records on a thread of its own, in the batch's order, as
 * the library hands each result over. The sending thread goes straight back to the connection,
 * where the server waits for the next message's data, instead of encoding the line, writing it to
 * stdout and building the journal record first. {@link #close()} waits until every result handed
 * over is written, also when the send failed midway: what the server confirmed is on stdout and in
 * the journal either way. A line that cannot be written (stdout closed) stops the send at the next
 * result, as writing it on the sending thread did, and {@link #rethrow()} reports it.
 */
final class SentLines implements AutoCloseable {
  private static final Object END = new Object();

  private final CommandSpec spec;
  private final JournalSink journal;
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread writer;
  private volatile RuntimeException failure;
  private volatile boolean allOk = true;

  SentLines(CommandSpec spec, JournalSink journal) {
    this.spec = spec;
    this.journal = journal;
    writer = new Thread(this::write, "mailbridge-lines");
    writer.setDaemon(true); // a crash of the command must not wait for it
    writer.start();
  }

  /** One message's result, in batch order. */
  void accept(SendResult r) {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
    queue.add(r);
  }

  /** Whether every result written so far went to every recipient; final once {@link #close()} returned. */
  boolean allOk() {
    return allOk;
  }

  private void write() {
    try {
      while (true) {
        Object next = queue.take();
        if (next == END) {
          return;
        }
        SendResult r = (SendResult) next;
        Json.line(spec.commandLine().getOut(), SendCommand.view(r));
        journal.add(JournalRecords.sent(r));
        if (!r.ok()) {
          allOk = false;
          r.error().ifPresent(e -> spec.commandLine().getErr().println("mailbridge: " + e.getMessage()));
          spec.commandLine().getErr().flush();
        }
      }
    } catch (RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until every result handed over is written (or the writing stopped). */
  @Override
  public void close() {
    queue.add(END);
    boolean interrupted = false;
    while (writer.isAlive()) {
      try {
        writer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** After {@link #close()}: throws what stopped the writing of a line, if anything did. */
  void rethrow() {
    RuntimeException f = failure;
    if (f != null) {
      throw f;
    }
  }
}
