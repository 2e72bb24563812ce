package io.mailbridge.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

class RecordEmailsTest {
  private final RecordEmails emails = new RecordEmails("mail-sink", "Reports <reports@example.com>", "example.com");

  private static SinkRecord record(Object value, Schema schema, long offset) {
    return new SinkRecord("outgoing", 3, null, null, schema, value, offset);
  }

  private static SinkRecord record(Object value) {
    return record(value, null, 42);
  }

  @Test
  void convertsSchemalessJsonMapWithTheCliFields() {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("from", "Bob <bob@example.com>");
    v.put("to", List.of("alice@example.com", "carol@example.com"));
    v.put("cc", "dave@example.com");
    v.put("bcc", List.of("audit@example.com"));
    v.put("replyTo", "support@example.com");
    v.put("subject", "Q3");
    v.put("text", "See attached.");
    v.put("html", "<p>See attached.</p>");
    v.put("priority", "high");
    v.put("headers", Map.of("X-Report", "q3"));
    v.put("attachments", List.of(Map.of("content", "cTM=", "name", "q3.txt", "contentType", "text/plain")));

    Email e = emails.toEmail(record(v));

    assertThat(e.from()).contains("Bob <bob@example.com>");
    assertThat(e.to()).containsExactly("alice@example.com", "carol@example.com");
    assertThat(e.cc()).containsExactly("dave@example.com");
    assertThat(e.bcc()).containsExactly("audit@example.com");
    assertThat(e.replyTo()).containsExactly("support@example.com");
    assertThat(e.subject()).isEqualTo("Q3");
    assertThat(e.text()).contains("See attached.");
    assertThat(e.html()).contains("<p>See attached.</p>");
    assertThat(e.priority()).contains(Email.Priority.HIGH);
    assertThat(e.headers()).containsEntry("X-Report", "q3");
    Attachment a = e.attachments().get(0);
    assertThat(a.fileName()).contains("q3.txt");
    assertThat(a.givenContentType()).contains("text/plain");
    assertThat(((Attachment.FromBytes) a.source()).bytes()).isEqualTo("q3".getBytes(StandardCharsets.US_ASCII));
    assertThat(e.messageId()).contains(MessageIds.of("mail-sink", "outgoing", 3, 42, "example.com"));
  }

  private static Struct receivedMail(Struct... attachments) {
    return new Struct(SourceRecords.MAIL_SCHEMA).put("key", "imap://carol@h:993/INBOX;UIDVALIDITY=1/;UID=9")
        .put("subject", "Fwd me").put("messageId", "<orig@example.org>").put("fromAddress", "dave@example.org")
        .put("toAddress", List.of("carol@example.com")).put("cc", List.of("erin@example.com")).put("bcc", List.of())
        .put("replyTo", List.of()).put("flags", List.of("\\Seen")).put("contentType", List.of())
        .put("fileName", List.of()).put("text", "hello").put("warnings", List.of()).put("uid", 9L)
        .put("attachments", List.of(attachments));
  }

  private static Struct receivedAttachment(byte[] content) {
    return new Struct(SourceRecords.ATTACHMENT_SCHEMA).put("fileName", "r.csv").put("contentType", "text/csv")
        .put("size", 3L).put("sha256", "00").put("inline", false).put("content", content);
  }

  @Test
  void readsTheImapSourcesMailStructAsTheOutgoingMail() {
    Struct v = receivedMail(receivedAttachment(new byte[] {'a', ',', 'b'}));

    Email e = emails.toEmail(record(v, SourceRecords.MAIL_SCHEMA, 5));

    assertThat(e.from()).contains("dave@example.org");
    assertThat(e.to()).containsExactly("carol@example.com");
    assertThat(e.cc()).containsExactly("erin@example.com");
    assertThat(e.subject()).isEqualTo("Fwd me");
    assertThat(e.text()).contains("hello");
    Attachment a = e.attachments().get(0);
    assertThat(a.fileName()).contains("r.csv");
    assertThat(((Attachment.FromBytes) a.source()).bytes()).containsExactly('a', ',', 'b');
    assertThat(e.messageId()).as("a new mail, not the received copy")
        .contains(MessageIds.of("mail-sink", "outgoing", 3, 5, "example.com"));
  }

