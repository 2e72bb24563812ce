package io.mailbridge.receive;

import io.mailbridge.ConfigException;
import java.util.Objects;

/**
 * Largest message and largest attachment an operation downloads, and what happens above them.
 * Sizes are those the server reports before the download: {@code RFC822.SIZE} for the message
 * (RFC 3501 2.3.4), the part size from {@code BODYSTRUCTURE} for an attachment, counted decoded
 * (a base64 part of n encoded bytes, in 76-character lines, counts as about {@code n * 3/4 * 76/78}).
 *
 * <pre>{@code
 * SizeLimits.of(25L << 20, 10L << 20, SizePolicy.REFERENCE)
 * }</pre>
 *
 * @param maxMessageBytes largest message downloaded, in bytes (default {@link Long#MAX_VALUE}: no limit)
 * @param maxAttachmentBytes largest attachment stored, in bytes, decoded (default {@link Long#MAX_VALUE}: no limit)
 * @param policy what happens to a message over a limit (default {@link SizePolicy#SKIP})
 */
public record SizeLimits(long maxMessageBytes, long maxAttachmentBytes, SizePolicy policy) {
  private static final SizeLimits NONE = new SizeLimits(Long.MAX_VALUE, Long.MAX_VALUE, SizePolicy.SKIP);

  public SizeLimits {
    if (maxMessageBytes < 1) {
      throw new ConfigException("sizeLimits.maxMessageBytes " + maxMessageBytes + " must be positive: give the "
          + "largest message size in bytes, e.g. 26214400 for 25 MiB");
    }
    if (maxAttachmentBytes < 1) {
      throw new ConfigException("sizeLimits.maxAttachmentBytes " + maxAttachmentBytes + " must be positive: give the "
          + "largest attachment size in bytes, e.g. 10485760 for 10 MiB");
    }
    Objects.requireNonNull(policy, "sizeLimits.policy");
  }

  /** No limits (the default). */
  public static SizeLimits none() {
    return NONE;
  }

  /** Both limits with a policy. */
  public static SizeLimits of(long maxMessageBytes, long maxAttachmentBytes, SizePolicy policy) {
    return new SizeLimits(maxMessageBytes, maxAttachmentBytes, policy);
  }

  /** True when a message of this size is over the message limit. */
  public boolean messageTooLarge(long size) {
    return size > maxMessageBytes;
  }

  /** True when an attachment limit is set (so the structure of each message is fetched too). */
  public boolean limitsAttachments() {
    return maxAttachmentBytes != Long.MAX_VALUE;
  }

  /** True when any limit is set. */
  public boolean active() {
    return maxMessageBytes != Long.MAX_VALUE || limitsAttachments();
  }
}
