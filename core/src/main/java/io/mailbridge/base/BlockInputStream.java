package io.mailbridge.base;

import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that works in blocks: {@link #read(byte[], int, int)} is the one to implement,
 * a single byte is read through it (mime4j and the JDK read blocks; this is the rare path).
 */
public abstract class BlockInputStream extends InputStream {
  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public abstract int read(byte[] b, int off, int len) throws IOException;
}
