package io.mailbridge.journal;

import io.mailbridge.document.Attachment;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of the {@link Journal}: what an operation did to one message. It holds the message's
 * tracked properties (never its body, never a credential), the document key, and the Document Cache
 * keys of its attachments.
 *
 * @param time when it happened
 * @param operation {@code send}, {@code receive}, {@code watch}, {@code move}, {@code copy}, {@code flag}
 *     or {@code delete}
 * @param outcome what became of the message, in lower case: {@code sent}, {@code partial},
 *     {@code failed}, {@code unknown}, {@code already_sent} (send); {@code received}, {@code reference},
 *     {@code skipped}, {@code quarantined} (receive, watch); {@code moved}, {@code copied},
 *     {@code updated}, {@code expunged}, {@code missing}, {@code failed} (move, copy, flag, delete)
 * @param properties the tracked properties with their fixed keys ({@link TrackedProperties#toMap()})
 * @param documentKey the message's key ({@code imap://user@host:port/folder;UIDVALIDITY=v/;UID=u}),
 *     when it was in a folder
 * @param cacheKeys Document Cache keys of its stored attachments
 * @param reason why, for anything but plain success: a refusal, an error message
 */
public record JournalRecord(Instant time, String operation, String outcome, Map<String, Object> properties,
    Optional<String> documentKey, List<String> cacheKeys, Optional<String> reason) {

  public JournalRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(outcome, "outcome");
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    Objects.requireNonNull(documentKey, "documentKey");
    cacheKeys = List.copyOf(cacheKeys);
    reason = reason.filter(r -> !r.isBlank());
  }

  /** A record of {@code operation} for a message with these properties. */
  public static JournalRecord of(String operation, String outcome, TrackedProperties properties, String documentKey,
      List<String> cacheKeys, String reason) {
    return new JournalRecord(Instant.now(), operation, outcome, properties.toMap(), Optional.ofNullable(documentKey),
        cacheKeys, Optional.ofNullable(reason));
  }

  /** A received document ({@code receive} or {@code watch}): outcome {@code received}, or {@code reference}. */
  public static JournalRecord received(String operation, MailDocument doc) {
    List<String> keys = new ArrayList<>();
    for (Attachment a : doc.attachments()) {
      a.key().ifPresent(keys::add);
    }
    return of(operation, doc.reference() ? "reference" : "received", doc.properties(), doc.key(), keys, null);
  }

  /** A property as text (lists joined by ", "), or empty. */
  public Optional<String> property(String name) {
    Object v = properties.get(name);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof List<?> l) {
      return l.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", l.stream().map(String::valueOf).toList()));
    }
    return Optional.of(String.valueOf(v));
  }
}
