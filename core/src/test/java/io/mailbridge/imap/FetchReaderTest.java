package io.mailbridge.imap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@link FetchReader} over byte streams recorded from the real Dovecot of the local mail stack
 * ({@code src/test/resources/imap/fetch/capture.py} made them), read whole and split into reads of
 * a few bytes, so every literal and line crosses read boundaries.
 */
class FetchReaderTest {
  private final List<FetchReader.Fetch> fetches = new ArrayList<>();
  private final List<String> others = new ArrayList<>();
  private final List<String> trace = new ArrayList<>();

  private static byte[] resource(String name) throws IOException {
    try (InputStream in = FetchReaderTest.class.getResourceAsStream("/imap/fetch/" + name)) {
      return in.readAllBytes();
    }
  }

  private static String tag(String name) throws IOException {
    return new String(resource(name + ".tag"), StandardCharsets.US_ASCII).trim();
  }

  /** Hands out at most {@code max} bytes per read (at least 1), sizes drawn from a fixed seed. */
  private static InputStream split(byte[] data, int max) {
    Random random = new Random(max);
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(max)));
      }
    };
  }

  private FetchReader.End read(InputStream in, String tag, FetchReader.Bodies bodies) throws IOException {
    return new FetchReader(in, 8192).read(tag, bodies, fetches::add, others::add, trace::add);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 1500, 1 << 20})
  void aBatchComesBackMessageByMessageWhateverTheReadSizes(int maxRead) throws IOException {
    FetchReader.End end = read(split(resource("batch.bin"), maxRead), tag("batch"), null);

    assertThat(end.status()).isEqualTo("OK");
    assertThat(fetches).extracting(f -> f.uid).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    for (FetchReader.Fetch f : fetches) {
      assertThat(f.body).as("uid %d", f.uid).hasSize((int) f.size);
      assertThat(new String(f.body, 0, 22, StandardCharsets.US_ASCII)).isEqualTo("From: Sender " + f.uid + " <sender");
    }
    assertThat(fetches.get(0).flags).containsExactly("\\Seen", "\\Recent", "$Label1");
    assertThat(fetches.get(0).internalDate).isEqualTo(OffsetDateTime.parse("2026-11-24T09:01:00Z"));
    assertThat(new String(fetches.get(0).body, StandardCharsets.UTF_8)).contains("({braces}) and ümlauts\r\n");
    // Byte for byte what the recording holds between each "{n}" CRLF and the next n bytes.
    List<byte[]> literals = literals(resource("batch.bin"));
    for (int i = 0; i < fetches.size(); i++) {
      assertThat(fetches.get(i).body).as("uid %d", fetches.get(i).uid).isEqualTo(literals.get(i));
    }
    // The trace shows each response line, never a literal's bytes.
    assertThat(trace).anyMatch(l -> l.matches(
        "\\* 6 FETCH \\(UID 6 FLAGS \\(\\\\Recent\\) RFC822\\.SIZE 205836 INTERNALDATE \"[^\"]+\" BODY\\[\\] \\{205836\\}"));
    assertThat(trace).contains(")");
    assertThat(trace).noneMatch(l -> l.contains("From: ") || l.contains("ümlauts"));
    assertThat(trace).last().asString().startsWith(tag("batch") + " OK Fetch completed");
    assertThat(others).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 9, 1 << 20})
  void quotedStringsAtomsAndNumbersReadTheSameWholeOrInPieces(int maxRead) throws IOException {
    byte[] answer = ("* 12 FETCH (UID 4294967295 FLAGS (\\Seen $Label\\x) BODY[] \"a \\\"quoted\\\" \\\\ body\" "
        + "INTERNALDATE \"24-Nov-2026 09:01:00 +0000\")\r\n"
        + "* 13 FETCH (UID 9 RFC822.SIZE 1234567890123 BODY[]<0> \"\")\r\n"
        + "A1 OK done\r\n").getBytes(StandardCharsets.ISO_8859_1);
    FetchReader.End end = read(split(answer, maxRead), "A1", null);

    assertThat(end.status()).isEqualTo("OK");
    assertThat(fetches).hasSize(2);
    FetchReader.Fetch f = fetches.get(0);
    assertThat(f.seq).isEqualTo(12);
    assertThat(f.uid).isEqualTo(4294967295L);
    assertThat(f.flags).containsExactly("\\Seen", "$Label\\x");
    assertThat(new String(f.body, StandardCharsets.ISO_8859_1)).isEqualTo("a \"quoted\" \\ body");
    assertThat(f.internalDate).isEqualTo(OffsetDateTime.parse("2026-11-24T09:01:00Z"));
    assertThat(fetches.get(1).size).isEqualTo(1234567890123L);
    assertThat(fetches.get(1).body).isEmpty();
    assertThat(trace).first().asString().startsWith("* 12 FETCH (UID 4294967295 FLAGS");
  }

  @Test
  void sizesWithoutBodies() throws IOException {
    read(split(resource("sizes.bin"), 5), tag("sizes"), null);
    assertThat(fetches).extracting(f -> f.uid + "=" + f.size)
        .containsExactly("1=2220", "2=4220", "3=6220", "4=8220", "5=10220", "6=205836");
    assertThat(fetches).allMatch(f -> f.body == null && f.bodyLength == -1 && f.text.startsWith("* "));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 4096})
  void expungeExistsAndFlagChangesOfAnotherSessionArePassedOn(int maxRead) throws IOException {
    FetchReader.End end = read(split(resource("interleaved.bin"), maxRead), tag("interleaved"), null);

    assertThat(end.status()).isEqualTo("OK");
    assertThat(end.tagged()).contains("[EXPUNGEISSUED]");
    assertThat(fetches).filteredOn(f -> f.body != null).extracting(f -> f.uid).containsExactly(1L, 3L, 4L, 5L);
    // Expunged by the other session: Dovecot answers with a NIL body.
    FetchReader.Fetch gone = fetches.stream().filter(f -> f.uid == 2).findFirst().orElseThrow();
    assertThat(gone.nilBody).isTrue();
    assertThat(gone.body).isNull();
    // The flag change the server sent on its own comes as a FETCH without UID, text kept for Angus.
    FetchReader.Fetch flagged = fetches.stream().filter(f -> f.uid == -1).findFirst().orElseThrow();
    assertThat(flagged.seq).isEqualTo(3);
    assertThat(flagged.text).isEqualTo("* 3 FETCH (FLAGS (\\Flagged \\Seen \\Recent $Label1))");
    assertThat(others).containsExactly("* 2 EXPUNGE", "* 6 EXISTS", "* 5 RECENT");
  }

  @Test
  void aBadReplyEndsTheCommand() throws IOException {
    FetchReader.End end = read(split(resource("bad.bin"), 4), tag("bad"), null);
    assertThat(end.status()).isEqualTo("BAD");
    assertThat(end.tagged()).isEqualTo(tag("bad") + " BAD Error in IMAP command UID FETCH: Unknown parameter: BOGUS"
        + " (0.001 + 0.000 secs).");
    assertThat(fetches).isEmpty();
  }

  @Test
  void aNoReplyAfterSomeMessagesEndsTheCommandWithThoseMessagesRead() throws IOException {
    // The first two responses of the recorded batch, then a NO as Dovecot words an internal error.
    byte[] batch = resource("batch.bin");
    String text = new String(batch, StandardCharsets.ISO_8859_1);
    int third = text.indexOf("\r\n* 3 FETCH") + 2;
    byte[] stream = concat(Arrays.copyOf(batch, third),
        "A11 NO [SERVERBUG] Internal error occurred. Refer to server log for more information.\r\n"
            .getBytes(StandardCharsets.US_ASCII));

    FetchReader.End end = read(split(stream, 9), "A11", null);
    assertThat(end.status()).isEqualTo("NO");
    assertThat(fetches).extracting(f -> f.uid).containsExactly(1L, 2L);
  }

  @Test
  void aStreamCutInsideALiteralFailsClearlyAndDeliversOnlyWholeMessages() throws IOException {
    byte[] batch = resource("batch.bin");
    int third = new String(batch, StandardCharsets.ISO_8859_1).indexOf("\r\n* 3 FETCH") + 2;
    byte[] cut = Arrays.copyOf(batch, third + 200); // inside message 3's literal

    assertThatThrownBy(() -> read(split(cut, 50), tag("batch"), null))
        .isInstanceOf(EOFException.class)
        .hasMessageMatching("connection closed by the server [0-9]+ bytes before the end of a 6220-byte message");
    assertThat(fetches).extracting(f -> f.uid).containsExactly(1L, 2L);
  }

  @Test
  void aStreamCutInsideALineFailsClearly() throws IOException {
    byte[] sizes = resource("sizes.bin");
    byte[] cut = Arrays.copyOf(sizes, new String(sizes, StandardCharsets.ISO_8859_1).indexOf("RFC822.SIZE 6220"));

    assertThatThrownBy(() -> read(new ByteArrayInputStream(cut), tag("sizes"), null))
        .isInstanceOf(EOFException.class)
        .hasMessageStartingWith("connection closed by the server in the middle of a response ('* 3 FETCH (UID 3 ");
    assertThat(fetches).hasSize(2);
  }

  @Test
  void aLargeBodyGoesToItsStreamInBoundedChunks() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    List<Integer> chunks = new ArrayList<>();
    long[] announced = new long[1];
    FetchReader.Bodies toFile = new FetchReader.Bodies() {
      @Override
      public OutputStream open(FetchReader.Fetch sofar, long length) {
        assertThat(sofar.uid).isEqualTo(6);
        announced[0] = length;
        return file;
      }

      @Override
      public void wrote(int bytes) {
        chunks.add(bytes);
      }
    };
    FetchReader.End end = new FetchReader(split(resource("large.bin"), 100_000), 4096)
        .read(tag("large"), toFile, fetches::add, others::add, trace::add);

    assertThat(end.status()).isEqualTo("OK");
    assertThat(announced[0]).isEqualTo(205_836);
    assertThat(file.size()).isEqualTo(205_836);
    assertThat(chunks).allMatch(n -> n > 0 && n <= 4096);
    assertThat(chunks.stream().mapToLong(Integer::longValue).sum()).isEqualTo(205_836);
    assertThat(fetches).singleElement().satisfies(f -> {
      assertThat(f.body).isNull();
      assertThat(f.bodyLength).isEqualTo(205_836);
    });
    byte[] raw = resource("large.bin");
    int start = new String(raw, StandardCharsets.ISO_8859_1).indexOf("{205836}\r\n") + 10;
    assertThat(file.toByteArray()).isEqualTo(Arrays.copyOfRange(raw, start, start + 205_836));
    assertThat(others).containsExactly("* 3 EXPUNGE", "* 4 RECENT");
  }

  @Test
  void responsesAlreadySentAfterTheTaggedReplyAreReadToo() throws IOException {
    byte[] stream = concat(resource("sizes.bin"), "* BYE Disconnected for inactivity.\r\n".getBytes(StandardCharsets.US_ASCII));
    FetchReader.End end = read(new ByteArrayInputStream(stream), tag("sizes"), null);
    assertThat(end.status()).isEqualTo("OK");
    assertThat(others).containsExactly("* BYE Disconnected for inactivity.");
  }

  @Test
  void aByeBeforeTheTaggedReplyEndsTheCommandWhenTheServerCloses() throws IOException {
    byte[] sizes = resource("sizes.bin");
    int third = new String(sizes, StandardCharsets.ISO_8859_1).indexOf("* 3 FETCH");
    byte[] stream = concat(Arrays.copyOf(sizes, third),
        "* BYE Server shutting down.\r\n".getBytes(StandardCharsets.US_ASCII));

    FetchReader.End end = read(new ByteArrayInputStream(stream), tag("sizes"), null);
    assertThat(end.status()).isEqualTo("BYE");
    assertThat(end.bye()).isEqualTo("* BYE Server shutting down.");
    assertThat(fetches).hasSize(2);
  }

  @Test
  void garbageIsAClearErrorNotAHang() {
    byte[] stream = "* 1 FETCH (UID 1 BODY[] {12x}\r\n".getBytes(StandardCharsets.US_ASCII);
    assertThatThrownBy(() -> read(new ByteArrayInputStream(stream), "A1", null))
        .isInstanceOf(io.mailbridge.connection.ServerViolation.class)
        .hasMessageStartingWith("sent a malformed IMAP response (expected '}', got 'x') after '* 1 FETCH (UID 1 BODY[] {12x'");
  }

  /** The bodies in a recorded answer, found independently of the reader: "BODY[] {n}" CRLF, then n bytes. */
  private static List<byte[]> literals(byte[] raw) {
    String text = new String(raw, StandardCharsets.ISO_8859_1);
    List<byte[]> out = new ArrayList<>();
    int at = 0;
    while ((at = text.indexOf("BODY[] {", at)) >= 0) {
      int close = text.indexOf("}\r\n", at);
      int n = Integer.parseInt(text.substring(at + 8, close));
      out.add(Arrays.copyOfRange(raw, close + 3, close + 3 + n));
      at = close + 3 + n;
    }
    return out;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
