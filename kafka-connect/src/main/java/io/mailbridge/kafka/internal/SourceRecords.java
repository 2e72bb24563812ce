package io.mailbridge.kafka.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.kafka.internal.SourceSettings.AttachmentsMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a received {@link MailDocument} into one {@link SourceRecord}, and a folder's position into a
 * heartbeat record.
 *
 * <p>Key: the document's stable key (string schema), {@code imap://user@host:port/folder;UIDVALIDITY=v/;UID=u},
 * the same for a message however often it is published, so consumers can drop duplicates.
 *
 * <p>Value: a {@link Struct} of {@link #MAIL_SCHEMA} ({@code io.mailbridge.kafka.Mail}); any converter
 * renders it (JsonConverter with or without {@code schemas.enable}, Avro, Protobuf):
 * <ul>
 *   <li>{@code key} (string); the tracked properties: {@code subject}, {@code messageId},
 *       {@code fromAddress}, {@code fromFolder}, {@code folder}, {@code receivedDate} and {@code date}
 *       (ISO-8601 strings) (optional strings); {@code attachmentsCount} (optional int32); {@code uid},
 *       {@code uidValidity}, {@code size} (optional int64); {@code toAddress}, {@code cc}, {@code bcc},
 *       {@code replyTo}, {@code contentType}, {@code fileName}, {@code flags} (arrays of strings, empty
 *       when none);
 *   <li>{@code text}: the body text; {@code warnings}: what could not be read cleanly (array, may be empty);
 *   <li>{@code attachments}: array of {@link #ATTACHMENT_SCHEMA} ({@code fileName, contentType, size,
 *       sha256, inline, cacheKey, content, recordKey}); {@code cacheKey} only with
 *       {@code attachments.cache.dir}; {@code content} (bytes; JSON: base64) only in mode inline for
 *       attachments up to {@code attachments.inline.max.bytes}; {@code recordKey} only in mode topic, for
 *       attachments up to that size: the key of the attachment's own record.
 * </ul>
 *
 * <p>Attachment records (mode topic): key {@code <mail key>/<part path>}, value the decoded bytes
 * (bytes schema), headers {@code mailbridge.fileName, contentType, size, sha256, inline, mailKey,
 * partPath}; written before their mail record, with the folder's offset before that mail (so a commit
 * that took an attachment record but not its mail record still publishes the mail again).
 * With JsonConverter and {@code schemas.enable=false} this is a plain JSON object whose absent
 * values are {@code null}.
 *
 * <p>Headers: {@code mailbridge.<property>} for every tracked property present, as UTF-8 strings; list
 * properties (toAddress, cc, fileName...) as a JSON array text, e.g. {@code ["a@x.test","b@x.test"]}.
 *
 * <p>Heartbeats: a record of {@link #HEARTBEAT_SCHEMA} ({@code mailbox, folder, uidValidity, uid}),
 * key {@code mailbox/folder}, carrying the folder's source offset, so Kafka Connect commits a
 * position that moved without a mail record.
 */
public final class SourceRecords {
  public static final String HEADER_PREFIX = "mailbridge.";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Schema STRINGS = SchemaBuilder.array(Schema.STRING_SCHEMA).build();

  /** An attachment inside {@link #MAIL_SCHEMA}. */
  public static final Schema ATTACHMENT_SCHEMA = SchemaBuilder.struct().name("io.mailbridge.kafka.MailAttachment")
      .version(2)
      .doc("An attachment of a received mail: metadata, SHA-256 of the decoded bytes and, inline, the bytes.")
      .field("fileName", Schema.OPTIONAL_STRING_SCHEMA)
      .field("contentType", Schema.OPTIONAL_STRING_SCHEMA)
      .field("size", Schema.INT64_SCHEMA)
      .field("sha256", Schema.STRING_SCHEMA)
      .field("inline", Schema.BOOLEAN_SCHEMA)
      .field("cacheKey", Schema.OPTIONAL_STRING_SCHEMA)
      .field("content", Schema.OPTIONAL_BYTES_SCHEMA)
      .field("recordKey", Schema.OPTIONAL_STRING_SCHEMA)
      .build();

  /** The value of every mail record. */
  public static final Schema MAIL_SCHEMA = SchemaBuilder.struct().name("io.mailbridge.kafka.Mail").version(2)
      .doc("A mail received from an IMAP folder: its stable key, tracked properties, body text and attachments.")
      .field("key", Schema.STRING_SCHEMA)
      .field("subject", Schema.OPTIONAL_STRING_SCHEMA)
      .field("messageId", Schema.OPTIONAL_STRING_SCHEMA)
      .field("fromAddress", Schema.OPTIONAL_STRING_SCHEMA)
      .field("toAddress", STRINGS)
      .field("cc", STRINGS)
      .field("bcc", STRINGS)
      .field("replyTo", STRINGS)
      .field("receivedDate", Schema.OPTIONAL_STRING_SCHEMA)
      .field("date", Schema.OPTIONAL_STRING_SCHEMA)
      .field("folder", Schema.OPTIONAL_STRING_SCHEMA)
      .field("fromFolder", Schema.OPTIONAL_STRING_SCHEMA)
      .field("uid", Schema.OPTIONAL_INT64_SCHEMA)
      .field("uidValidity", Schema.OPTIONAL_INT64_SCHEMA)
      .field("size", Schema.OPTIONAL_INT64_SCHEMA)
      .field("flags", STRINGS)
      .field("attachmentsCount", Schema.OPTIONAL_INT32_SCHEMA)
      .field("contentType", STRINGS)
      .field("fileName", STRINGS)
      .field("text", Schema.STRING_SCHEMA)
      .field("warnings", STRINGS)
      .field("attachments", SchemaBuilder.array(ATTACHMENT_SCHEMA).build())
      .build();

  /** The value of a heartbeat record: the folder and the position reached. */
  public static final Schema HEARTBEAT_SCHEMA = SchemaBuilder.struct().name("io.mailbridge.kafka.Heartbeat")
      .version(1)
      .doc("A folder's position: every mail up to uid (same uidValidity) has been handled.")
      .field("mailbox", Schema.STRING_SCHEMA)
      .field("folder", Schema.STRING_SCHEMA)
      .field("uidValidity", Schema.INT64_SCHEMA)
      .field("uid", Schema.INT64_SCHEMA)
      .build();

  private final SourceSettings settings;

  public SourceRecords(SourceSettings settings) {
    this.settings = settings;
  }

  /**
   * The source partition of a folder: {@code {mailbox: user@host:port, folder}}, always in that key
   * order. Kafka Connect finds a stored offset by the partition's serialised bytes, and converters
   * write a map's keys in its iteration order: a map whose order changes between JVMs (as
   * {@code Map.of}'s does) loses the offset when a task moves to another worker.
   */
  public static Map<String, String> partition(String mailbox, String folder) {
    Map<String, String> p = new LinkedHashMap<>(4);
    p.put("mailbox", mailbox);
    p.put("folder", folder);
    return Collections.unmodifiableMap(p);
  }

  /**
   * The same partition with the keys in the other order: earlier versions wrote either order
   * (whichever their JVM's {@code Map.of} iterated), so offsets stored under it are read too
   * ({@link StoredOffsets}).
   */
  static Map<String, String> otherOrder(Map<String, String> partition) {
    Map<String, String> p = new LinkedHashMap<>(4);
    p.put("folder", partition.get("folder"));
    p.put("mailbox", partition.get("mailbox"));
    return Collections.unmodifiableMap(p);
  }

  /**
   * The source offset: the folder's UIDVALIDITY and the message's UID (all mail up to it is
   * published), plus {@code from}: the UID after which this connector started publishing the folder
   * (messages in {@code from < uid <= offset uid} were all published, so a restart may complete their
   * post-actions; older ones were never touched).
   */
  public static Map<String, Long> offset(long uidValidity, long uid, long from) {
    return Map.of("uidvalidity", uidValidity, "uid", uid, "from", from);
  }

  /** Whether a record (as the task made it, before transforms) is a mail record. */
  public static boolean isMail(SourceRecord record) {
    return record.valueSchema() == MAIL_SCHEMA;
  }

  /** The key of an attachment's own record (mode topic). */
  public static String attachmentKey(MailDocument doc, Attachment a) {
    return doc.key() + "/" + a.partPath();
  }

  /**
   * The attachment records of a mail (mode topic), each carrying {@code previousUid}: the folder's
   * position before this mail, so committing them alone never skips the mail.
   */
  public List<SourceRecord> attachmentRecords(MailDocument doc, Map<String, String> partition, long uidValidity,
      long previousUid, long from) {
    List<SourceRecord> out = new ArrayList<>();
    if (settings.attachments() != AttachmentsMode.TOPIC) {
      return out;
    }
    for (Attachment a : doc.attachments()) {
      if (!carried(a)) {
        continue;
      }
      ConnectHeaders headers = new ConnectHeaders();
      headers.addString(HEADER_PREFIX + "fileName", a.fileName());
      headers.addString(HEADER_PREFIX + "contentType", a.contentType());
      headers.addString(HEADER_PREFIX + "size", Long.toString(a.size()));
      headers.addString(HEADER_PREFIX + "sha256", a.sha256());
      headers.addString(HEADER_PREFIX + "inline", Boolean.toString(a.inline()));
      headers.addString(HEADER_PREFIX + "mailKey", doc.key());
      headers.addString(HEADER_PREFIX + "partPath", a.partPath());
      out.add(new SourceRecord(partition, offset(uidValidity, previousUid, from), settings.attachmentsTopic()
          .orElseThrow(), null, Schema.STRING_SCHEMA, attachmentKey(doc, a), Schema.BYTES_SCHEMA, bytes(a), null,
          headers));
    }
    return out;
  }

  /** Whether an attachment's bytes travel in a record (inline or topic mode, within the size limit). */
  private boolean carried(Attachment a) {
    return settings.attachments() != AttachmentsMode.REFERENCE && a.size() <= settings.inlineMaxBytes()
        && a.path().isPresent();
  }

  private static byte[] bytes(Attachment a) {
    try {
      return Files.readAllBytes(a.path().get());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read stored attachment " + a.path().get(), e);
    }
  }

  public SourceRecord toRecord(MailDocument doc, Map<String, String> partition, long uidValidity, long uid,
      long from) {
    TrackedProperties p = doc.properties();
    Struct value = new Struct(MAIL_SCHEMA)
        .put("key", doc.key())
        .put("subject", blankToNull(p.subject()))
        .put("messageId", blankToNull(p.messageId()))
        .put("fromAddress", blankToNull(p.fromAddress()))
        .put("toAddress", p.toAddress())
        .put("cc", p.cc())
        .put("bcc", p.bcc())
        .put("replyTo", p.replyTo())
        .put("receivedDate", p.receivedDate().map(Object::toString).orElse(null))
        .put("date", p.date().map(Object::toString).orElse(null))
        .put("folder", p.folder().orElse(null))
        .put("fromFolder", p.fromFolder().orElse(null))
        .put("uid", p.uid().orElse(null))
        .put("uidValidity", p.uidValidity().orElse(null))
        .put("size", p.size().orElse(null))
        .put("flags", p.flags())
        .put("attachmentsCount", p.attachmentsCount().orElse(null))
        .put("contentType", p.contentType())
        .put("fileName", p.fileName())
        .put("text", doc.text().orElse(""))
        .put("warnings", List.copyOf(doc.warnings()));
    List<Struct> attachments = new ArrayList<>();
    for (Attachment a : doc.attachments()) {
      attachments.add(attachment(doc, a));
    }
    value.put("attachments", attachments);
    ConnectHeaders headers = new ConnectHeaders();
    p.toMap().forEach((k, v) -> headers.addString(HEADER_PREFIX + k, headerText(v)));
    return new SourceRecord(partition, offset(uidValidity, uid, from), settings.topic(), null, Schema.STRING_SCHEMA,
        doc.key(), MAIL_SCHEMA, value, null, headers);
  }

  /** A heartbeat for a folder whose position is {@code uid} without a mail record carrying it. */
  public SourceRecord heartbeat(Map<String, String> partition, long uidValidity, long uid, long from) {
    String mailbox = partition.get("mailbox");
    String folder = partition.get("folder");
    Struct value = new Struct(HEARTBEAT_SCHEMA).put("mailbox", mailbox).put("folder", folder)
        .put("uidValidity", uidValidity).put("uid", uid);
    return new SourceRecord(partition, offset(uidValidity, uid, from), settings.heartbeatTopic().orElseThrow(), null,
        Schema.STRING_SCHEMA, mailbox + "/" + folder, HEARTBEAT_SCHEMA, value);
  }

  private Struct attachment(MailDocument doc, Attachment a) {
    Struct s = new Struct(ATTACHMENT_SCHEMA)
        .put("fileName", a.fileName())
        .put("contentType", a.contentType())
        .put("size", a.size())
        .put("sha256", a.sha256())
        .put("inline", a.inline())
        // A key into a private temporary cache would point nowhere for a consumer: only the user's cache counts.
        .put("cacheKey", settings.cacheDir().isPresent() ? a.key().orElse(null) : null);
    if (carried(a)) {
      if (settings.attachments() == AttachmentsMode.INLINE) {
        s.put("content", bytes(a));
      } else {
        s.put("recordKey", attachmentKey(doc, a));
      }
    }
    return s;
  }

  private static String blankToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }

  private static String headerText(Object v) {
    if (v instanceof List<?>) {
      try {
        return JSON.writeValueAsString(v);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
    return String.valueOf(v);
  }
}
