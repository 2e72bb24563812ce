package io.mailbridge.document;

import io.mailbridge.ConfigException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How long the Document Cache keeps entries and how large it may grow: {@link DocumentCache#prune}
 * deletes entries older than {@code maxAge}, then the oldest ones until the stored bytes are at most
 * {@code maxTotalBytes}. An entry being written is never touched (it is not an entry until its
 * metadata is complete).
 *
 * <pre>{@code
 * cache.prune(CacheRetention.of(Duration.ofDays(30), 10L << 30));   // 30 days, 10 GiB
 * }</pre>
 *
 * @param maxAge entries stored longer ago than this are deleted; empty: no age limit
 * @param maxTotalBytes the most bytes of attachments kept (metadata not counted); empty: no size limit
 */
public record CacheRetention(Optional<Duration> maxAge, Optional<Long> maxTotalBytes) {
  public CacheRetention {
    Objects.requireNonNull(maxAge, "retention.maxAge");
    Objects.requireNonNull(maxTotalBytes, "retention.maxTotalBytes");
    if (maxAge.isPresent() && (maxAge.get().isNegative() || maxAge.get().isZero())) {
      throw new ConfigException("cache retention maxAge " + maxAge.get() + " must be positive, e.g. 30 days");
    }
    if (maxTotalBytes.isPresent() && maxTotalBytes.get() < 0) {
      throw new ConfigException("cache retention maxTotalBytes " + maxTotalBytes.get() + " must not be negative");
    }
  }

  /** Both limits; null for no limit of that kind. */
  public static CacheRetention of(Duration maxAge, Long maxTotalBytes) {
    return new CacheRetention(Optional.ofNullable(maxAge), Optional.ofNullable(maxTotalBytes));
  }

  /** No limit: prune only removes leftovers of interrupted writes. */
  public static CacheRetention unlimited() {
    return of(null, null);
  }

  /** Whether any limit is set. */
  public boolean limited() {
    return maxAge.isPresent() || maxTotalBytes.isPresent();
  }
}
