package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailbridge.document.Attachment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import org.apache.james.mime4j.MimeException;

/**
 * Fuzz target for the receive parse path (raw message -> tracked properties, text, attachments).
 * A normal build runs the seeds in {@code MimeFuzzTestInputs/parse} only; {@code JAZZER_FUZZ=1}
 * fuzzes (SECURITY.md). The only allowed failure is a {@link MimeException}, which skips the message
 * with a reason; anything else escaping is a crash.
 */
class MimeFuzzTest {
  private static final MessageParser.Limits LIMITS = new MessageParser.Limits(1 << 16, 20, 50, 64 << 10);

  @FuzzTest(maxDuration = "30s")
  void parse(byte[] raw) throws IOException {
    for (MessageParser.Body format : new MessageParser.Body[] {MessageParser.Body.TEXT, MessageParser.Body.HTML}) {
      try {
        MessageParser.Parsed<Attachment> p = MessageParser.parse(new ByteArrayInputStream(raw), format, true, LIMITS,
            MalformedMimeTest::drain);
        assertThat(p.attachments().size()).isLessThanOrEqualTo(50);
        assertThat(p.warnings().size()).isLessThanOrEqualTo(100);
        p.attachments().forEach(a -> assertThat(a.fileName()).doesNotContain("/", "\\", "\0").isNotEqualTo(".."));
      } catch (MimeException skipped) {
        assertThat(skipped.getMessage()).isNotBlank();
      }
    }
  }
}
