package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JsonTest {
  private static List<Object> values() {
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("subject", "Rechnung für Übergröße € 𝄞 \"quoted\" back\\slash");
    doc.put("text", "line 1\r\nline 2\ttab \u0000 nul \u001f unit \u2028 separator");
    doc.put("date", OffsetDateTime.parse("2026-11-24T10:00:00+01:00"));
    doc.put("absent", Optional.empty());
    doc.put("present", Optional.of("yes"));
    doc.put("attachments", List.of(Map.of("size", 2048L, "inline", true)));
    return List.of(doc, Map.of("n", 1), List.of(), "plain", Map.of("big", "x".repeat(100_000)));
  }

  @Test
  void standardOutputWritesTheSameLinesAsTextAsUtf8Bytes() {
    StringWriter text = new StringWriter();
    PrintWriter asText = new PrintWriter(text);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Json.Out out = new Json.Out(bytes);
    for (Object v : values()) {
      Json.line(asText, v);
      Json.line(out, v);
      // each line is in the stream once written: a consumer of a long receive sees it at once
      assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(text.toString().replace(System.lineSeparator(), "\n"));
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(values().size());
  }

  @Test
  void textPrintedBeforeALineComesFirst() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Json.Out out = new Json.Out(bytes);
    out.print("mailbridge: note ");
    Json.line(out, Map.of("a", "ä"));
    out.println("after");
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("mailbridge: note {\"a\":\"ä\"}\nafter" + System.lineSeparator());
  }
}
