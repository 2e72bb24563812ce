package io.mailbridge.document;

import io.mailbridge.BadInputException;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Which Document Cache entries {@link DocumentCache#find} returns: every criterion given must match
 * (AND); none given matches every entry.
 *
 * <pre>{@code
 * cache.find(CacheQuery.messageId("<invoice-42@billing.example.com>"));
 * cache.find(CacheQuery.builder().mailbox("bob@imap.example.com:993").folder("INBOX").uid(42).build());
 * cache.find(CacheQuery.builder().fileName("invoice").storedSince(Instant.parse("2026-11-01T00:00:00Z")).build());
 * }</pre>
 *
 * @param messageId the message's Message-ID, with or without angle brackets (the
 *     Message ID is what attachments are retrieved by); compared exactly otherwise
 * @param key an entry key ({@code 0123456789abcdef-17-42/2}), or its message part before the slash
 *     ({@code 0123456789abcdef-17-42}) for every part of that message
 * @param mailbox the mailbox the message was received from, as in document keys ({@code user@host:port});
 *     with {@link #folder} it also finds entries stored before mailbox names were kept in the metadata
 * @param folder the folder it was received from (Unicode name)
 * @param uidValidity the folder's UIDVALIDITY
 * @param uid the message's UID
 * @param storedSince entries stored at or after this instant
 * @param storedBefore entries stored strictly before this instant
 * @param fileName part of the (sanitised) file name, compared ignoring case
 */
public record CacheQuery(Optional<String> messageId, Optional<String> key, Optional<String> mailbox,
    Optional<String> folder, Optional<Long> uidValidity, Optional<Long> uid, Optional<Instant> storedSince,
    Optional<Instant> storedBefore, Optional<String> fileName) {

  public CacheQuery {
    messageId = messageId.map(CacheQuery::bareMessageId).filter(s -> !s.isEmpty());
    key = key.map(String::strip).filter(s -> !s.isEmpty());
    if (key.isPresent() && !key.get().matches("[0-9a-f]{16}-[0-9]{1,10}-[0-9]{1,10}(/[0-9]+(\\.[0-9]+)*)?")) {
      throw new BadInputException("'" + key.get() + "' is not a Document Cache key (like 0123456789abcdef-17-42/2, "
          + "or 0123456789abcdef-17-42 for every part of a message)");
    }
    fileName = fileName.map(s -> s.toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty());
  }

  /** Every entry. */
  public static CacheQuery all() {
    return builder().build();
  }

  /** The attachments of the message with this Message-ID. */
  public static CacheQuery messageId(String messageId) {
    return builder().messageId(messageId).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** {@code <a@b>}, {@code a@b} and {@code  <a@b> } are the same Message-ID. */
  static String bareMessageId(String id) {
    String s = id.strip();
    if (s.startsWith("<") && s.endsWith(">") && s.length() >= 2) {
      s = s.substring(1, s.length() - 1).strip();
    }
    return s;
  }

  /** Whether a scanned entry matches. */
  boolean matches(CacheIndex.Found f) {
    DocumentCache.Entry e = f.entry();
    if (messageId.isPresent() && !messageId.get().equals(bareMessageId(e.messageId()))) {
      return false;
    }
    if (key.isPresent() && !(e.key().equals(key.get()) || e.key().startsWith(key.get() + "/"))) {
      return false;
    }
    if (mailbox.isPresent() && folder.isPresent()) {
      if (!f.folderDir().equals(new DocumentCache.PartId(mailbox.get(), folder.get(), 0, 0, "1").folderDir())) {
        return false;
      }
    } else if (mailbox.isPresent() && !mailbox.get().equals(f.mailbox().orElse(null))) {
      return false;
    } else if (folder.isPresent() && !folder.get().equals(f.folder().orElse(null))) {
      return false;
    }
    if (uidValidity.isPresent() && uidValidity.get() != f.uidValidity()) {
      return false;
    }
    if (uid.isPresent() && uid.get() != f.uid()) {
      return false;
    }
    if (storedSince.isPresent() && e.stored().isBefore(storedSince.get())) {
      return false;
    }
    if (storedBefore.isPresent() && !e.stored().isBefore(storedBefore.get())) {
      return false;
    }
    return fileName.isEmpty() || e.fileName().toLowerCase(Locale.ROOT).contains(fileName.get());
  }

  /** The folder directory every match lies in, when the query names one (then only it is read). */
  Optional<String> folderDir() {
    if (mailbox.isPresent() && folder.isPresent()) {
      return Optional.of(new DocumentCache.PartId(mailbox.get(), folder.get(), 0, 0, "1").folderDir());
    }
    return key.map(k -> k.substring(0, 16));
  }

  /** Builder; unset criteria match everything. */
  public static final class Builder {
    private String messageId;
    private String key;
    private String mailbox;
    private String folder;
    private Long uidValidity;
    private Long uid;
    private Instant storedSince;
    private Instant storedBefore;
    private String fileName;

    public Builder messageId(String v) { messageId = v; return this; }
    public Builder key(String v) { key = v; return this; }
    public Builder mailbox(String v) { mailbox = v; return this; }
    public Builder folder(String v) { folder = v; return this; }
    public Builder uidValidity(Long v) { uidValidity = v; return this; }
    public Builder uid(Long v) { uid = v; return this; }
    public Builder storedSince(Instant v) { storedSince = v; return this; }
    public Builder storedBefore(Instant v) { storedBefore = v; return this; }
    public Builder fileName(String v) { fileName = v; return this; }

    public CacheQuery build() {
      return new CacheQuery(Optional.ofNullable(messageId), Optional.ofNullable(key), Optional.ofNullable(mailbox),
          Optional.ofNullable(folder), Optional.ofNullable(uidValidity), Optional.ofNullable(uid),
          Optional.ofNullable(storedSince), Optional.ofNullable(storedBefore), Optional.ofNullable(fileName));
    }
  }
}
