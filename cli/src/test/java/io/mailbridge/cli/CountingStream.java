package io.mailbridge.cli;

import java.io.ByteArrayOutputStream;

/** Counts how often the bytes were pushed on to the destination (a write call each on stdout). */
final class CountingStream extends ByteArrayOutputStream {
  int flushes;

  @Override
  public void flush() {
    flushes++;
  }
}
