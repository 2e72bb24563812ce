package io.mailbridge.receive;

import io.mailbridge.ConfigException;
import io.mailbridge.folder.FolderNames;
import java.util.Objects;

/**
 * Where a poison message goes: one that cannot be parsed, or whose document the handler refused
 * {@code maxAttempts} times. It is moved to a quarantine folder (created when missing) or marked
 * with an IMAP keyword and left in place, and a {@link DeadLetter} with its raw .eml and the reason
 * goes to {@link DocumentHandler#deadLetter}; the rest of the batch goes on.
 *
 * <pre>{@code
 * Quarantine.toFolder("Quarantine")               // UID MOVE there, after 3 refusals
 * Quarantine.withKeyword("$Poison").maxAttempts(5) // keep it in place, STORE +FLAGS ($Poison)
 * }</pre>
 *
 * <p>A message that cannot be parsed is quarantined at once: parsing it again gives the same result.
 *
 * @param mode move to a folder, or set a keyword
 * @param name the folder (Unicode name) or the keyword (an IMAP atom, e.g. {@code $Quarantined})
 * @param maxAttempts handler refusals before the message is quarantined (default 3, at least 1)
 */
public record Quarantine(Mode mode, String name, int maxAttempts) {
  /** Default number of handler refusals before quarantine. */
  public static final int DEFAULT_MAX_ATTEMPTS = 3;

  /** What quarantining does on the server. */
  public enum Mode {
    /** Move to the quarantine folder (RFC 6851 UID MOVE, else COPY + \Deleted + UID EXPUNGE). */
    FOLDER,
    /** Set a keyword (RFC 3501 flag-keyword) and leave the message where it is. */
    KEYWORD
  }

  public Quarantine {
    Objects.requireNonNull(mode, "quarantine.mode");
    if (mode == Mode.FOLDER) {
      FolderNames.check("quarantine.folder", name);
    } else {
      checkKeyword(name);
    }
    if (maxAttempts < 1 || maxAttempts > 1000) {
      throw new ConfigException("quarantine.maxAttempts " + maxAttempts + " is out of range 1-1000");
    }
  }

  /** Moves poison messages to {@code folder}, created when missing; after 3 refusals. */
  public static Quarantine toFolder(String folder) {
    return new Quarantine(Mode.FOLDER, folder, DEFAULT_MAX_ATTEMPTS);
  }

  /** Marks poison messages with {@code keyword} and leaves them in place; after 3 refusals. */
  public static Quarantine withKeyword(String keyword) {
    return new Quarantine(Mode.KEYWORD, keyword, DEFAULT_MAX_ATTEMPTS);
  }

  /** This quarantine after {@code n} handler refusals. */
  public Quarantine maxAttempts(int n) {
    return new Quarantine(mode, name, n);
  }

  /** For logs and dead letters: {@code folder:NAME} or {@code keyword:NAME}. */
  public String describe() {
    return (mode == Mode.FOLDER ? "folder:" : "keyword:") + name;
  }

  private static void checkKeyword(String k) {
    if (k == null || k.isEmpty()) {
      throw new ConfigException("quarantine.keyword is empty: give a keyword such as $Quarantined");
    }
    for (int i = 0; i < k.length(); i++) {
      char c = k.charAt(i);
      // RFC 3501 9: flag-keyword = atom; atom-specials are ( ) { SP CTL % * " \ ]
      if (c <= 0x20 || c >= 0x7f || "(){%*\"\\]".indexOf(c) >= 0) {
        throw new ConfigException("quarantine.keyword '" + k + "' is not an IMAP keyword: use ASCII letters, digits "
            + "and $-_. only, e.g. $Quarantined");
      }
    }
  }
}
