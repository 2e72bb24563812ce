package io.mailbridge.send;

import io.mailbridge.ConfigException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How {@link Send} behaves.
 *
 * <pre>{@code
 * SendSettings s = SendSettings.builder().maxAttempts(5).copyToSent(true).build();
 * }</pre>
 *
 * @param maxAttempts attempts per message for transient failures (SMTP 4xx, or the connection lost
 *     before the message data was complete), including the first; 1 disables retries. Default 3.
 *     A message whose data was fully transmitted but whose final reply never came is never
 *     retried (at-most-once): it is reported {@link SendResult.Status#UNKNOWN}.
 * @param initialBackoff wait before the second attempt, doubled for each further one. Default 1 s.
 * @param maxBackoff upper bound of one wait. Default 30 s.
 * @param copyToSent also APPEND each sent message, marked \Seen, to a folder on the inbound (IMAP)
 *     server. Default false.
 * @param sentFolder the folder for {@code copyToSent}; empty means the folder with the
 *     {@code \Sent} special-use attribute (RFC 6154), else {@code Sent}. Default empty.
 */
public record SendSettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    boolean copyToSent,
    Optional<String> sentFolder) {

  public SendSettings {
    if (maxAttempts < 1 || maxAttempts > 100) {
      throw new ConfigException("send.maxAttempts " + maxAttempts + " is out of range 1-100");
    }
    Objects.requireNonNull(initialBackoff, "send.initialBackoff");
    Objects.requireNonNull(maxBackoff, "send.maxBackoff");
    if (initialBackoff.isNegative()) {
      throw new ConfigException("send.initialBackoff " + initialBackoff + " must not be negative");
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new ConfigException("send.maxBackoff " + maxBackoff + " is below send.initialBackoff " + initialBackoff
          + ": raise maxBackoff");
    }
    Objects.requireNonNull(sentFolder, "send.sentFolder");
    if (sentFolder.isPresent() && sentFolder.get().isBlank()) {
      throw new ConfigException("send.sentFolder is blank: give a folder name or leave it unset for the \\Sent folder");
    }
  }

  /** The defaults: 3 attempts, 1 s backoff doubling up to 30 s, no copy to Sent. */
  public static SendSettings defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().maxAttempts(maxAttempts).initialBackoff(initialBackoff).maxBackoff(maxBackoff)
        .copyToSent(copyToSent).sentFolder(sentFolder.orElse(null));
  }

  /** Builder; {@link #build()} validates. */
  public static final class Builder {
    private int maxAttempts = 3;
    private Duration initialBackoff = Duration.ofSeconds(1);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private boolean copyToSent;
    private String sentFolder;

    public Builder maxAttempts(int attempts) {
      this.maxAttempts = attempts;
      return this;
    }

    public Builder initialBackoff(Duration backoff) {
      this.initialBackoff = backoff;
      return this;
    }

    public Builder maxBackoff(Duration backoff) {
      this.maxBackoff = backoff;
      return this;
    }

    public Builder copyToSent(boolean copy) {
      this.copyToSent = copy;
      return this;
    }

    /** Folder for copies; null means the \Sent special-use folder. Implies nothing on its own. */
    public Builder sentFolder(String folder) {
      this.sentFolder = folder;
      return this;
    }

    public SendSettings build() {
      return new SendSettings(maxAttempts, initialBackoff, maxBackoff, copyToSent, Optional.ofNullable(sentFolder));
    }
  }
}
