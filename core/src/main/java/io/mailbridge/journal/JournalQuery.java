package io.mailbridge.journal;

import java.time.Instant;
import java.util.Optional;

/**
 * Which {@link Journal} records to return: every criterion given must match (AND); text criteria
 * match a part of the value, ignoring case. Records come oldest first.
 *
 * @param messageId the Message-ID (angle brackets optional). Also returns the records of the same
 *     message that do not carry its Message-ID (a move by UID), found by their document key
 * @param subject part of the subject
 * @param from part of the From address
 * @param to part of a To, Cc or Bcc address
 * @param folder the folder the message was in or went to ({@code folder} or {@code fromFolder})
 * @param operation {@code send}, {@code receive}, {@code watch}, {@code move}...
 * @param outcome {@code received}, {@code sent}, {@code moved}, {@code failed}...
 * @param since at or after this instant
 * @param until strictly before this instant
 * @param documentKey the message's document key
 * @param limit at most this many records (the newest ones when more match); 0: no limit
 */
public record JournalQuery(Optional<String> messageId, Optional<String> subject, Optional<String> from,
    Optional<String> to, Optional<String> folder, Optional<String> operation, Optional<String> outcome,
    Optional<Instant> since, Optional<Instant> until, Optional<String> documentKey, int limit) {

  public JournalQuery {
    messageId = messageId.map(Journal::bareMessageId).filter(s -> !s.isEmpty());
    if (limit < 0) {
      throw new io.mailbridge.ConfigException("journal query limit " + limit + " must not be negative");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Every record. */
  public static JournalQuery all() {
    return builder().build();
  }

  /** Builder; unset criteria match everything. */
  public static final class Builder {
    private String messageId;
    private String subject;
    private String from;
    private String to;
    private String folder;
    private String operation;
    private String outcome;
    private Instant since;
    private Instant until;
    private String documentKey;
    private int limit;

    public Builder messageId(String v) { messageId = v; return this; }
    public Builder subject(String v) { subject = v; return this; }
    public Builder from(String v) { from = v; return this; }
    public Builder to(String v) { to = v; return this; }
    public Builder folder(String v) { folder = v; return this; }
    public Builder operation(String v) { operation = v; return this; }
    public Builder outcome(String v) { outcome = v; return this; }
    public Builder since(Instant v) { since = v; return this; }
    public Builder until(Instant v) { until = v; return this; }
    public Builder documentKey(String v) { documentKey = v; return this; }
    public Builder limit(int v) { limit = v; return this; }

    public JournalQuery build() {
      return new JournalQuery(Optional.ofNullable(messageId), Optional.ofNullable(subject), Optional.ofNullable(from),
          Optional.ofNullable(to), Optional.ofNullable(folder), Optional.ofNullable(operation),
          Optional.ofNullable(outcome), Optional.ofNullable(since), Optional.ofNullable(until),
          Optional.ofNullable(documentKey), limit);
    }
  }
}
