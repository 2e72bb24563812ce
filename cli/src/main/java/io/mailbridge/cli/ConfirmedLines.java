package io.mailbridge.cli;

import io.mailbridge.connection.MailConnection;
import io.mailbridge.move.MoveResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes a move's or copy's lines and journal records batch by batch as the server confirms them,
 * on a thread of its own: the next batch's command goes out while the last one's lines are written,
 * so little of that work is left once the server answered the last. {@link #close()} waits until
 * every batch handed over is written, also when the move failed midway: what the server confirmed
 * is on stdout and in the journal either way.
 */
final class ConfirmedLines implements AutoCloseable {
  private final CommandSpec spec;
  private final String operation;
  private final MailConnection mail;
  private final JournalSink journal;
  private final ExecutorService writer = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "mailbridge-lines");
    t.setDaemon(true); // a crash of the command must not wait for it
    return t;
  });
  private final List<Future<?>> written = new ArrayList<>();

  ConfirmedLines(CommandSpec spec, String operation, MailConnection mail, JournalSink journal) {
    this.spec = spec;
    this.operation = operation;
    this.mail = mail;
    this.journal = journal;
  }

  /** One batch's outcomes, as the library hands them over. */
  void accept(MoveResult batch) {
    written.add(writer.submit(() -> Outcomes.lines(spec, batch, operation, mail, journal)));
  }

  /** Waits until every batch handed over is written. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      for (Future<?> f : written) {
        f.get();
      }
      writer.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    }
  }
}
