package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FileNamesTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "../../etc/passwd|passwd",
      "/etc/shadow|shadow",
      "C:\\Windows\\system32\\evil.exe|evil.exe",
      "..|fallback",
      ".|fallback",
      "'   '|fallback",
      "CON|_CON",
      "con.txt|_con.txt",
      "LPT1.log|_LPT1.log",
      "report:2026.pdf|report_2026.pdf",
      "a<b>c?d*.txt|a_b_c_d_.txt",
      "invoice.pdf.  |invoice.pdf",
      ".hidden|hidden",
      "Überweisung 2026 – März.pdf|Überweisung 2026 – März.pdf",
  })
  void sanitisesHostileAndOrdinaryNames(String in, String expected) {
    assertThat(FileNames.sanitize(in, "fallback")).isEqualTo(expected);
  }

  @Test
  void removesNulControlAndBidiCharacters() {
    assertThat(FileNames.sanitize("evil\0.exe", "f")).isEqualTo("evil.exe");
    assertThat(FileNames.sanitize("a\r\nb\tc\u0007.txt", "f")).isEqualTo("abc.txt");
    assertThat(FileNames.sanitize("invoice\u202Efdp.exe", "f")).isEqualTo("invoicefdp.exe");
  }

  @Test
  void emptyOrMissingNameGetsFallback() {
    assertThat(FileNames.sanitize("", "part-2.bin")).isEqualTo("part-2.bin");
    assertThat(FileNames.sanitize(null, "part-2.bin")).isEqualTo("part-2.bin");
    assertThat(FileNames.sanitize("\0\0", "part-2.bin")).isEqualTo("part-2.bin");
  }

  @Test
  void cutsNamesOver255BytesKeepingTheExtension() {
    String longName = "ä".repeat(300) + ".pdf";
    String out = FileNames.sanitize(longName, "f");
    assertThat(out.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(255);
    assertThat(out).endsWith(".pdf").startsWith("ää");
  }

  @Test
  void sanitisingTwiceChangesNothingWhenAControlCharacterSeparatedACombiningMark() {
    // Found by FileNamesFuzzTest: "C", NUL, U+030C became "C\u030C" the first time and "\u010C" the second.
    String once = FileNames.sanitize("report C\u0000\u030C.pdf", "x.bin");
    org.assertj.core.api.Assertions.assertThat(once).isEqualTo("report \u010C.pdf");
    org.assertj.core.api.Assertions.assertThat(FileNames.sanitize(once, "x.bin")).isEqualTo(once);
  }
}
