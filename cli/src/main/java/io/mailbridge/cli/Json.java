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
    private final JsonGenerator json;

    Out(OutputStream stream) {
      super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
      try {
        json = MAPPER.getFactory().createGenerator(stream, JsonEncoding.UTF8)
            .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
            // characters outside the BMP as UTF-8, as the text path writes them (not as escaped surrogate pairs)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8.mappedFeature());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      json.setRootValueSeparator(null); // lines are ended below
    }

    void line(Object value) {
      flush(); // text printed before goes first
      try {
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
}
