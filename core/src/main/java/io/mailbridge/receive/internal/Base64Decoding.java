package io.mailbridge.receive.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * Lenient block-wise base64 decoding of a body part (RFC 2045 6.8): characters outside the
 * alphabet (line breaks, stray bytes) are skipped, decoding ends at the first '=' and the rest of
 * the part is drained, an incomplete last group yields what it holds. It replaces mime4j's
 * byte-at-a-time decoder, which dominated the profile of a 200 MiB attachment.
 */
final class Base64Decoding extends InputStream {
  private static final byte SKIP = -1;
  private static final byte PAD = -2;
  private static final byte[] TABLE = new byte[256];

  static {
    java.util.Arrays.fill(TABLE, SKIP);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < alphabet.length(); i++) {
      TABLE[alphabet.charAt(i)] = (byte) i;
    }
    TABLE['='] = PAD;
  }

  private final InputStream in;
  // Blocks start small and double while the part keeps filling them, up to 64 KiB: a 2 KB
  // attachment does not pay for zeroing 112 KB, a 200 MiB one is still read in large blocks.
  private static final int FIRST_BLOCK = 4096;
  private static final int MAX_BLOCK = 1 << 16;
  private byte[] raw = new byte[FIRST_BLOCK];
  private byte[] out = new byte[outputFor(FIRST_BLOCK)];
  private boolean lastFull;
  private int outPos;
  private int outLen;
  private int bits;
  private int count;
  private boolean padded;
  private boolean eof;

  Base64Decoding(InputStream in) {
    this.in = in;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (outPos == outLen) {
      if (eof) {
        return -1;
      }
      fill();
    }
    int n = Math.min(len, outLen - outPos);
    System.arraycopy(out, outPos, b, off, n);
    outPos += n;
    return n;
  }

  private static int outputFor(int block) {
    return block / 4 * 3 + 4;
  }

  private void fill() throws IOException {
    outPos = 0;
    outLen = 0;
    if (lastFull && raw.length < MAX_BLOCK) {
      raw = new byte[raw.length * 2];
      out = new byte[outputFor(raw.length)];
    }
    int n = in.read(raw);
    lastFull = n == raw.length;
    if (n < 0) {
      finishGroup();
      eof = true;
      return;
    }
    if (padded) {
      return; // after the end of the data: drain the part
    }
    int o = 0;
    int acc = bits;
    int c = count;
    for (int i = 0; i < n; i++) {
      int v = TABLE[raw[i] & 0xff];
      if (v >= 0) {
        acc = acc << 6 | v;
        if (++c == 4) {
          out[o++] = (byte) (acc >> 16);
          out[o++] = (byte) (acc >> 8);
          out[o++] = (byte) acc;
          acc = 0;
          c = 0;
        }
      } else if (v == PAD) {
        padded = true;
        break;
      }
    }
    bits = acc;
    count = c;
    outLen = o;
    if (padded) {
      finishGroup();
    }
  }

  /** The last, incomplete group: 2 characters carry 1 byte, 3 carry 2 (a lone one carries none). */
  private void finishGroup() {
    if (count == 2) {
      out[outLen++] = (byte) (bits >> 4);
    } else if (count == 3) {
      out[outLen++] = (byte) (bits >> 10);
      out[outLen++] = (byte) (bits >> 2);
    }
    bits = 0;
    count = 0;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
