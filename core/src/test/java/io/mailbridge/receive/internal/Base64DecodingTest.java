package io.mailbridge.receive.internal;

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

  @Test
  void isLenientLikeMime4j() throws Exception {
    assertThat(decode("aGVs\r\nbG8=")).asString().isEqualTo("hello");
    assertThat(decode("aGVs bG8*!")).asString().isEqualTo("hello"); // stray bytes skipped, padding missing
    assertThat(decode("aGVsbG8=IGlnbm9yZWQ=")).asString().isEqualTo("hello"); // data after the end ignored
    assertThat(decode("aGVsbG8gdw")).asString().isEqualTo("hello w");
    assertThat(decode("a")).isEmpty();
  }
}
