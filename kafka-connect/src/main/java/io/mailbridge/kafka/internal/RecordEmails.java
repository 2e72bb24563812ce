package io.mailbridge.kafka.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.BadInputException;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns a sink record's value into an {@link Email}. Accepted values, all with the fields of the CLI's
 * {@code send --batch} JSON line (attachments carry their bytes in {@code content} instead of a
 * {@code path}):
 * <ul>
 *   <li>a {@link Struct}, e.g. with {@link #SCHEMA} (Avro, Protobuf or JSON with schemas);</li>
 *   <li>a {@link Map}, what {@code JsonConverter} with {@code schemas.enable=false} produces;</li>
 *   <li>a JSON {@link String} or UTF-8 JSON bytes ({@code StringConverter}, {@code ByteArrayConverter});</li>
 *   <li>what the IMAP source publishes ({@link SourceRecords#MAIL_SCHEMA}, as a Struct or as schemaless
 *       JSON): {@code fromAddress}, {@code toAddress}, {@code cc}, {@code bcc}, {@code replyTo},
 *       {@code subject}, {@code text} and inline attachments become the outgoing mail (a field of the
 *       outgoing shape set by a transform, e.g. {@code to}, wins); the rest describes the received copy
 *       and is left out.</li>
 * </ul>
 * <pre>{@code
 * {"from":"Reports <reports@example.com>","to":["alice@example.com"],"cc":[],"bcc":[],"replyTo":[],
 *  "subject":"Q3","text":"See attached.","html":"<p>See attached.</p>","priority":"high",
 *  "attachments":[{"content":"<base64>","name":"q3.pdf","contentType":"application/pdf","contentId":null}],
 *  "headers":{"X-Report":"q3"}}
 * }</pre>
 * {@code to}, {@code cc}, {@code bcc} and {@code replyTo} take a string or a list of strings. Unknown
 * fields are refused, so a typo ({@code "too"}) never silently drops a recipient. Without
 * {@code messageId} the record gets a deterministic one ({@link MessageIds}). Every problem is a
 * {@link BadInputException} naming the record and the field.
 */
public final class RecordEmails {
  /** Schema of an attachment inside {@link #SCHEMA}. */
  public static final Schema ATTACHMENT_SCHEMA = SchemaBuilder.struct().name("io.mailbridge.kafka.Attachment")
      .field("content", Schema.BYTES_SCHEMA)
      .field("name", Schema.OPTIONAL_STRING_SCHEMA)
      .field("contentType", Schema.OPTIONAL_STRING_SCHEMA)
      .field("contentId", Schema.OPTIONAL_STRING_SCHEMA)
      .build();

  private static final Schema ADDRESSES = SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build();

  /** The documented record schema for outgoing mail. */
  public static final Schema SCHEMA = SchemaBuilder.struct().name("io.mailbridge.kafka.Email")
      .field("from", Schema.OPTIONAL_STRING_SCHEMA)
      .field("to", ADDRESSES)
      .field("cc", ADDRESSES)
      .field("bcc", ADDRESSES)
      .field("replyTo", ADDRESSES)
      .field("subject", Schema.OPTIONAL_STRING_SCHEMA)
      .field("text", Schema.OPTIONAL_STRING_SCHEMA)
      .field("html", Schema.OPTIONAL_STRING_SCHEMA)
      .field("attachments", SchemaBuilder.array(ATTACHMENT_SCHEMA).optional().build())
      .field("headers", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).optional().build())
      .field("priority", Schema.OPTIONAL_STRING_SCHEMA)
      .field("messageId", Schema.OPTIONAL_STRING_SCHEMA)
      .build();

  private static final List<String> FIELDS = List.of("from", "to", "cc", "bcc", "replyTo", "subject", "text", "html",
      "attachments", "headers", "priority", "messageId");
  private static final List<String> ATTACHMENT_FIELDS = List.of("content", "name", "contentType", "contentId");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("[\\s]+");

  private final String connector;
  private final String defaultFrom;
  private final String messageIdDomain;

  /**
   * @param connector the connector's name (part of the Message-ID hash)
   * @param defaultFrom sender for records without one; empty: the SMTP login
   * @param messageIdDomain domain of generated Message-IDs
   */
  public RecordEmails(String connector, String defaultFrom, String messageIdDomain) {
    this.connector = Objects.requireNonNull(connector, "connector");
    this.defaultFrom = Objects.requireNonNull(defaultFrom, "defaultFrom");
    this.messageIdDomain = Objects.requireNonNull(messageIdDomain, "messageIdDomain");
  }

  /** {@code topic/partition@offset} of the record as it was read (before any SMT renamed the topic). */
  public static String where(SinkRecord r) {
    return r.originalTopic() + "/" + r.originalKafkaPartition() + "@" + r.originalKafkaOffset();
  }

  /** The deterministic Message-ID of a record. */
  public String messageId(SinkRecord r) {
    return MessageIds.of(connector, r.originalTopic(), r.originalKafkaPartition(), r.originalKafkaOffset(),
        messageIdDomain);
  }

  /** The record's mail; throws {@link BadInputException} for anything that is not a usable message. */
  public Email toEmail(SinkRecord r) {
    String where = "record " + where(r) + ": ";
    Map<String, Object> doc = document(r.value(), where);
    if (isReceivedMail(r.value(), doc)) {
      doc = fromReceivedMail(doc, where);
    }
    for (String f : doc.keySet()) {
      if (!FIELDS.contains(f)) {
        throw new BadInputException(where + "unknown field '" + f + "': use " + String.join(", ", FIELDS));
      }
    }
    Email.Builder b = Email.builder();
    String from = text(doc, "from", where);
    if (from != null) {
      b.from(from);
    } else if (!defaultFrom.isEmpty()) {
      b.from(defaultFrom);
    }
    b.to(strings(doc, "to", where)).cc(strings(doc, "cc", where)).bcc(strings(doc, "bcc", where));
    strings(doc, "replyTo", where).forEach(b::replyTo);
    String subject = text(doc, "subject", where);
    b.subject(subject == null ? "" : subject).text(text(doc, "text", where)).html(text(doc, "html", where));
    String id = text(doc, "messageId", where);
    b.messageId(id != null ? id : messageId(r));
    String priority = text(doc, "priority", where);
    if (priority != null) {
      try {
        b.priority(Email.Priority.valueOf(priority.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(where + "priority '" + priority + "' is not one of high, normal, low");
      }
    }
    Object headers = doc.get("headers");
    if (headers != null) {
      if (!(headers instanceof Map<?, ?> h)) {
        throw new BadInputException(where + "headers must be an object of name: value");
      }
      for (Map.Entry<?, ?> e : h.entrySet()) {
        if (!(e.getValue() instanceof String) && e.getValue() != null) {
          throw new BadInputException(where + "headers['" + e.getKey() + "'] must be a string");
        }
        b.header(String.valueOf(e.getKey()), (String) e.getValue());
      }
    }
    Object atts = doc.get("attachments");
    if (atts != null) {
      if (!(atts instanceof List<?> list)) {
        throw new BadInputException(where + "attachments must be an array of {content, name, contentType, contentId}");
      }
      for (int i = 0; i < list.size(); i++) {
        b.attach(attachment(list.get(i), where + "attachments[" + i + "]"));
      }
    }
    return b.build();
  }

  private static Attachment attachment(Object value, String w) {
    if (!(value instanceof Map<?, ?> raw)) {
      throw new BadInputException(w + " must be an object {content, name, contentType, contentId}");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> a = (Map<String, Object>) raw;
    if (a.containsKey("path")) {
      throw new BadInputException(w + ".path is not accepted in records (it would read files on the Connect "
          + "worker): put the bytes, base64-encoded, in content");
    }
    for (String f : a.keySet()) {
      if (!ATTACHMENT_FIELDS.contains(f)) {
        throw new BadInputException(w + ": unknown field '" + f + "': use " + String.join(", ", ATTACHMENT_FIELDS));
      }
    }
    Object content = a.get("content");
    byte[] bytes;
    if (content instanceof byte[] b) {
      bytes = b;
    } else if (content instanceof ByteBuffer bb) {
      bytes = new byte[bb.remaining()];
      bb.duplicate().get(bytes);
    } else if (content instanceof String s) {
      try {
        // Strict base64; line breaks (MIME-style wrapping) are allowed and skipped.
        bytes = Base64.getDecoder().decode(WHITESPACE.matcher(s).replaceAll(""));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(w + ".content is not valid base64 (" + e.getMessage() + ")");
      }
    } else if (content == null) {
      throw new BadInputException(w + ".content is missing: give the attachment's bytes, base64-encoded");
    } else {
      throw new BadInputException(w + ".content must be base64 text or bytes");
    }
    // An absent field (null) leaves the attachment's default.
    return Attachment.bytes(bytes).name(text(a, "name", w + ".")).contentType(text(a, "contentType", w + "."))
        .inline(text(a, "contentId", w + "."));
  }

  /**
   * Whether the value is what the IMAP source publishes ({@link SourceRecords#MAIL_SCHEMA}, or its JSON
   * rendering without schema: it has the source's {@code key} and {@code toAddress} fields).
   */
  private static boolean isReceivedMail(Object value, Map<String, Object> doc) {
    if (value instanceof Struct s) {
      return SourceRecords.MAIL_SCHEMA.name().equals(s.schema().name());
    }
    return doc.containsKey("key") && doc.containsKey("toAddress");
  }

  /**
   * A received mail (the IMAP source's record) as the fields of an outgoing one: {@code from},
   * {@code to}, {@code cc}, {@code bcc}, {@code replyTo} from {@code fromAddress}, {@code toAddress},
   * {@code cc}, {@code bcc}, {@code replyTo} unless the record (e.g. a transform) set them itself;
   * {@code subject}, {@code text}; attachments with their bytes ({@code attachments.mode=inline}). The
   * rest (key, uid, flags, dates, Message-ID...) describes the received copy and is left out: the sent
   * mail gets its own Message-ID.
   */
  private static Map<String, Object> fromReceivedMail(Map<String, Object> mail, String where) {
    Map<String, Object> out = new LinkedHashMap<>();
    Map<String, String> names = Map.of("from", "fromAddress", "to", "toAddress", "cc", "cc", "bcc", "bcc",
        "replyTo", "replyTo", "subject", "subject", "text", "text");
    for (String f : List.of("from", "to", "cc", "bcc", "replyTo", "subject", "text")) {
      // A field of the outgoing shape added by a transform ("to") wins over the received one ("toAddress").
      Object v = mail.get(f) != null ? mail.get(f) : mail.get(names.get(f));
      if (v != null) {
        out.put(f, v);
      }
    }
    for (String f : List.of("html", "headers", "priority")) {
      if (mail.get(f) != null) {
        out.put(f, mail.get(f));
      }
    }
    Object atts = mail.get("attachments");
    if (atts instanceof List<?> list) {
      List<Map<String, Object>> converted = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        if (!(list.get(i) instanceof Map<?, ?> a)) {
          throw new BadInputException(where + "attachments[" + i + "] must be an object");
        }
        Object content = a.get("content");
        if (content == null) {
          throw new BadInputException(where + "attachments[" + i + "] '" + a.get("fileName") + "' carries no "
              + "content (published by reference): publish it with attachments.mode=inline and a large enough "
              + "attachments.inline.max.bytes, or remove the attachment with a transform");
        }
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("content", content);
        c.put("name", a.get("fileName"));
        c.put("contentType", a.get("contentType"));
        converted.add(c);
      }
      out.put("attachments", converted);
    } else if (atts != null) {
      throw new BadInputException(where + "attachments must be an array");
    }
    return out;
  }

  /** The value as a map of field names: Struct and JSON text are brought to the Map shape. */
  private static Map<String, Object> document(Object value, String where) {
    if (value instanceof Struct s) {
      return struct(s);
    }
    if (value instanceof Map<?, ?> m) {
      @SuppressWarnings("unchecked")
      Map<String, Object> doc = (Map<String, Object>) m;
      return doc;
    }
    String json;
    if (value instanceof String s) {
      json = s;
    } else if (value instanceof byte[] b) {
      json = new String(b, StandardCharsets.UTF_8);
    } else {
      throw new BadInputException(where + "value is " + (value == null ? "null" : value.getClass().getSimpleName())
          + ", not a mail: send a Struct, a JSON object (JsonConverter, schemas.enable=false) or JSON text");
    }
    Object parsed;
    try {
      parsed = JSON.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new BadInputException(where + "value is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (!(parsed instanceof Map<?, ?> m)) {
      throw new BadInputException(where + "value is JSON but not an object: send {\"to\":...,\"subject\":...}");
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> doc = (Map<String, Object>) m;
    return doc;
  }

  private static Map<String, Object> struct(Struct s) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (Field f : s.schema().fields()) {
      Object v = s.get(f);
      if (v != null) {
        out.put(f.name(), plain(v));
      }
    }
    return out;
  }

  private static Object plain(Object v) {
    if (v instanceof Struct s) {
      return struct(s);
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(e -> out.add(plain(e)));
      return out;
    }
    return v;
  }

  private static String text(Map<String, Object> doc, String field, String where) {
    Object v = doc.get(field);
    if (v == null) {
      return null;
    }
    if (!(v instanceof String s)) {
      throw new BadInputException(where + field + " must be a string");
    }
    return s;
  }

  private static List<String> strings(Map<String, Object> doc, String field, String where) {
    Object v = doc.get(field);
    if (v == null) {
      return List.of();
    }
    if (v instanceof String s) {
      return List.of(s);
    }
    if (!(v instanceof List<?> l)) {
      throw new BadInputException(where + field + " must be a string or an array of strings");
    }
    List<String> out = new ArrayList<>(l.size());
    for (Object e : l) {
      if (!(e instanceof String s)) {
        throw new BadInputException(where + field + " must contain strings only");
      }
      out.add(s);
    }
    return out;
  }
}
