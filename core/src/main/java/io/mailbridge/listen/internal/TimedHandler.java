package io.mailbridge.listen.internal;

import io.mailbridge.document.MailDocument;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.receive.DocumentHandler;
import java.util.function.LongSupplier;

/**
 * The handler as one folder's watcher calls it: each accepted document counts as movement for the
 * stall detector and its hand-over latency (from the check's start) is recorded; every other
 * callback (dead letters, post-action notices) passes on unchanged.
 */
final class TimedHandler extends DocumentHandler.Forwarding {
  private final FolderStatus status;
  private final Recorder metrics;
  private final String folder;
  private final LongSupplier checkBegan;

  TimedHandler(DocumentHandler handler, FolderStatus status, Recorder metrics, String folder, LongSupplier checkBegan) {
    super(handler);
    this.status = status;
    this.metrics = metrics;
    this.folder = folder;
    this.checkBegan = checkBegan;
  }

  @Override
  public void handle(MailDocument doc) {
    super.handle(doc);
    status.moved();
    if (metrics.enabled()) {
      metrics.handover(folder, System.nanoTime() - checkBegan.getAsLong());
    }
  }
}
