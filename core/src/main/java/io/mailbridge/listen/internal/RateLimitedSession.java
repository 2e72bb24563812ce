package io.mailbridge.listen.internal;

import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.FolderSession;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A {@link FolderSession} whose deliveries go through the mailbox's {@link TokenBucket}: a batch is
 * fetched in slices of at most the bucket's capacity, each after taking one token per message.
 * Searches and post-actions are not counted (one command each, whatever the batch size).
 */
final class RateLimitedSession implements FolderSession {
  private final FolderSession inner;
  private final TokenBucket bucket;
  private final BooleanSupplier stop;

  RateLimitedSession(FolderSession inner, TokenBucket bucket, BooleanSupplier stop) {
    this.inner = inner;
    this.bucket = bucket;
    this.stop = stop;
  }

  @Override
  public long uidValidity() {
    return inner.uidValidity();
  }

  @Override
  public long uidNext() {
    return inner.uidNext();
  }

  @Override
  public List<Long> uidsAfter(long lastUid) {
    return inner.uidsAfter(lastUid);
  }

  @Override
  public List<Long> uidsBetween(long fromExclusive, long toInclusive) {
    return inner.uidsBetween(fromExclusive, toInclusive);
  }

  @Override
  public List<Long> uidsSince(LocalDate day) {
    return inner.uidsSince(day);
  }

  @Override
  public List<Long> deliver(List<Long> uids, DocumentHandler handler) {
    List<Long> skipped = new ArrayList<>();
    for (int i = 0; i < uids.size(); i += bucket.capacity()) {
      List<Long> slice = uids.subList(i, Math.min(uids.size(), i + bucket.capacity()));
      try {
        if (!bucket.acquire(slice.size(), stop)) {
          // Stopping: what was not fetched stays above the watermark and is delivered next time.
          throw new Stopped();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new Stopped();
      }
      skipped.addAll(inner.deliver(slice, handler));
    }
    return skipped;
  }

  @Override
  public void postAction(List<Long> uids) {
    inner.postAction(uids);
  }

  @Override
  public void quarantine(long uid, String reason, int attempts, DocumentHandler deadLetters) {
    inner.quarantine(uid, reason, attempts, deadLetters);
  }

  /** The listener stops while a slice waits for its tokens; FolderSync keeps what was accepted. */
  static final class Stopped extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Stopped() {
      super("stopping while waiting for the rate limit", null, false, false);
    }
  }
}
