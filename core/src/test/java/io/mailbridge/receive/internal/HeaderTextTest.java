package io.mailbridge.receive.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

class HeaderTextTest {
  private static String value(String field, int spare) {
    byte[] bytes = field.getBytes(StandardCharsets.ISO_8859_1);
    // a parser's buffer: longer than the field, with stale bytes after it
    byte[] backing = Arrays.copyOf(bytes, bytes.length + spare);
    Arrays.fill(backing, bytes.length, backing.length, (byte) 'x');
    List<String> warnings = new ArrayList<>();
    String v = HeaderText.value(new ByteArrayBuffer(backing, bytes.length, true), "Subject", warnings::add);
    assertThat(warnings).isEmpty();
    return v;
  }

  @Test
  void aSingleLineValueIsTrimmedAsStripWouldAndReadFromTheParsersBufferInPlace() {
    SplittableRandom random = new SplittableRandom(5322);
    String alphabet = "ab \t\u000B\f\u001C\u001F:;=?\"xyz";
    for (int i = 0; i < 5000; i++) {
      StringBuilder v = new StringBuilder();
      for (int k = random.nextInt(12); k > 0; k--) {
        v.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String field = "Subject:" + v;
      assertThat(value(field, random.nextInt(3) * 50)).as("[%s]", field).isEqualTo(v.toString().strip());
    }
  }

  @Test
  void foldedAndEightBitValuesKeepTheirRules() {
    assertThat(value("Subject: first\r\n second  ", 10)).isEqualTo("first second");
    assertThat(value("Subject:\t\r\n\tfolded", 0)).isEqualTo("folded");
    assertThat(value("Subject: caf\u00c3\u00a9 ", 7)).isEqualTo("café"); // UTF-8 bytes
    assertThat(value("Subject:", 5)).isEmpty();
  }
}
