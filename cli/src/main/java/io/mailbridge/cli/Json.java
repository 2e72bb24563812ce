package io.mailbridge.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON Lines on stdout: one object per line, ISO-8601 dates, absent values omitted. */
public final class Json {
  static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);

  private Json() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Writes one value as one line and flushes, so a consumer sees it at once. */
  public static void line(PrintWriter out, Object value) {
    if (out instanceof Out bytes) {
      bytes.line(value);
      return;
    }
    try {
      out.println(MAPPER.writeValueAsString(value));
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The command line's standard output: text as any PrintWriter, JSON lines encoded once, as UTF-8
   * bytes straight into the stream (a receive prints its 10,000 bodies without building each line
   * as a String and encoding it again: a tenth of a cold run's main thread).
   */
  static final class Out extends PrintWriter {
    private final OutputStream stream;
    /** Made at the first line: creating the mapper is ~0.1 s of a cold start (see {@link #warmUp}). */
    private JsonGenerator json;

    Out(OutputStream stream) {
      super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
      this.stream = stream;
    }

    void line(Object value) {
      flush(); // text printed before goes first
      try {
        if (json == null) {
          json = MAPPER.getFactory().createGenerator(stream, JsonEncoding.UTF8)
              .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
              // characters outside the BMP as UTF-8, as the text path writes them (not as escaped surrogate pairs)
              .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8.mappedFeature());
          json.setRootValueSeparator(null); // lines are ended below
        }
        MAPPER.writeValue(json, value);
        json.writeRaw('\n');
        json.flush();
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write to standard output: " + e.getMessage(), e);
      }
    }
  }

  /**
   * Starts loading the JSON classes on a background thread, while the command parses its options
   * and connects (a cold start has a second core idle then): the mapper with its modules and the
   * serializers of a document's value types are ~0.1 s of class loading. The first line then finds
   * them ready, or waits for what is still loading; a failure here changes nothing.
   */
  static void warmUp() {
    Thread t = new Thread(() -> {
      try {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("text", "x");
        sample.put("n", 1L);
        sample.put("i", 1);
        sample.put("b", true);
        sample.put("date", OffsetDateTime.now());
        sample.put("list", List.of("a"));
        sample.put("maps", List.of(Map.of("k", "v")));
        sample.put("absent", Optional.empty());
        JsonGenerator g = MAPPER.getFactory().createGenerator(OutputStream.nullOutputStream(), JsonEncoding.UTF8);
        MAPPER.writeValue(g, sample);
      } catch (IOException | RuntimeException ignored) {
        // the first real line reports any problem
      }
    }, "mailbridge-json-warm-up");
    t.setDaemon(true);
    t.start();
  }
}
