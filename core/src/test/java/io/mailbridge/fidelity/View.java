package io.mailbridge.fidelity;

import io.mailbridge.document.Attachment;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a differential fidelity test compares for one message: the tracked properties users route
 * on and the attachment list (part path, name, type, decoded size, sha256), from Mailbridge or from
 * the reference parse.
 */
public record View(String fromAddress, List<String> toAddress, List<String> cc, String subject, String messageId,
    List<String> contentType, List<String> fileName, int attachmentsCount, List<String> attachments) {

  /** The compared fields, in table order, each with how to read it from a view. */
  public static final Map<String, Function<View, Object>> FIELDS = orderedFields();

  private static Map<String, Function<View, Object>> orderedFields() {
    java.util.LinkedHashMap<String, Function<View, Object>> m = new java.util.LinkedHashMap<>();
    m.put("fromAddress", View::fromAddress);
    m.put("toAddress", View::toAddress);
    m.put("cc", View::cc);
    m.put("subject", View::subject);
    m.put("messageId", View::messageId);
    m.put("contentType", View::contentType);
    m.put("fileName", View::fileName);
    m.put("attachmentsCount", View::attachmentsCount);
    m.put("attachments", View::attachments);
    return java.util.Collections.unmodifiableMap(m);
  }

  /** One attachment as compared: {@code path name type size sha256}. */
  public static String attachment(String path, String name, String type, long size, String sha256) {
    return path + " " + name + " " + type + " " + size + " " + sha256;
  }

  /** What Mailbridge reported for a received document. */
  public static View of(MailDocument d) {
    TrackedProperties p = d.properties();
    List<String> atts = d.attachments().stream()
        .map((Attachment a) -> attachment(a.partPath(), a.fileName(), a.contentType(), a.size(), a.sha256()))
        .toList();
    return new View(p.fromAddress(), p.toAddress(), p.cc(), p.subject(), p.messageId(), p.contentType(),
        p.fileName(), p.attachmentsCount().orElse(0), atts);
  }
}
