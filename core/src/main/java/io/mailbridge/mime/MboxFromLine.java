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
      // "From : a@b" is a From field in the obsolete form (RFC 5322 4.5.3: white space before the
      // colon), not an envelope line: look past the spaces first.
      java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
      seen.writeBytes(h);
      int c;
      while ((c = in.read()) == ' ' || c == '\t') {
        seen.write(c);
      }
      if (c == ':' || c == -1) {
        if (c != -1) {
          seen.write(c);
        }
        head = seen.toByteArray();
        return;
      }
      skipped = true;
      while (c != -1 && c != '\n') {
        c = in.read(); // the rest of the envelope line
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
