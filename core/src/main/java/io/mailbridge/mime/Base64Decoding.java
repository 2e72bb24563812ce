package io.mailbridge.mime;

import io.mailbridge.base.BlockInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Lenient block-wise base64 decoding of a body part (RFC 2045 6.8): characters outside the
 * alphabet (line breaks, stray bytes) are skipped, decoding ends at the first '=' and the rest of
 * the part is drained, an incomplete last group yields what it holds. It replaces mime4j's
 * byte-at-a-time decoder, which dominated the profile of a 200 MiB attachment.
 */
final class Base64Decoding extends BlockInputStream {
  private static final byte SKIP = -1;
  private static final byte PAD = -2;
  private static final byte[] TABLE = new byte[256];
  private static final java.util.Base64.Decoder STRICT = java.util.Base64.getDecoder();

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
  /** Where the JDK's decoder writes a run of lines before it is appended to {@link #out}. */
  private byte[] scratch = new byte[0];
  /**
   * The runs of lines without their line breaks, by length: the JDK's decoder reads a whole array,
   * and the full blocks of a large part have one or two run lengths (a new array per block was
   * 280 MB of garbage for a 200 MiB attachment).
   */
  private byte[] packedA = new byte[0];
  private byte[] packedB = new byte[0];
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
    // Fill the block: the body stream hands out at most its own buffer (4 KiB in mime4j) per read,
    // and each block pays for the partial lines at its edges.
    int n = in.read(raw);
    while (n > 0 && n < raw.length) {
      int more = in.read(raw, n, raw.length - n);
      if (more <= 0) {
        break;
      }
      n += more;
    }
    lastFull = n == raw.length;
    if (n < 0) {
      finishGroup();
      eof = true;
      return;
    }
    if (padded) {
      return; // after the end of the data: drain the part
    }
    outLen = decode(n);
    if (padded) {
      finishGroup();
    }
  }

  /**
   * Decodes {@code raw[0, n)} into {@code out}: the partial line at the start with the lenient
   * loop, then the run of regular lines (the same number of alphabet characters, a multiple of 4,
   * each ended by CRLF or LF: what every mail program writes) with the JDK's decoder, which uses
   * the processor's vector instructions (~0.01 ns a byte here against ~0.6 for the loop), then the
   * rest with the loop again. Anything irregular in the run (a stray byte, padding) sends it to
   * the loop, so the result is the loop's in every case.
   */
  private int decode(int n) {
    int nl = indexOf('\n', 0, n);
    if (nl < 0) {
      return lenient(0, n, 0);
    }
    int o = lenient(0, nl + 1, 0);
    int start = nl + 1;
    int first = count == 0 && !padded ? indexOf('\n', start, n) : -1;
    if (first < 0) {
      return lenient(start, n, o);
    }
    int term = first > start && raw[first - 1] == '\r' ? 2 : 1;
    int width = first + 1 - term - start;
    int end = width > 0 && width % 4 == 0 ? regularLines(start, n, width, term) : start;
    if (end > start) {
      int lines = (end - start) / (width + term);
      byte[] packed = packed(lines * width);
      for (int i = 0; i < lines; i++) {
        System.arraycopy(raw, start + i * (width + term), packed, i * width, width);
      }
      try {
        if (scratch.length < packed.length / 4 * 3) {
          scratch = new byte[packed.length / 4 * 3];
        }
        int d = STRICT.decode(packed, scratch);
        System.arraycopy(scratch, 0, out, o, d);
        o += d;
      } catch (IllegalArgumentException irregular) {
        o = lenient(start, end, o);
      }
    }
    return lenient(end, n, o);
  }

  private byte[] packed(int length) {
    if (packedA.length == length) {
      return packedA;
    }
    if (packedB.length != length) {
      packedB = packedA;
      packedA = new byte[length];
      return packedA;
    }
    byte[] b = packedB;
    packedB = packedA;
    packedA = b;
    return b;
  }

  /**
   * The end of the run of lines from {@code start} shaped like the first one: {@code width}
   * characters (a positive multiple of 4), not ending in '=', then the same line break ({@code
   * term} bytes: CRLF or LF).
   */
  private int regularLines(int start, int n, int width, int term) {
    int q = start;
    while (q + width + term <= n && raw[q + width + term - 1] == '\n' && (term == 1 || raw[q + width] == '\r')
        && raw[q + width - 1] != '=') {
      q += width + term;
    }
    return q;
  }

  private int indexOf(char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (raw[i] == c) {
        return i;
      }
    }
    return -1;
  }

  /** The lenient loop over {@code raw[from, to)}, writing from {@code out[o]}; returns the new end. */
  private int lenient(int from, int to, int o) {
    if (padded) {
      return o;
    }
    int acc = bits;
    int c = count;
    for (int i = from; i < to; i++) {
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
    return o;
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
