package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.mailbridge.base.PlainJson;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * Lines of plain values are written without the mapper ({@link PlainJson}): the bytes on standard
 * output, and the text of any other writer, must be exactly what the mapper writes for the same value.
 */
class PlainJsonTest {

  /** What the mapper writes for {@code value} as a line of text. */
  private static String mapperLine(Object value) throws Exception {
    return Json.mapper().writeValueAsString(value) + "\n";
  }

  /** The bytes the mapper writes for {@code value} as a line on standard output (its UTF-8 generator). */
  private static byte[] mapperBytes(Object value) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    JsonGenerator json = Json.mapper().getFactory().createGenerator(bytes, JsonEncoding.UTF8)
        .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8.mappedFeature());
    json.setRootValueSeparator(null);
    Json.mapper().writeValue(json, value);
    bytes.write('\n');
    return bytes.toByteArray();
  }

  private static byte[] outBytes(Object value) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Json.Out out = new Json.Out(bytes, false);
    Json.line(out, value);
    return bytes.toByteArray();
  }

  private static String outLine(Object value) {
    return new String(outBytes(value), StandardCharsets.UTF_8);
  }

  private static String textLine(Object value) {
    StringWriter text = new StringWriter();
    Json.line(new PrintWriter(text), value);
    return text.toString().replace(System.lineSeparator(), "\n");
  }

  @Property(tries = 400)
  void plainValuesAreWrittenAsTheMapperWritesThem(@ForAll("plainValues") Object value) throws Exception {
    assertThat(PlainJson.plain(value)).isTrue();
    assertThat(outBytes(value)).isEqualTo(mapperBytes(value));
    assertThat(textLine(value)).isEqualTo(mapperLine(value));
  }

  @Property(tries = 300)
  void aReceivedDocumentsLineIsTheMappersLine(@ForAll("documents") MailDocument d, @ForAll boolean withBody)
      throws Exception {
    Map<String, Object> line = ReceiveCommand.view(d, d.reference() ? null : Path.of("/tmp/x/1.eml"), withBody);
    assertThat(PlainJson.plain(line)).isTrue();
    assertThat(outBytes(line)).isEqualTo(mapperBytes(line));
    assertThat(textLine(line)).isEqualTo(mapperLine(line));
  }

  @Test
  void valuesThatAreNotPlainStillGoThroughTheMapper() throws Exception {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("absent", Optional.empty()); // the mapper writes an empty Optional in a map as null
    m.put("present", Optional.of("yes"));
    m.put("date", OffsetDateTime.parse("2026-11-24T10:00:00+01:00"));
    m.put("n", 1.5);
    for (Object v : List.of(m, List.of(Optional.empty()), Map.of(1, "int key"))) {
      assertThat(PlainJson.plain(v)).isFalse();
      assertThat(outBytes(v)).isEqualTo(mapperBytes(v));
      assertThat(textLine(v)).isEqualTo(mapperLine(v));
    }
    assertThat(outLine(m)).isEqualTo("{\"absent\":null,\"present\":\"yes\",\"date\":\"2026-11-24T10:00:00+01:00\",\"n\":1.5}\n");
  }

  @Test
  void aCommandPrintingPlainLinesNeverBuildsTheMapper() throws Exception {
    // A fresh JVM, as a receive runs: the warm-up, a document's line on standard output, journal records.
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path journal = Files.createTempDirectory("plain-lines").resolve("journal.db");
    Process p = new ProcessBuilder(java, "-Xlog:class+load=info", "-cp", System.getProperty("java.class.path"),
        PlainLinesMain.class.getName(), journal.toString()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("plain lines written").contains("io.mailbridge.base.PlainJson ")
        .doesNotContain("com.fasterxml.jackson.databind.ObjectMapper ");
  }

  // ---- generators

  private static Arbitrary<String> texts() {
    // any code point, controls, quotes, backslashes, line separators and characters outside the BMP
    return Arbitraries.oneOf(Arbitraries.strings().ofMaxLength(30),
        Arbitraries.strings().withChars("\"\\\u0000\u001f\u007f\u2028\u2029\r\n\t/<>&'é€").ofMaxLength(12),
        Arbitraries.strings().withCharRange('\ud800', '\udfff').ofMaxLength(6), // lone and paired surrogates
        Arbitraries.of("𝄞 music", "Übergröße 😀", ""));
  }

  @Provide
  Arbitrary<Object> plainValues() {
    return value(3);
  }

  private static Arbitrary<Object> value(int depth) {
    Arbitrary<Object> leaf = Arbitraries.oneOf(texts().map(s -> (Object) s),
        Arbitraries.integers().map(i -> (Object) i), Arbitraries.longs().map(l -> (Object) l),
        Arbitraries.of(true, false).map(b -> (Object) b), Arbitraries.just(null));
    if (depth == 0) {
      return leaf;
    }
    Arbitrary<Object> list = value(depth - 1).list().ofMaxSize(4).map(l -> (Object) new ArrayList<>(l));
    Arbitrary<Object> map = Arbitraries.maps(texts(), value(depth - 1)).ofMaxSize(4)
        .map(m -> (Object) new LinkedHashMap<>(m));
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(3, leaf), net.jqwik.api.Tuple.of(1, list),
        net.jqwik.api.Tuple.of(2, map));
  }

  @Provide
  Arbitrary<MailDocument> documents() {
    Arbitrary<List<String>> lists = texts().list().ofMaxSize(3);
    Arbitrary<Optional<String>> optional = texts().optional();
    Arbitrary<Attachment> attachment = net.jqwik.api.Combinators.combine(texts(), texts(), texts(),
        Arbitraries.longs().between(0, 1L << 40), optional, optional, Arbitraries.of(true, false), optional)
        .as((part, name, type, size, cid, key, inline, withheld) -> new Attachment(part, name, type, size,
            withheld.isPresent() ? "" : "ab12", inline, cid, withheld.isPresent() ? Optional.empty() : key,
            withheld.isPresent() || key.isEmpty() ? Optional.empty() : Optional.of(Path.of("/cache", "f", name.isEmpty() ? "x" : "n")),
            withheld));
    Arbitrary<TrackedProperties> props = net.jqwik.api.Combinators.combine(texts(), texts(), lists, lists,
        Arbitraries.longs().between(1, 4_000_000_000L), Arbitraries.integers().between(0, 3), Arbitraries.of(true, false),
        texts()).as((subject, from, to, flags, uid, count, dates, folder) -> {
          TrackedProperties.Builder b = TrackedProperties.builder().subject(subject).fromAddress(from)
              .toAddress(to).flags(flags).uid(uid).uidValidity(uid + 1).size(uid % 100_000).folder(folder)
              .messageId(from).cc(to).attachmentsCount(count);
          if (dates) {
            b.date(OffsetDateTime.of(2026, 11, 24, 10, 0, 0, 0, ZoneOffset.ofHours(1)))
                .receivedDate(OffsetDateTime.of(2026, 12, 6, 18, 53, 21, 0, ZoneOffset.UTC)).fromFolder(folder);
          }
          return b.build();
        });
    Arbitrary<Map<String, List<String>>> headers = Arbitraries.maps(texts(), lists).ofMaxSize(3);
    return net.jqwik.api.Combinators.combine(props, texts().injectNull(0.2), attachment.list().ofMaxSize(3), lists,
        headers, Arbitraries.of(BodyFormat.class), Arbitraries.of(true, false))
        .as((p, text, atts, warnings, h, format, reference) -> MailDocument.builder().key("imap://k/" + p.uid().orElse(0L))
            .properties(p).text(text).format(format).attachments(atts).warnings(warnings).headers(h)
            .raw(format == BodyFormat.EML ? new byte[] {1} : null).reference(reference).build());
  }
}
