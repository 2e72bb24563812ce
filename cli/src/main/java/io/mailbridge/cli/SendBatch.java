package io.mailbridge.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.BadInputException;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/** {@code send --batch}: the messages of a batch, one JSON object per line, each error naming its line and field. */
final class SendBatch {
  private SendBatch() {}

  /** One Email per non-blank JSON line; every line is parsed before anything is sent. */
  static List<Email> read(InputStream in, String defaultFrom) throws IOException {
    List<Email> out = new ArrayList<>();
    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    int n = 0;
    while ((line = r.readLine()) != null) {
      n++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode doc;
      try {
        doc = Json.mapper().readTree(line);
      } catch (JsonProcessingException e) {
        throw new BadInputException("stdin line " + n + " is not valid JSON (" + e.getOriginalMessage() + ")");
      }
      if (!doc.isObject()) {
        throw new BadInputException("stdin line " + n + " is not a JSON object");
      }
      out.add(email(doc, n, defaultFrom));
    }
    if (out.isEmpty()) {
      throw new BadInputException("--batch read no message from stdin: give one JSON object per line");
    }
    return out;
  }

  private static final List<String> FIELDS = List.of("from", "to", "cc", "bcc", "replyTo", "subject", "text", "html",
      "attachments", "headers", "priority", "messageId");

  static Email email(JsonNode doc, int line, String defaultFrom) {
    String where = "stdin line " + line + ": ";
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw new BadInputException(where + "unknown field '" + f + "': use " + String.join(", ", FIELDS));
      }
    }
    Email.Builder b = Email.builder();
    String from = text(doc, "from", where);
    b.from(from != null ? from : defaultFrom);
    b.to(strings(doc, "to", where)).cc(strings(doc, "cc", where)).bcc(strings(doc, "bcc", where));
    strings(doc, "replyTo", where).forEach(b::replyTo);
    String subject = text(doc, "subject", where);
    b.subject(subject == null ? "" : subject).text(text(doc, "text", where)).html(text(doc, "html", where));
    b.messageId(text(doc, "messageId", where));
    String priority = text(doc, "priority", where);
    if (priority != null) {
      try {
        b.priority(Email.Priority.valueOf(priority.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new BadInputException(where + "priority '" + priority + "' is not one of high, normal, low");
      }
    }
    JsonNode headers = doc.get("headers");
    if (headers != null && !headers.isNull()) {
      if (!headers.isObject()) {
        throw new BadInputException(where + "headers must be an object of name: value");
      }
      headers.fields().forEachRemaining(e -> b.header(e.getKey(), e.getValue().asText()));
    }
    JsonNode atts = doc.get("attachments");
    if (atts != null && !atts.isNull()) {
      if (!atts.isArray()) {
        throw new BadInputException(where + "attachments must be an array of {path, name, contentType, contentId}");
      }
      int i = 0;
      for (JsonNode a : atts) {
        String w = where + "attachments[" + i++ + "]";
        String path = a.isTextual() ? a.asText() : text(a, "path", w + ".");
        if (path == null) {
          throw new BadInputException(w + ".path is missing: give the file to attach");
        }
        Attachment att = Attachment.file(Path.of(path));
        if (a.isObject()) { // an absent key (null) leaves the attachment's default
          att = att.name(text(a, "name", w + ".")).contentType(text(a, "contentType", w + "."))
              .inline(text(a, "contentId", w + "."));
        }
        b.attach(att);
      }
    }
    return b.build();
  }

  private static String text(JsonNode doc, String field, String where) {
    JsonNode v = doc.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual()) {
      throw new BadInputException(where + field + " must be a string");
    }
    return v.asText();
  }

  private static List<String> strings(JsonNode doc, String field, String where) {
    JsonNode v = doc.get(field);
    if (v == null || v.isNull()) {
      return List.of();
    }
    if (v.isTextual()) {
      return List.of(v.asText());
    }
    if (!v.isArray()) {
      throw new BadInputException(where + field + " must be a string or an array of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode e : v) {
      if (!e.isTextual()) {
        throw new BadInputException(where + field + " must contain strings only");
      }
      out.add(e.asText());
    }
    return out;
  }
}
