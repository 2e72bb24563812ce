package io.mailbridge.listen.internal;

import io.mailbridge.listen.Health;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** The live, thread-safe health of one watched folder, written by its watcher, read as a snapshot. */
public final class FolderStatus implements FolderSync.Progress {
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

  public FolderStatus(String mailbox, String folder) {
    this.mailbox = mailbox;
    this.folder = folder;
  }

  @Override
  public void known(long lastUid, long uidValidity, long lag) {
    this.lastUid = lastUid;
    this.uidValidity = uidValidity;
    this.lag = lag;
  }

  @Override
  public void delivered(int count) {
    delivered.addAndGet(count);
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
    return new Health.FolderHealth(mailbox, folder, status, connected, idling, Optional.ofNullable(lastSuccess),
        Optional.ofNullable(lastError), Optional.ofNullable(lastErrorAt), uidValidity, lastUid, lag, delivered.get(),
        reconnects.get());
  }
}
