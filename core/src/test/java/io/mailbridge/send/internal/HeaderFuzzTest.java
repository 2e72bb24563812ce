package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.mailbridge.BadInputException;
import io.mailbridge.send.Email;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Fuzz target for header validation and encoding on Send: a subject, a display name and a custom
 * header value from untrusted input either fail validation with a {@link BadInputException} or are
 * encoded so that the composed message has no injected header field and no line over 998 bytes.
 */
class HeaderFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void compose(FuzzedDataProvider data) throws Exception {
    String subject = data.consumeString(300);
    String name = data.consumeString(80);
    String value = data.consumeString(300);
    String fileName = data.consumeString(100);
    Email email;
    try {
      email = Email.builder().from("\"" + name.replace("\"", "") + "\" <alice@example.test>")
          .to("alice+hd@example.test").subject(subject).header("X-Hd-Fuzz", value).text("body")
          .attach(io.mailbridge.send.Attachment.bytes(new byte[] {1, 2, 3}).name(fileName)
              .contentType("application/octet-stream"))
          .build();
      Composer.validate(email, 0, "alice@example.test");
    } catch (BadInputException | IllegalArgumentException | NullPointerException rejected) {
      return;
    }
    Composer.Composed c;
    try {
      c = Composer.compose(email, "alice@example.test");
    } catch (BadInputException rejected) {
      return;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    c.message().writeTo(out);
    String raw = out.toString(StandardCharsets.ISO_8859_1);
    String header = raw.substring(0, raw.indexOf("\r\n\r\n") + 2);
    for (String line : header.split("\r\n")) {
      assertThat(line.length()).as("header line length").isLessThanOrEqualTo(998);
      assertThat(line).doesNotContain("\r", "\n", "\0");
      // Every line is a field or a folded continuation: nothing the input smuggled in as a new field.
      assertThat(line.matches("[!-9;-~]+:.*") || line.startsWith(" ") || line.startsWith("\t"))
          .as("header line '%s'", line).isTrue();
    }
    assertThat(header.lines().filter(l -> l.regionMatches(true, 0, "X-Hd-Fuzz:", 0, 10)).count()).isEqualTo(1);
    assertThat(header.lines().filter(l -> l.regionMatches(true, 0, "Bcc:", 0, 4)).count()).isZero();
  }
}
