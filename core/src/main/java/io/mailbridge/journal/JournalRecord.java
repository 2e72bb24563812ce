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
 * @param cacheDir the Document Cache directory they are in
 * @param reason why, for anything but plain success: a refusal, an error message
 */
public record JournalRecord(Instant time, String operation, String outcome, Map<String, Object> properties,
    Optional<String> documentKey, List<String> cacheKeys, Optional<String> cacheDir, Optional<String> reason) {

  public JournalRecord {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(outcome, "outcome");
    properties = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    Objects.requireNonNull(documentKey, "documentKey");
    cacheKeys = List.copyOf(cacheKeys);
    Objects.requireNonNull(cacheDir, "cacheDir");
    reason = reason.filter(r -> !r.isBlank());
  }

  /** A record of {@code operation} for a message with these properties. */
  public static JournalRecord of(String operation, String outcome, TrackedProperties properties, String documentKey,
      List<String> cacheKeys, String reason) {
    return new JournalRecord(Instant.now(), operation, outcome, properties.toMap(), Optional.ofNullable(documentKey),
        cacheKeys, Optional.empty(), Optional.ofNullable(reason));
  }

  /**
   * A received document ({@code receive} or {@code watch}): outcome {@code received}, or
   * {@code reference}; with the keys of its stored attachments and the cache directory they are in.
   */
  public static JournalRecord received(String operation, MailDocument doc) {
    return received(operation, doc, doc.properties().toMap());
  }

  /** {@link #received(String, MailDocument)} with the document's properties already made into {@code properties}. */
  public static JournalRecord received(String operation, MailDocument doc, Map<String, Object> properties) {
    List<String> keys = new ArrayList<>();
    String cacheDir = null;
    for (Attachment a : doc.attachments()) {
      if (a.key().isPresent()) {
        keys.add(a.key().get());
        if (cacheDir == null && a.path().isPresent()) {
          // <cache>/<folder directory>/<file>
          java.nio.file.Path folderDir = a.path().get().getParent();
          cacheDir = folderDir == null || folderDir.getParent() == null ? null : folderDir.getParent().toString();
        }
      }
    }
    return new JournalRecord(Instant.now(), operation, doc.reference() ? "reference" : "received",
        properties, Optional.of(doc.key()), keys, Optional.ofNullable(cacheDir), Optional.empty());
  }

  /**
   * The document key of a message in a folder: {@code imap://user@host:port/folder;UIDVALIDITY=v/;UID=u}
   * (RFC 5092 form), the same as {@link MailDocument#key()} of the message received from there.
   */
  public static String documentKey(String user, String host, int port, String folder, long uidValidity, long uid) {
    return "imap://" + enc(user) + "@" + host + ":" + port + "/" + enc(folder).replace("%2F", "/") + ";UIDVALIDITY="
        + uidValidity + "/;UID=" + uid;
  }

  private static String enc(String s) {
    return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A property as text (lists joined by ", "), or empty. */
  public Optional<String> property(String name) {
    return Optional.ofNullable(propertyText(properties, name));
  }

  /**
   * {@link #property} of a properties map, or null: the journal's store reads six of them per record
   * it writes, so this one rule has no {@code Optional} and no stream.
   */
  public static String propertyText(Map<String, Object> properties, String name) {
    Object v = properties.get(name);
    if (v == null || v instanceof String) {
      return (String) v;
    }
    if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        return null;
      }
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < l.size(); i++) {
        b.append(i == 0 ? "" : ", ").append(l.get(i));
      }
      return b.toString();
    }
    return String.valueOf(v);
  }
}
