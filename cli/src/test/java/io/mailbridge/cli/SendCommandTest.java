package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendCommandTest {
  private static List<Email> batch(String text) throws Exception {
    return SendBatch.read(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), null);
  }

  @Test
  void attachSpecGivesPathTypeNameAndContentId() {
    Attachment a = SendCommand.attachment("dir/data.csv;type=text/csv;name=export.csv;cid=x1");
    assertThat(((Attachment.FromFile) a.source()).path()).isEqualTo(Path.of("dir/data.csv"));
    assertThat(a.givenContentType()).contains("text/csv");
    assertThat(a.fileName()).contains("export.csv");
    assertThat(a.contentId()).contains("x1");
    assertThat(SendCommand.attachment("report.pdf").fileName()).contains("report.pdf");
    assertThatThrownBy(() -> SendCommand.attachment("a.pdf;colour=red")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("unknown setting 'colour=red'");
  }

  @Test
  void batchLinesBecomeEmails() throws Exception {
    List<Email> emails = batch("{\"from\":\"Bob <bob@x.test>\",\"to\":\"a@x.test\",\"cc\":[\"c@x.test\"],"
        + "\"bcc\":[\"b@x.test\"],\"subject\":\"s\",\"text\":\"t\",\"html\":\"<p>h</p>\",\"attachments\":[{\"path\":"
        + "\"r.pdf\",\"name\":\"R.pdf\",\"contentType\":\"application/pdf\"},\"plain.txt\"],\"headers\":{\"X-A\":\"1\"},"
        + "\"priority\":\"HIGH\"}\n\n{\"to\":[\"z@x.test\"]}");
    assertThat(emails).hasSize(2);
    Email e = emails.get(0);
    assertThat(e.from()).contains("Bob <bob@x.test>");
    assertThat(e.recipients()).containsExactly("a@x.test", "c@x.test", "b@x.test");
    assertThat(e.attachments()).hasSize(2);
    assertThat(e.attachments().get(0).fileName()).contains("R.pdf");
    assertThat(e.headers()).containsEntry("X-A", "1");
    assertThat(e.priority()).contains(Email.Priority.HIGH);
    assertThat(emails.get(1).from()).isEmpty();
  }

  @Test
  void badBatchLinesNameTheLineAndField() {
    assertThatThrownBy(() -> batch("{\"to\":\"a@x.test\"}\n{not json")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("stdin line 2 is not valid JSON");
    assertThatThrownBy(() -> batch("{\"to\":\"a@x.test\",\"sbject\":\"x\"}")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("stdin line 1: unknown field 'sbject'");
    assertThatThrownBy(() -> batch("{\"to\":[1]}")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("to must contain strings only");
    assertThatThrownBy(() -> batch("{\"to\":\"a@x.test\",\"attachments\":[{\"name\":\"x\"}]}"))
        .isInstanceOf(BadInputException.class).hasMessageContaining("attachments[0].path is missing");
    assertThatThrownBy(() -> batch("\n\n")).isInstanceOf(BadInputException.class).hasMessageContaining("no message");
  }
}