  @Test
  void readsTheImapSourcesSchemalessJsonAndLetsATransformSetTheRecipient() throws Exception {
    org.apache.kafka.connect.json.JsonConverter json = new org.apache.kafka.connect.json.JsonConverter();
    json.configure(Map.of("schemas.enable", "false"), false);
    byte[] rendered = json.fromConnectData("mail-in", SourceRecords.MAIL_SCHEMA,
        receivedMail(receivedAttachment(new byte[] {1, 2, 3})));
    @SuppressWarnings("unchecked")
    Map<String, Object> v = new LinkedHashMap<>((Map<String, Object>) json.toConnectData("mail-in", rendered).value());
    v.put("to", "archive@example.com");

    Email e = emails.toEmail(record(v));

    assertThat(e.to()).containsExactly("archive@example.com");
    assertThat(e.from()).contains("dave@example.org");
    assertThat(((Attachment.FromBytes) e.attachments().get(0).source()).bytes()).containsExactly(1, 2, 3);
  }

  @Test
  void refusesAReceivedMailWhoseAttachmentWasPublishedByReference() {
    Struct v = receivedMail(receivedAttachment(null));
    assertThatThrownBy(() -> emails.toEmail(record(v, SourceRecords.MAIL_SCHEMA, 6)))
        .isInstanceOf(BadInputException.class)
        .hasMessage("record outgoing/3@6: attachments[0] 'r.csv' carries no content (published by reference): "
            + "publish it with attachments.mode=inline and a large enough attachments.inline.max.bytes, or remove "
            + "the attachment with a transform");
  }

  @Test
  void convertsStructWithTheDocumentedSchemaIncludingRawBytes() {
    Struct att = new Struct(RecordEmails.ATTACHMENT_SCHEMA).put("content", new byte[] {1, 2, 3})
        .put("name", "raw.bin");
    Struct v = new Struct(RecordEmails.SCHEMA).put("to", List.of("alice@example.com")).put("subject", "Struct")
        .put("text", "body").put("attachments", List.of(att)).put("headers", Map.of("X-A", "b"));

    Email e = emails.toEmail(record(v, RecordEmails.SCHEMA, 7));

    assertThat(e.from()).as("mail.from.default").contains("Reports <reports@example.com>");
    assertThat(e.to()).containsExactly("alice@example.com");
    assertThat(e.cc()).isEmpty();
    assertThat(e.subject()).isEqualTo("Struct");
    assertThat(e.headers()).containsEntry("X-A", "b");
    assertThat(((Attachment.FromBytes) e.attachments().get(0).source()).bytes()).containsExactly(1, 2, 3);
    assertThat(e.messageId()).hasValueSatisfying(
        id -> assertThat(id).matches("<outgoing\\.3\\.7\\.[0-9a-f]{16}@example\\.com>"));
  }

  @Test
  void convertsJsonTextAndJsonBytes() {
    String json = "{\"to\":\"alice@example.com\",\"subject\":\"Text\",\"text\":\"hi\"}";
    assertThat(emails.toEmail(record(json)).subject()).isEqualTo("Text");
    assertThat(emails.toEmail(record(json.getBytes(StandardCharsets.UTF_8))).to()).containsExactly("alice@example.com");
  }

  @Test
  void keepsAMessageIdTheRecordGives() {
    Email e = emails.toEmail(record("{\"to\":\"a@example.com\",\"messageId\":\"<order-17@shop.example>\"}"));
    assertThat(e.messageId()).contains("<order-17@shop.example>");
  }

