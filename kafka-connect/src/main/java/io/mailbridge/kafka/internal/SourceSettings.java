package io.mailbridge.kafka.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.ReceiveSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a source task needs, mapped once from the connector's keys by
 * {@link io.mailbridge.kafka.ImapSourceConfig#settings()}.
 *
 * @param imap the IMAP server and login
 * @param folders the folders this connector (or task) reads, Unicode names, no duplicates
 * @param topic the topic every record goes to
 * @param pollInterval how long a task waits after a poll found nothing new
 * @param batchSize at most this many messages per folder per poll
 * @param start where a folder without a stored offset starts
 * @param uidValidityPolicy what happens when a folder's UIDVALIDITY differs from the stored offset
 * @param postAction what is done to a message once Kafka acknowledged its record
 * @param attachments how attachment content travels
 * @param inlineMaxBytes largest attachment carried inline (mode INLINE)
 * @param cacheDir Document Cache directory chosen by the user; empty: none (no cache keys)
 * @param receive the Receive pipeline settings (folder set per folder by the task)
 * @param heartbeatTopic where heartbeat records go; empty: no heartbeats
 * @param attachmentsTopic where attachment records go (mode TOPIC only)
 */
public record SourceSettings(
    Endpoint imap,
    List<String> folders,
    String topic,
    Duration pollInterval,
    int batchSize,
    StartPosition start,
    UidValidityPolicy uidValidityPolicy,
    PostAction postAction,
    AttachmentsMode attachments,
    long inlineMaxBytes,
    Optional<Path> cacheDir,
    ReceiveSettings receive,
    Optional<String> heartbeatTopic,
    Optional<String> attachmentsTopic) {

  /** How attachment content travels in a record. */
  public enum AttachmentsMode {
    /** Bytes in the record up to the inline limit, larger ones as a reference. */
    INLINE,
    /** Only metadata, sha256 and (with a cache directory) the cache key. */
    REFERENCE,
    /** Bytes up to the inline limit as records of their own in the attachments topic, larger ones as a reference. */
    TOPIC
  }

  public SourceSettings {
    Objects.requireNonNull(imap, "imap");
    folders = List.copyOf(folders);
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(pollInterval, "pollInterval");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(uidValidityPolicy, "uidValidityPolicy");
    Objects.requireNonNull(postAction, "postAction");
    Objects.requireNonNull(attachments, "attachments");
    Objects.requireNonNull(cacheDir, "cacheDir");
    Objects.requireNonNull(receive, "receive");
    Objects.requireNonNull(heartbeatTopic, "heartbeatTopic");
    Objects.requireNonNull(attachmentsTopic, "attachmentsTopic");
  }

  /** The same settings with another IMAP endpoint (e.g. one that reports metrics). */
  public SourceSettings withImap(Endpoint other) {
    return new SourceSettings(other, folders, topic, pollInterval, batchSize, start, uidValidityPolicy, postAction,
        attachments, inlineMaxBytes, cacheDir, receive, heartbeatTopic, attachmentsTopic);
  }

  /** The source partition's mailbox: {@code user@host:port}. */
  public String mailbox() {
    return imap.auth().user() + "@" + imap.host() + ":" + imap.port();
  }
}
