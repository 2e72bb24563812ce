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

  @Test
  void streamedLinesAreTheSameBytesWithoutAFlushPerLine() {
    // 10,000 lines flushed one by one were 29,000 write calls on a cold receive.
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    Json.Out perLine = new Json.Out(expected, false);
    CountingStream streamed = new CountingStream();
    Json.Out out = new Json.Out(streamed, false);
    for (int i = 0; i < 1000; i++) {
      for (Object v : values()) {
        Json.line(perLine, v);
        Json.streamed(out, v);
      }
    }
    out.print("done");
    out.flush();
    perLine.print("done");
    perLine.flush();
    assertThat(streamed.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString(StandardCharsets.UTF_8));
    // A flush per 64 KiB buffer and the timer's (every 0.2 s), not one per line (5,000 lines).
    assertThat(streamed.flushes).isLessThan(300);
  }

  @Test
  void aStreamedLineGoesOutWithinTheFlushIntervalAlsoWhenNoLineFollows() throws Exception {
    CountingStream bytes = new CountingStream();
    Json.Out out = new Json.Out(bytes, false);
    Json.streamed(out, Map.of("uid", 1));
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (bytes.size() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("{\"uid\":1}\n");
  }

  @Test
  void onATerminalEveryStreamedLineIsFlushedAtOnce() {
    CountingStream bytes = new CountingStream();
    Json.Out out = new Json.Out(bytes, true);
    for (int i = 1; i <= 3; i++) {
      Json.streamed(out, Map.of("uid", i));
      assertThat(bytes.toString(StandardCharsets.UTF_8).lines()).hasSize(i);
    }
  }

  @Test
  void textAndLinesKeepTheirOrderWhenLinesAreBuffered() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Json.Out out = new Json.Out(bytes, false);
    Json.streamed(out, Map.of("a", 1));
    out.println("between");
    Json.streamed(out, Map.of("b", 2));
    Json.line(out, Map.of("c", 3));
    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
        "{\"a\":1}\nbetween" + System.lineSeparator() + "{\"b\":2}\n{\"c\":3}\n");
  }
}
