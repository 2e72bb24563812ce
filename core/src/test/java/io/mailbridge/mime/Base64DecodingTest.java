package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Base64DecodingTest {
  private static byte[] decode(String s) throws Exception {
    try (Base64Decoding in = new Base64Decoding(new ByteArrayInputStream(s.getBytes(StandardCharsets.ISO_8859_1)))) {
      return in.readAllBytes();
    }
  }

  @Test
  void decodesWhatTheJdkEncodesForEveryLengthAcrossBufferBoundaries() throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    // Blocks grow 4 KiB, 8, 16, 32, 64 KiB: lengths around each step and far beyond the last.
    for (int len : new int[] {0, 1, 2, 3, 4, 5, 57, 58, 59, 2_999, 3_000, 3_001, 3_071, 3_072, 3_073, 6_143, 6_144,
        49_151, 49_152, 49_153, 200_003, 1_000_001}) {
      byte[] data = new byte[len];
      for (int i = 0; i < len; i++) {
        data[i] = (byte) random.nextInt();
      }
      String mime = Base64.getMimeEncoder(76, new byte[] {'\r', '\n'}).encodeToString(data);
      assertThat(decode(mime)).as("length " + len).isEqualTo(data);
    }
  }

  /** The rules of RFC 2045 6.8 as the decoder applies them, one byte at a time: the reference. */
  private static byte[] reference(byte[] in) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    int acc = 0;
    int c = 0;
    for (byte b : in) {
      if (b == '=') {
        break;
      }
      int v = alphabet.indexOf((char) (b & 0xff));
      if (v < 0) {
        continue;
      }
      acc = acc << 6 | v;
      if (++c == 4) {
        out.write(acc >> 16);
        out.write(acc >> 8);
        out.write(acc);
        acc = 0;
        c = 0;
      }
    }
    if (c == 2) {
      out.write(acc >> 4);
    } else if (c == 3) {
      out.write(acc >> 10);
      out.write(acc >> 2);
    }
    return out.toByteArray();
  }

  /** A stream handing out at most a random few bytes per read, as mime4j's 4 KiB buffer does. */
  private static java.io.InputStream chunked(byte[] data, SplittableRandom random) {
    return new ByteArrayInputStream(data) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        return super.read(b, off, Math.min(len, 1 + random.nextInt(5000)));
      }
    };
  }

  @Test
  void regularAndIrregularLinesDecodeExactlyAsTheByteByByteRules() throws Exception {
    SplittableRandom random = new SplittableRandom(2045);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int round = 0; round < 400; round++) {
      byte[] data = new byte[random.nextInt(40_000)];
      for (int i = 0; i < data.length; i++) {
        data[i] = (byte) random.nextInt();
      }
      int width = new int[] {76, 64, 4, 72, 10, 3}[random.nextInt(6)];
      String eol = random.nextInt(4) == 0 ? "\n" : "\r\n";
      StringBuilder text = new StringBuilder(Base64.getMimeEncoder(width, eol.getBytes(StandardCharsets.US_ASCII))
          .encodeToString(data));
      // damage: stray bytes, a lost line break, a short line, padding in the middle, spaces at line ends
      int damage = random.nextInt(4);
      for (int d = 0; d < damage && text.length() > 0; d++) {
        int at = random.nextInt(text.length());
        switch (random.nextInt(5)) {
          case 0 -> text.insert(at, (char) random.nextInt(256));
          case 1 -> text.deleteCharAt(at);
          case 2 -> text.insert(at, eol);
          case 3 -> text.insert(at, random.nextBoolean() ? "=" : alphabet.charAt(random.nextInt(64)));
          default -> text.insert(at, ' ');
        }
      }
      byte[] in = text.toString().getBytes(StandardCharsets.ISO_8859_1);
      try (Base64Decoding d = new Base64Decoding(chunked(in, random))) {
        assertThat(d.readAllBytes()).as("round %d, width %d, damage %d", round, width, damage).isEqualTo(reference(in));
      }
    }
  }

  @Test
  void aLineEndingInPaddingEndsTheDataEvenAmongRegularLines() throws Exception {
    String line = "QUJD".repeat(19) + "\r\n"; // 76 characters: "ABC" x 19
    String padded = "QUJD".repeat(18) + "QUI=\r\n"; // the same width, its last group padded
    for (int before = 0; before < 80; before++) { // the padded line at every place in the first 4 KiB block
      String text = line.repeat(before) + padded + line.repeat(30);
      byte[] in = text.getBytes(StandardCharsets.US_ASCII);
      assertThat(decode(text)).as("after %d lines", before).isEqualTo(reference(in)).hasSize(before * 57 + 18 * 3 + 2);
    }
  }

  @Test
  void isLenientLikeMime4j() throws Exception {
    assertThat(decode("aGVs\r\nbG8=")).asString().isEqualTo("hello");
    assertThat(decode("aGVs bG8*!")).asString().isEqualTo("hello"); // stray bytes skipped, padding missing
    assertThat(decode("aGVsbG8=IGlnbm9yZWQ=")).asString().isEqualTo("hello"); // data after the end ignored
    assertThat(decode("aGVsbG8gdw")).asString().isEqualTo("hello w");
    assertThat(decode("a")).isEmpty();
  }
}
