package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.james.mime4j.codec.Base64InputStream;
import org.apache.james.mime4j.codec.DecodeMonitor;

/**
 * {@link Base64Decoding} (block-wise, with the JDK's vector decoder for runs of regular lines)
 * against the general path it replaced, mime4j's byte-at-a-time {@link Base64InputStream}, and
 * against {@link Base64#getMimeDecoder()}: on what mail programs write (any line length, CRLF or
 * LF, trailing white space, padding) and on damaged input, read whole and in random pieces from a
 * source that hands out random short reads.
 */
class Base64DecodingPropertiesTest {

  /** Encoded data as mail programs write it, with the damage real mail shows now and then. */
  @Provide
  Arbitrary<byte[]> encoded() {
    Arbitrary<byte[]> data = Arbitraries.bytes().array(byte[].class).ofMaxSize(20_000);
    Arbitrary<Integer> width = Arbitraries.of(4, 8, 60, 64, 72, 76, 100, 1000);
    Arbitrary<String> eol = Arbitraries.of("\r\n", "\n", " \r\n", "\t\n", "\r\r\n");
    Arbitrary<Integer> damage = Arbitraries.integers().between(0, 6);
    Arbitrary<Long> seed = Arbitraries.longs();
    return Combinators.combine(data, width, eol, damage, seed).as((d, w, e, dmg, s) -> {
      String text = Base64.getEncoder().encodeToString(d);
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < text.length(); i += w) {
        b.append(text, i, Math.min(text.length(), i + w)).append(e);
      }
      Random r = new Random(s);
      byte[] out = b.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
      if (dmg == 1 && out.length > 0) {
        out[r.nextInt(out.length)] = (byte) r.nextInt(256); // any byte anywhere, 8-bit included
      } else if (dmg == 2 && out.length > 2) {
        out = java.util.Arrays.copyOf(out, out.length - 1 - r.nextInt(Math.min(out.length - 1, 6))); // cut short
      } else if (dmg == 3) {
        out = concat(out, "\r\n-- \r\nsignature\r\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      }
      return out;
    });
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  /** A source that returns at most a random few bytes per read, as a TLS connection may. */
  static InputStream trickling(byte[] bytes, long seed) {
    Random r = new Random(seed);
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + r.nextInt(r.nextBoolean() ? 5 : 9000)));
      }
    };
  }

  /** Reads all of {@code in} in random pieces of 1 to 9000 bytes (single bytes included). */
  static byte[] readInPieces(InputStream in, long seed) throws IOException {
    Random r = new Random(seed);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[9000];
    while (true) {
      if (r.nextInt(10) == 0) {
        int c = in.read();
        if (c < 0) {
          break;
        }
        out.write(c);
        continue;
      }
      int off = r.nextInt(10);
      int n = in.read(buf, off, 1 + r.nextInt(buf.length - off - 1));
      if (n < 0) {
        break;
      }
      out.write(buf, off, n);
    }
    return out.toByteArray();
  }

  /**
   * mime4j's decoding of the part with the padding its sender left out: a last group cut short
   * (2 or 3 characters) yields the bytes it holds, as Python's email reads it, where mime4j alone
   * drops them. mime4j stops at the first '=', so the added padding changes nothing else.
   */
  private static byte[] mime4j(byte[] encoded) throws IOException {
    byte[] padded = concat(encoded, new byte[] {'=', '='});
    try (InputStream in = new Base64InputStream(new ByteArrayInputStream(padded), DecodeMonitor.SILENT)) {
      return in.readAllBytes();
    }
  }

  @Property(tries = 300)
  void readWholeOrInPiecesFromShortReadsItIsWhatMime4jDecodes(@ForAll("encoded") byte[] encoded, @ForAll long seed)
      throws IOException {
    byte[] general = mime4j(encoded);
    try (InputStream whole = new Base64Decoding(new ByteArrayInputStream(encoded))) {
      assertThat(whole.readAllBytes()).isEqualTo(general);
    }
    try (InputStream pieces = new Base64Decoding(trickling(encoded, seed))) {
      assertThat(readInPieces(pieces, seed)).isEqualTo(general);
    }
  }

  @Property(tries = 300)
  void wellFormedMimeBase64IsWhatTheJdkDecodes(@ForAll byte[] data, @ForAll("widths") int width,
      @ForAll("eols") String eol, @ForAll long seed) throws IOException {
    String text = Base64.getMimeEncoder(width, eol.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
        .encodeToString(data);
    byte[] encoded = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    try (InputStream pieces = new Base64Decoding(trickling(encoded, seed))) {
      assertThat(readInPieces(pieces, seed)).isEqualTo(data);
    }
  }

  @Provide
  Arbitrary<Integer> widths() {
    return Arbitraries.of(4, 8, 64, 76, 1000);
  }

  @Provide
  Arbitrary<String> eols() {
    return Arbitraries.of(List.of("\r\n", "\n"));
  }
}
