package io.mailbridge.listen.internal;

import io.mailbridge.listen.Health;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The live, thread-safe health of one watched folder, written by its watcher, read as a snapshot. */
public final class FolderStatus implements FolderSync.Progress {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(FolderStatus.class);
  private final String mailbox;
  private final String folder;
  volatile Health.Status status = Health.Status.CONNECTING;
  volatile boolean connected;
  volatile boolean idling;
  volatile Instant lastSuccess;
  volatile String lastError;
  volatile Instant lastErrorAt;
  private volatile long uidValidity;
  private volatile long lastUid;
  private volatile long lag;
  private final AtomicLong delivered = new AtomicLong();
  final AtomicLong reconnects = new AtomicLong();
  private final long stallNanos;
  /** When something last moved: delivering began, a document was handed over, the watermark moved. */
  private volatile long movedNanos = System.nanoTime();
  private volatile boolean stallReported;
  /** What ended the watcher for good (status FAILED). */
  private volatile Throwable failure;

  public FolderStatus(String mailbox, String folder) {
    this(mailbox, folder, Duration.ofMinutes(10));
  }

  /** @param stallTimeout how long delivering may go on with nothing moving before it is reported STALLED */
  public FolderStatus(String mailbox, String folder, Duration stallTimeout) {
    this.mailbox = mailbox;
    this.folder = folder;
    this.stallNanos = stallTimeout.toNanos();
  }

  @Override
  public void known(long lastUid, long uidValidity, long lag) {
    this.lastUid = lastUid;
    this.uidValidity = uidValidity;
    this.lag = lag;
    moved();
  }

  @Override
  public void delivered(int count) {
    delivered.addAndGet(count);
    moved();
  }

  /** Delivering begins (new mail signalled, or a poll). */
  void delivering() {
    movedNanos = System.nanoTime();
    status = Health.Status.DELIVERING;
  }

  /** Something moved: a document was handed over, the watermark was saved. */
  void moved() {
    movedNanos = System.nanoTime();
    stallReported = false;
  }

  /** Stopped for good: status FAILED, with the error that ended it. */
  void failed(Throwable e) {
    error(e);
    failure = e;
    status = Health.Status.FAILED;
  }

  /** What ended this folder's watcher for good, when its status is FAILED. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /** The status to show: DELIVERING with nothing moving for longer than the stall timeout is STALLED. */
  private Health.Status shownStatus() {
    Health.Status s = status;
    if (s != Health.Status.DELIVERING) {
      return s;
    }
    long still = System.nanoTime() - movedNanos;
    if (still <= stallNanos) {
      return s;
    }
    if (!stallReported) {
      stallReported = true;
      LOG.warn("listen stalled mailbox={} folder={} nothingMovedForSeconds={}: delivering, but no document was handed "
          + "over and no watermark saved (a handler that does not return, or a download that no longer advances)",
          mailbox, folder, Duration.ofNanos(still).toSeconds());
    }
    return Health.Status.STALLED;
  }

  /** Messages beyond the watermark at the last look. */
  public long lag() {
    return lag;
  }

  void success() {
    lastSuccess = Instant.now();
  }

  void error(Throwable e) {
    // Shown in the health file and /health: escaped and cut, whatever text a server put in it.
    lastError = io.mailbridge.connection.ServerText.shown(e.getMessage() == null ? e.toString() : e.getMessage(), 1000);
    lastErrorAt = Instant.now();
  }

  public Health.FolderHealth snapshot() {
    return new Health.FolderHealth(mailbox, folder, shownStatus(), connected, idling, Optional.ofNullable(lastSuccess),
        Optional.ofNullable(lastError), Optional.ofNullable(lastErrorAt), uidValidity, lastUid, lag, delivered.get(),
        reconnects.get());
  }
}
