package io.mailbridge.kafka.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.MailDocument;
import io.mailbridge.kafka.internal.SourceSettings.AttachmentsMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a received {@link MailDocument} into one {@link SourceRecord}.
 *
 * <p>Key: the document's stable key (string schema), {@code imap://user@host:port/folder;UIDVALIDITY=v/;UID=u},
 * the same for a message however often it is published, so consumers can drop duplicates.
 *
 * <p>Value: schemaless map (use e.g. JsonConverter with {@code schemas.enable=false}) with
 * <ul>
 *   <li>{@code key}; every tracked property of {@code TrackedProperties.toMap()} ({@code subject},
 *       {@code messageId}, {@code fromAddress}, {@code toAddress} (list), {@code receivedDate} (ISO-8601),
 *       {@code uid}, {@code uidValidity}, {@code folder}, ...; absent values left out);
 *   <li>{@code text}: the body text; {@code warnings}: what could not be read cleanly (list, may be empty);
 *   <li>{@code attachments}: list of maps {@code fileName, contentType, size, sha256, inline, cacheKey}
 *       (cacheKey only with {@code attachments.cache.dir}) and {@code content} (bytes; JSON: base64) only in
 *       mode inline for attachments up to {@code attachments.inline.max.bytes}.
 * </ul>
 *
 * <p>Headers: {@code mailbridge.<property>} for every tracked property, as UTF-8 strings; list
 * properties (toAddress, cc, fileName...) as a JSON array text, e.g. {@code ["a@x.test","b@x.test"]}.
 */
public final class SourceRecords {
  public static final String HEADER_PREFIX = "mailbridge.";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SourceSettings settings;

  public SourceRecords(SourceSettings settings) {
    this.settings = settings;
  }

  /** The source partition of a folder: {@code {mailbox: user@host:port, folder}}. */
  public static Map<String, String> partition(String mailbox, String folder) {
    return Map.of("mailbox", mailbox, "folder", folder);
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

  public SourceRecord toRecord(MailDocument doc, Map<String, String> partition, long uidValidity, long uid,
      long from) {
    Map<String, Object> props = doc.properties().toMap();
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("key", doc.key());
    value.putAll(props);
    value.put("text", doc.text().orElse(""));
    value.put("warnings", doc.warnings());
    List<Map<String, Object>> attachments = new ArrayList<>();
    for (Attachment a : doc.attachments()) {
      attachments.add(attachment(a));
    }
    value.put("attachments", attachments);
    ConnectHeaders headers = new ConnectHeaders();
    props.forEach((k, v) -> headers.addString(HEADER_PREFIX + k, headerText(v)));
    return new SourceRecord(partition, offset(uidValidity, uid, from), settings.topic(), null, Schema.STRING_SCHEMA,
        doc.key(), null, value, null, headers);
  }

  private Map<String, Object> attachment(Attachment a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("fileName", a.fileName());
    m.put("contentType", a.contentType());
    m.put("size", a.size());
    m.put("sha256", a.sha256());
    m.put("inline", a.inline());
    // A key into a private temporary cache would point nowhere for a consumer: only the user's cache counts.
    m.put("cacheKey", settings.cacheDir().isPresent() ? a.key().orElse(null) : null);
    if (settings.attachments() == AttachmentsMode.INLINE && a.size() <= settings.inlineMaxBytes()
        && a.path().isPresent()) {
      try {
        m.put("content", Files.readAllBytes(a.path().get()));
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read stored attachment " + a.path().get(), e);
      }
    }
    return m;
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
