package io.mailbridge.connection;

import io.mailbridge.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A password, client secret or token. {@link #toString()} is always {@code ***}, so a secret never
 * reaches a log line, an exception message or a debugger's summary by accident; only
 * {@link #reveal()} gives the value, at the point where the protocol needs it.
 */
public final class Secret {
  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps a value; blank values are rejected because no server accepts them. */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "secret");
    if (value.isBlank()) {
      throw new ConfigException("secret is empty: give the password or token");
    }
    return new Secret(value);
  }

  /** How much of a secret file is read: the first line must end within it. */
  private static final int MAX_FILE_BYTES = 64 * 1024;

  /**
   * Reads a secret from a file (first line, trailing newline removed), the way container secrets
   * and {@code --password-file} deliver it.
   */
  public static Secret fromFile(Path file) {
    try (java.io.InputStream in = Files.newInputStream(file)) {
      // Only the first line counts: read no more than a secret can be (not all of /dev/zero).
      byte[] head = in.readNBytes(MAX_FILE_BYTES + 1);
      String text = new String(head, StandardCharsets.UTF_8);
      if (head.length > MAX_FILE_BYTES && text.indexOf('\n') < 0) {
        throw new ConfigException("secret file " + file + " has no line break in its first " + MAX_FILE_BYTES
            + " bytes: write the password on the first line of a small file");
      }
      int end = text.indexOf('\n');
      String first = (end < 0 ? text : text.substring(0, end)).replace("\r", "");
      if (first.isBlank()) {
        throw new ConfigException("secret file " + file + " is empty: write the password on its first line");
      }
      return new Secret(first);
    } catch (IOException e) {
      throw new ConfigException("secret file " + file + " cannot be read (" + e.getClass().getSimpleName()
          + "): check the path and its permissions", e);
    }
  }

  /** The value, for the protocol exchange only. */
  public String reveal() {
    return value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Secret other && other.value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  @Override
  public String toString() {
    return "***";
  }
}
