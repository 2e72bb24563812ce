package io.mailbridge.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mailbridge.base.PlainJson;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** JSON Lines on stdout: one object per line, ISO-8601 dates, absent values omitted. */
public final class Json {
  /** Generators for lines of plain values ({@link PlainJson}), without the mapper. */
  static final JsonFactory FACTORY = new JsonFactory();

  private Json() {}

  /** Lines go through {@link PlainJson} only when {@link PlainJson#plain} says so: nothing left over. */
  private static final PlainJson.Other NOT_PLAIN = (json, value) -> {
    throw new IllegalArgumentException("not a plain value: " + value.getClass().getName());
  };

  /**
   * The mapper for lines that are not plain values, and for reading JSON. Made at its first use:
   * building it (its modules, its date format with the JDK's calendar data for every locale) is a
   * large part of a cold start that a command printing only plain lines never needs.
   */
  public static ObjectMapper mapper() {
    return Mapper.MAPPER;
  }

  private static final class Mapper {
    static final ObjectMapper MAPPER = new ObjectMapper()
        .registerModule(new Jdk8Module())
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);
    /** Leaves flushing to {@link Out#line}: the mapper's default flushes after every value. */
    static final ObjectWriter LINE = MAPPER.writer().without(SerializationFeature.FLUSH_AFTER_WRITE_VALUE);
  }

  /** Writes one value as one line and flushes, so a consumer sees it at once. */
  public static void line(PrintWriter out, Object value) {
    if (out instanceof Out bytes) {
      bytes.line(value, true);
      return;
    }
    text(out, value);
  }

  /**
   * Writes one line of a long stream of lines (a read-only receive's documents): on standard output
   * block-buffered, the way C's stdio does when it is not a terminal, and on its way within
   * {@link Out#FLUSH_MILLIS} ms. On a terminal, and for any other writer, each line at once as
   * {@link #line}. Only for lines after which nothing is changed on the server (a read-only
   * receive's, or a move's that reports what the server has done): a line after which the server
   * is changed must go through {@link #line}.
   */
  public static void streamed(PrintWriter out, Object value) {
    if (out instanceof Out bytes) {
      bytes.line(value, false);
      return;
    }
    text(out, value);
  }

  private static void text(PrintWriter out, Object value) {
    try {
      if (PlainJson.plain(value)) {
        StringWriter text = new StringWriter();
        try (JsonGenerator json = FACTORY.createGenerator(text)) {
          PlainJson.write(json, value, false, NOT_PLAIN);
        }
        out.println(text);
      } else {
        out.println(mapper().writeValueAsString(value));
      }
      out.flush();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write JSON: " + e.getMessage(), e);
    }
  }

  /**
   * The command line's standard output: text as any PrintWriter, JSON lines encoded once, as UTF-8
   * bytes straight into the stream (a receive prints its 10,000 bodies without building each line
   * as a String and encoding it again: a tenth of a cold run's main thread).
   */
  static final class Out extends PrintWriter {
    /** The longest a streamed line waits in the buffer. */
    static final long FLUSH_MILLIS = 200;
    /** JSON lines go here, text around the PrintWriter's own encoder: whichever comes next flushes the other. */
    private final OutputStream lines;
    private final boolean terminal;
    /** Made at the first line. */
    private JsonGenerator json;
    private boolean textPending;
    private boolean linesPending;
    private Thread flusher;

    Out(OutputStream stream) {
      this(stream, System.console() != null);
    }

    /** @param terminal whether standard output is a terminal: then every line is flushed at once */
    Out(OutputStream stream, boolean terminal) {
      super(new OutputStreamWriter(stream, StandardCharsets.UTF_8), true);
      // Lines flushed one by one cost three write calls each (Jackson's buffer and System.out's
      // autoflush split each line), on a cold run's busiest thread: buffer them instead.
      this.lines = new BufferedOutputStream(stream, 1 << 16);
      this.terminal = terminal;
    }

    void line(Object value, boolean now) {
      synchronized (lock) {
        if (textPending) {
          super.flush(); // text printed before goes first
          textPending = false;
        }
        try {
          if (json == null) {
            json = FACTORY.createGenerator(lines, JsonEncoding.UTF8)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                // characters outside the BMP as UTF-8, as the text path writes them (not as escaped surrogate pairs)
                .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8.mappedFeature());
            json.setRootValueSeparator(null); // lines are ended below
          }
          if (PlainJson.plain(value)) {
            PlainJson.write(json, value, false, NOT_PLAIN);
          } else {
            Mapper.LINE.writeValue(json, value);
          }
          json.writeRaw('\n');
          if (now || terminal) {
            json.flush();
            linesPending = false;
          } else {
            linesPending = true;
            startFlusher();
          }
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write to standard output: " + e.getMessage(), e);
        }
      }
    }

    /** Streamed lines are flushed at least every {@link #FLUSH_MILLIS} ms, also when no line follows. */
    private void startFlusher() {
      if (flusher != null) {
        return;
      }
      flusher = new Thread(() -> {
        while (true) {
          try {
            Thread.sleep(FLUSH_MILLIS);
          } catch (InterruptedException e) {
            return;
          }
          synchronized (lock) {
            try {
              flushLines();
            } catch (RuntimeException e) {
              return; // the writing thread meets the same failure at its next line or flush, and reports it
            }
          }
        }
      }, "mailbridge-stdout-flush");
      flusher.setDaemon(true);
      flusher.start();
    }

    private void flushLines() {
      if (linesPending) {
        try {
          json.flush();
          linesPending = false; // after a failure still pending: the next flush tries (and reports) again
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write to standard output: " + e.getMessage(), e);
        }
      }
    }

    @Override
    public void flush() {
      synchronized (lock) {
        flushLines();
        super.flush();
        textPending = false;
      }
    }

    @Override
    public void write(int c) {
      synchronized (lock) {
        beforeText();
        super.write(c);
      }
    }

    @Override
    public void write(char[] buf, int off, int len) {
      synchronized (lock) {
        beforeText();
        super.write(buf, off, len);
      }
    }

    @Override
    public void write(String str, int off, int len) {
      synchronized (lock) {
        beforeText();
        super.write(str, off, len);
      }
    }

    private void beforeText() {
      flushLines(); // lines written before go first
      textPending = true;
    }
  }

  /**
   * Starts loading the JSON classes on a background thread, while the command parses its options
   * and connects (a cold start has a second core idle then): the generator of plain lines, and with
   * {@code mapper} the mapper with its modules and the serializers of common value types, which are
   * much class loading. The first line then finds them ready, or waits for what is still loading; a
   * failure here changes nothing.
   *
   * @return the warm-up's thread (started)
   */
  static Thread warmUp(boolean mapper) {
    Thread t = new Thread(() -> {
      try {
        Map<String, Object> sample = new LinkedHashMap<>();
        sample.put("text", "x");
        sample.put("n", 1L);
        sample.put("i", 1);
        sample.put("b", true);
        sample.put("list", List.of("a"));
        sample.put("maps", List.of(Map.of("k", "v")));
        try (JsonGenerator g = FACTORY.createGenerator(OutputStream.nullOutputStream(), JsonEncoding.UTF8)) {
          PlainJson.write(g, sample, false, NOT_PLAIN);
        }
        if (mapper) {
          sample.put("date", OffsetDateTime.now());
          sample.put("absent", Optional.empty());
          JsonGenerator g = mapper().getFactory().createGenerator(OutputStream.nullOutputStream(), JsonEncoding.UTF8);
          mapper().writeValue(g, sample);
        }
      } catch (IOException | RuntimeException ignored) {
        // the first real line reports any problem
      }
    }, "mailbridge-json-warm-up");
    t.setDaemon(true);
    t.start();
    return t;
  }
}
