package io.mailbridge.document;

import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The tracked properties every message carries through Mailbridge. The JSON / CLI / Kafka header
 * keys are fixed ({@link #KEYS}); the first nine are the tracked properties every operation reports (Attachments Count,
 * Content-Type, File Name, From Address, From Folder, Message ID, Received Date, Subject, To Address).
 *
 * <p>{@code contentType} and {@code fileName} hold one entry per attachment, in part order.
 * {@code receivedDate} is the IMAP INTERNALDATE (ISO-8601 in JSON, {@link #DISPLAY_DATE} for people);
 * {@code date} is the message's own Date header (when it has a readable one).
 */
public record TrackedProperties(
    Optional<Integer> attachmentsCount,
    List<String> contentType,
    List<String> fileName,
    String fromAddress,
    Optional<String> fromFolder,
    String messageId,
    Optional<OffsetDateTime> receivedDate,
    String subject,
    List<String> toAddress,
    List<String> cc,
    List<String> bcc,
    List<String> replyTo,
    Optional<Long> uid,
    Optional<Long> uidValidity,
    Optional<String> folder,
    Optional<Long> size,
    List<String> flags,
    Optional<OffsetDateTime> date) {

  /** The fixed keys, in display order. */
  public static final List<String> KEYS = List.of("attachmentsCount", "contentType", "fileName", "fromAddress",
      "fromFolder", "messageId", "receivedDate", "subject", "toAddress", "cc", "bcc", "replyTo", "uid",
      "uidValidity", "folder", "size", "flags", "date");

  /** The display format for dates read by people. */
  public static final DateTimeFormatter DISPLAY_DATE = DateTimeFormatter.ofPattern("dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

  public TrackedProperties {
    Objects.requireNonNull(attachmentsCount, "attachmentsCount");
    contentType = List.copyOf(contentType);
    fileName = List.copyOf(fileName);
    fromAddress = Objects.requireNonNullElse(fromAddress, "");
    Objects.requireNonNull(fromFolder, "fromFolder");
    messageId = Objects.requireNonNullElse(messageId, "");
    Objects.requireNonNull(receivedDate, "receivedDate");
    subject = Objects.requireNonNullElse(subject, "");
    toAddress = List.copyOf(toAddress);
    cc = List.copyOf(cc);
    bcc = List.copyOf(bcc);
    replyTo = List.copyOf(replyTo);
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(uidValidity, "uidValidity");
    Objects.requireNonNull(folder, "folder");
    Objects.requireNonNull(size, "size");
    flags = List.copyOf(flags);
    Objects.requireNonNull(date, "date");
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.attachmentsCount = attachmentsCount.orElse(null);
    b.contentType = contentType;
    b.fileName = fileName;
    b.fromAddress = fromAddress;
    b.fromFolder = fromFolder.orElse(null);
    b.messageId = messageId;
    b.receivedDate = receivedDate.orElse(null);
    b.subject = subject;
    b.toAddress = toAddress;
    b.cc = cc;
    b.bcc = bcc;
    b.replyTo = replyTo;
    b.uid = uid.orElse(null);
    b.uidValidity = uidValidity.orElse(null);
    b.folder = folder.orElse(null);
    b.size = size.orElse(null);
    b.flags = flags;
    b.date = date.orElse(null);
    return b;
  }

  /**
   * The properties as an ordered map with the fixed keys; absent values and empty lists are left
   * out, dates are ISO-8601 strings. This is the shape of JSON output and Kafka headers.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    attachmentsCount.ifPresent(v -> m.put("attachmentsCount", v));
    putList(m, "contentType", contentType);
    putList(m, "fileName", fileName);
    putText(m, "fromAddress", fromAddress);
    fromFolder.ifPresent(v -> m.put("fromFolder", v));
    putText(m, "messageId", messageId);
    receivedDate.ifPresent(v -> m.put("receivedDate", v.toString()));
    putText(m, "subject", subject);
    putList(m, "toAddress", toAddress);
    putList(m, "cc", cc);
    putList(m, "bcc", bcc);
    putList(m, "replyTo", replyTo);
    uid.ifPresent(v -> m.put("uid", v));
    uidValidity.ifPresent(v -> m.put("uidValidity", v));
    folder.ifPresent(v -> m.put("folder", v));
    size.ifPresent(v -> m.put("size", v));
    putList(m, "flags", flags);
    date.ifPresent(v -> m.put("date", v.toString()));
    return m;
  }

  private static void putList(Map<String, Object> m, String key, List<String> v) {
    if (!v.isEmpty()) {
      m.put(key, v);
    }
  }

  private static void putText(Map<String, Object> m, String key, String v) {
    if (!v.isEmpty()) {
      m.put(key, v);
    }
  }

  /** Builder; unset lists are empty, unset optionals absent. */
  public static final class Builder {
    private Integer attachmentsCount;
    private List<String> contentType = List.of();
    private List<String> fileName = List.of();
    private String fromAddress = "";
    private String fromFolder;
    private String messageId = "";
    private OffsetDateTime receivedDate;
    private String subject = "";
    private List<String> toAddress = List.of();
    private List<String> cc = List.of();
    private List<String> bcc = List.of();
    private List<String> replyTo = List.of();
    private Long uid;
    private Long uidValidity;
    private String folder;
    private Long size;
    private List<String> flags = List.of();
    private OffsetDateTime date;

    public Builder attachmentsCount(int v) { attachmentsCount = v; return this; }
    public Builder contentType(List<String> v) { contentType = v; return this; }
    public Builder fileName(List<String> v) { fileName = v; return this; }
    public Builder fromAddress(String v) { fromAddress = v; return this; }
    public Builder fromFolder(String v) { fromFolder = v; return this; }
    public Builder messageId(String v) { messageId = v; return this; }
    public Builder receivedDate(OffsetDateTime v) { receivedDate = v; return this; }
    public Builder subject(String v) { subject = v; return this; }
    public Builder toAddress(List<String> v) { toAddress = v; return this; }
    public Builder cc(List<String> v) { cc = v; return this; }
    public Builder bcc(List<String> v) { bcc = v; return this; }
    public Builder replyTo(List<String> v) { replyTo = v; return this; }
    public Builder uid(long v) { uid = v; return this; }
    public Builder uidValidity(long v) { uidValidity = v; return this; }
    public Builder folder(String v) { folder = v; return this; }
    public Builder size(long v) { size = v; return this; }
    public Builder flags(List<String> v) { flags = v; return this; }
    public Builder date(OffsetDateTime v) { date = v; return this; }

    public TrackedProperties build() {
      return new TrackedProperties(Optional.ofNullable(attachmentsCount), contentType, fileName, fromAddress,
          Optional.ofNullable(fromFolder), messageId, Optional.ofNullable(receivedDate), subject, toAddress, cc,
          bcc, replyTo, Optional.ofNullable(uid), Optional.ofNullable(uidValidity), Optional.ofNullable(folder),
          Optional.ofNullable(size), flags, Optional.ofNullable(date));
    }
  }
}
