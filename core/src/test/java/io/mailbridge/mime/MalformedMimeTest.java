package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mailbridge.document.Attachment;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.james.mime4j.MimeException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The malformed MIME corpus ({@link HostileMime}) through the receive parser: nothing escapes but a
 * clear {@link MimeException} (the message is then skipped with that reason), every limit shows as a
 * warning or an error naming its setting, and no message makes the parser run away: each parse
 * stays within a bound on the parsing thread's own CPU time, far above what a linear parse of
 * these few-MB inputs costs (milliseconds) and far below what a quadratic or unbounded one would.
 * CPU time, not wall time: other processes on a loaded machine do not count against it.
 */
class MalformedMimeTest {
  static final Duration CPU_BOUND = Duration.ofSeconds(10);
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /** What one message became: a parse result or the reason it would be skipped. */
  record Outcome(MessageParser.Parsed<Attachment> parsed, MimeException error, long cpuMillis) {}

  static Outcome parse(InputStream raw, MessageParser.Limits limits, MessageParser.PartSink<Attachment> sink) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    try {
      MessageParser.Parsed<Attachment> p = MessageParser.parse(raw, MessageParser.Body.TEXT, true, limits, sink);
      return new Outcome(p, null, (THREADS.getCurrentThreadCpuTime() - t0) / 1_000_000);
    } catch (MimeException e) {
      return new Outcome(null, e, (THREADS.getCurrentThreadCpuTime() - t0) / 1_000_000);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Attachment drain(InputStream in, Part meta) {
    try {
      long n = in.transferTo(OutputStream.nullOutputStream());
      return new Attachment(meta.path(), meta.fileName(), meta.contentType(), n, "", meta.inline(),
          meta.contentId(), Optional.empty(), Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Outcome parse(byte[] raw) {
    return parse(new ByteArrayInputStream(raw), MessageParser.Limits.defaults(1 << 20), MalformedMimeTest::drain);
  }

  @TestFactory
  Stream<DynamicTest> everyCaseParsesOrFailsClearlyWithinTheCpuBound() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, HostileMime.Case> c : HostileMime.small().entrySet()) {
      tests.add(DynamicTest.dynamicTest(c.getKey(), () -> {
        byte[] raw = c.getValue().bytes();
        Outcome o = parse(raw);
        assertThat(o.cpuMillis()).as("parse CPU time of %s (%d bytes)", c.getKey(), raw.length)
            .isLessThan(CPU_BOUND.toMillis());
        if (o.error() != null) {
          assertThat(o.error().getMessage()).as("skip reason").contains("receive.max");
        } else {
          assertThat(o.parsed().attachments().size()).isLessThanOrEqualTo(1000);
        }
      }));
    }
    return tests.stream();
  }

  @Test
  void nestingBeyondTheLimitStopsWithAWarning() {
    Outcome o = parse(HostileMime.small().get("nesting-1000-levels").bytes());
    assertThat(o.parsed().warnings()).anyMatch(w -> w.startsWith("MIME nesting deeper than 50 levels at part 1.1.1")
        && w.endsWith("the rest of the message was not read (receive.maxPartDepth)"));
    assertThat(o.parsed().subject()).isEqualTo("deep");
  }

  @Test
  void nestingWithinTheLimitIsReadToTheInnermostPart() {
    Outcome o = parse(new ByteArrayInputStream(HostileMime.small().get("nesting-1000-levels").bytes()),
        new MessageParser.Limits(1 << 20, 1000, 1000, 1 << 20), MalformedMimeTest::drain);
    assertThat(o.parsed().text()).hasValueSatisfying(t -> assertThat(t).startsWith("innermost"));
    assertThat(o.parsed().warnings()).noneMatch(w -> w.contains("maxPartDepth"));
  }

  @Test
  void partsBeyondTheLimitAreCountedNotStored() {
    Outcome o = parse(HostileMime.small().get("10000-parts").bytes());
    assertThat(o.parsed().attachments()).hasSize(1000);
    assertThat(o.parsed().attachments().get(999).fileName()).isEqualTo("p999.bin");
    assertThat(o.parsed().warnings()).contains("9000 more parts after the first 1000 were not stored (receive.maxParts)");
  }

  @Test
  void headerAboveTheLimitFailsTheMessageNamingTheSetting() {
    Outcome o = parse(HostileMime.small().get("header-of-2-MiB").bytes());
    assertThat(o.error()).isNotNull();
    assertThat(o.error().getMessage()).contains("1048576 bytes (receive.maxHeaderBytes)");
  }

  @Test
  void manySmallHeaderFieldsAddUpToTheHeaderLimit() {
    Outcome o = parse(new ByteArrayInputStream(HostileMime.small().get("40000-header-fields").bytes()),
        new MessageParser.Limits(1 << 20, 50, 1000, 50_000), MalformedMimeTest::drain);
    assertThat(o.error()).hasMessage("the header of the message has more than 50000 bytes (receive.maxHeaderBytes)");
  }

  @Test
  void brokenContentGivesWarningsNotFailures() {
    for (String name : List.of("bad-base64", "bad-quoted-printable", "unknown-transfer-encoding-and-charset",
        "broken-encoded-words", "addresses-unbalanced", "nul-bytes")) {
      Outcome o = parse(HostileMime.small().get(name).bytes());
      if (o.error() != null) {
        fail(name + " failed: " + o.error());
      }
      assertThat(o.parsed().warnings()).as(name).isNotEmpty();
    }
  }

  @Test
  void traversalInAnRfc2231NameIsSanitised() {
    Outcome o = parse(HostileMime.small().get("rfc2231-traversal-name").bytes());
    assertThat(o.parsed().attachments()).singleElement()
        .satisfies(a -> assertThat(a.fileName()).doesNotContain("/").doesNotContain(".."));
  }

  @Test
  void aBoundarySplitByABareCrNoLongerTripsMime4jsStateCheck() throws Exception {
    // Found by MimeFuzzTest (its crash-1c5f... seed): mime4j threw IllegalStateException ("unread only
    // works when a buffer is fully read...") when a malformed header line started the body. Such a
    // line is now skipped and the header read on, so the message is read.
    byte[] raw;
    try (InputStream in = getClass().getResourceAsStream(
        "MimeFuzzTestInputs/parse/crash-1c5f740075ecd0412ad6c24235d75027c26357cd")) {
      raw = in.readAllBytes();
    }
    Outcome o = parse(raw);
    assertThat(o.error()).isNull();
  }
}
