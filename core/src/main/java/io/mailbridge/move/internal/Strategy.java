package io.mailbridge.move.internal;

import java.util.Map;

/** How messages leave the source folder, chosen from the server's capabilities. */
public enum Strategy {
  /** {@code UID MOVE} (RFC 6851): one command per batch, atomic per batch. */
  MOVE,
  /** {@code UID COPY} + {@code UID STORE +FLAGS.SILENT (\Deleted)} + {@code UID EXPUNGE} (RFC 4315). */
  UIDPLUS,
  /** {@code UID COPY} + {@code UID STORE}; a plain EXPUNGE only when the user opts in. */
  COPY;

  /** The best strategy the server supports. */
  public static Strategy choose(Map<String, String> capabilities) {
    if (capabilities.containsKey("MOVE")) {
      return MOVE;
    }
    if (capabilities.containsKey("UIDPLUS")) {
      return UIDPLUS;
    }
    return COPY;
  }

  /** Whether the server can run this strategy. */
  public boolean supportedBy(Map<String, String> capabilities) {
    return switch (this) {
      case MOVE -> capabilities.containsKey("MOVE");
      case UIDPLUS -> capabilities.containsKey("UIDPLUS");
      case COPY -> true;
    };
  }
}
