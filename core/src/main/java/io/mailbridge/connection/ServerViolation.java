package io.mailbridge.connection;

import java.io.IOException;

/**
 * The server sent something beyond a {@link io.mailbridge.connection.ServerLimits} bound or the
 * protocol's grammar. An {@link IOException} because it is raised while reading the connection
 * (Angus then closes it); {@link Errors#translate} turns it into a {@link io.mailbridge.ProtocolException}.
 */
public final class ServerViolation extends IOException {
  private static final long serialVersionUID = 1L;
  /** How Angus's synthetic "BYE" text names this class when it keeps only the text. */
  public static final String MARKER = ServerViolation.class.getName() + ": ";

  /** @param message what the server sent, e.g. "sent a literal of 300000000 bytes, above ..." */
  public ServerViolation(String message) {
    super(message);
  }
}
