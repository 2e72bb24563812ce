package io.mailbridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * Reads a small local file the user named (a settings file, a text body) with a bound, so that
 * {@code /dev/zero}, a FIFO or a huge file by mistake ends with a clear error instead of
 * exhausting memory.
 */
final class LocalFiles {
  /** Largest {@code mailbridge.yaml} or {@code --mailboxes} file. */
  static final int MAX_CONFIG_BYTES = 1 << 20;

  private LocalFiles() {}

  /**
   * The file's bytes; {@code tooBig} makes the error when it holds more than {@code maxBytes}.
   *
   * @throws IOException when it cannot be read
   */
  static byte[] read(Path file, int maxBytes, Function<String, RuntimeException> tooBig) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] b = in.readNBytes(maxBytes + 1);
      if (b.length > maxBytes) {
        throw tooBig.apply(file + " is larger than " + maxBytes + " bytes");
      }
      return b;
    }
  }
}
