package io.mailbridge.send.internal;

import java.io.OutputStream;

/** Discards bytes and counts them: measures a composed message without holding it in memory. */
final class CountingOutputStream extends OutputStream {
  private long count;

  @Override
  public void write(int b) {
    count++;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    count += len;
  }

  long count() {
    return count;
  }
}
