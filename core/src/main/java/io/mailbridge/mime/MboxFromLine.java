package io.mailbridge.mime;

import io.mailbridge.base.BlockInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Mail imported from an mbox archive may still start with the archive's envelope line ({@code From
 * sender@example.com Tue May 10 11:28:07 2005}, RFC 4155): not a header field. The reference parsers
 * skip it, and so does this stream: it hands on the message from the line after it, or the bytes
 * unchanged when the message does not start with "From ".
 */
final class MboxFromLine extends BlockInputStream {
  private static final byte[] FROM = {'F', 'r', 'o', 'm', ' '};

  private final InputStream in;
  /** The first bytes read to look for the line, handed on when they are not one. */
  private byte[] head;
  private int headPos;
  private boolean skipped;

  private MboxFromLine(InputStream in) {
    this.in = in;
  }

  /** {@code in} without a leading mbox "From " line; {@link #skipped()} tells whether there was one. */
  static MboxFromLine of(InputStream in) throws IOException {
    MboxFromLine s = new MboxFromLine(in);
    s.start();
    return s;
  }

  boolean skipped() {
    return skipped;
  }

  private void start() throws IOException {
    byte[] h = in.readNBytes(FROM.length);
    if (h.length == FROM.length && java.util.Arrays.equals(h, FROM)) {
      skipped = true;
      int c;
      while ((c = in.read()) != -1 && c != '\n') {
        // the rest of the envelope line
      }
      h = new byte[0];
    }
    head = h;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (headPos < head.length) {
      int n = Math.min(len, head.length - headPos);
      System.arraycopy(head, headPos, b, off, n);
      headPos += n;
      return n;
    }
    return in.read(b, off, len);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