  @Test
  void messageIdIsDeterministicPerConnectorTopicPartitionAndOffset() {
    String id = MessageIds.of("mail-sink", "outgoing", 3, 42, "example.com");
    assertThat(id).isEqualTo(MessageIds.of("mail-sink", "outgoing", 3, 42, "example.com"))
        .matches("<outgoing\\.3\\.42\\.[0-9a-f]{16}@example\\.com>");
    assertThat(MessageIds.of("mail-sink", "outgoing", 3, 43, "example.com")).isNotEqualTo(id);
    assertThat(MessageIds.of("mail-sink", "outgoing", 4, 42, "example.com")).isNotEqualTo(id);
    assertThat(MessageIds.of("other-sink", "outgoing", 3, 42, "example.com")).isNotEqualTo(id);
    // Topic characters that are not safe in a msg-id are replaced; the hash keeps the ids apart.
    String dotted = MessageIds.of("s", "a..b", 0, 1, "example.com");
    assertThat(dotted).startsWith("<a__b.0.1.");
    assertThat(MessageIds.of("s", "a__b", 0, 1, "example.com")).isNotEqualTo(dotted);
  }

  @Test
  void messageIdUsesTheTopicTheRecordWasReadFromEvenAfterAnSmtRenamedIt() {
    SinkRecord original = record("{\"to\":\"a@example.com\"}");
    SinkRecord renamed = original.newRecord("renamed", 0, null, null, null, original.value(), original.timestamp());
    assertThat(emails.messageId(renamed)).isEqualTo(emails.messageId(original));
    assertThat(RecordEmails.where(renamed)).isEqualTo("outgoing/3@42");
  }

  @Test
  void refusesUnknownFieldsSoATypoNeverDropsARecipient() {
    assertThatThrownBy(() -> emails.toEmail(record("{\"too\":\"alice@example.com\"}")))
        .isInstanceOf(BadInputException.class)
        .hasMessage("record outgoing/3@42: unknown field 'too': use from, to, cc, bcc, replyTo, subject, text, html, "
            + "attachments, headers, priority, messageId");
  }

  @Test
  void refusesValuesThatAreNotAMailObject() {
    assertThatThrownBy(() -> emails.toEmail(record("not json")))
        .isInstanceOf(BadInputException.class).hasMessageStartingWith("record outgoing/3@42: value is not valid JSON");
    assertThatThrownBy(() -> emails.toEmail(record("[1,2]")))
        .isInstanceOf(BadInputException.class).hasMessageContaining("value is JSON but not an object");
    assertThatThrownBy(() -> emails.toEmail(record(17L)))
        .isInstanceOf(BadInputException.class).hasMessageContaining("value is Long, not a mail");
  }

  @Test
  void refusesFieldsOfTheWrongType() {
    assertThatThrownBy(() -> emails.toEmail(record("{\"to\":5}")))
        .isInstanceOf(BadInputException.class)
        .hasMessage("record outgoing/3@42: to must be a string or an array of strings");
    assertThatThrownBy(() -> emails.toEmail(record("{\"to\":\"a@example.com\",\"subject\":[\"x\"]}")))
        .isInstanceOf(BadInputException.class).hasMessage("record outgoing/3@42: subject must be a string");
    assertThatThrownBy(() -> emails.toEmail(record("{\"to\":\"a@example.com\",\"priority\":\"urgent\"}")))
        .isInstanceOf(BadInputException.class)
        .hasMessage("record outgoing/3@42: priority 'urgent' is not one of high, normal, low");
    assertThatThrownBy(() -> emails.toEmail(record("{\"to\":\"a@example.com\",\"headers\":{\"X-N\":1}}")))
        .isInstanceOf(BadInputException.class).hasMessage("record outgoing/3@42: headers['X-N'] must be a string");
  }

  @Test
  void refusesAttachmentsWithoutUsableContentOrWithAPath() {
    assertThatThrownBy(() -> emails.toEmail(record("{\"to\":\"a@example.com\",\"attachments\":[{\"path\":\"/etc/passwd\"}]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessage("record outgoing/3@42: attachments[0].path is not accepted in records (it would read files on the "
            + "Connect worker): put the bytes, base64-encoded, in content");
    assertThatThrownBy(() -> emails.toEmail(record("{\"to\":\"a@example.com\",\"attachments\":[{\"name\":\"x\"}]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessage("record outgoing/3@42: attachments[0].content is missing: give the attachment's bytes, "
            + "base64-encoded");
    assertThatThrownBy(() -> emails.toEmail(record("{\"to\":\"a@example.com\",\"attachments\":[{\"content\":\"***\"}]}")))
        .isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("record outgoing/3@42: attachments[0].content is not valid base64");
  }
}
