package io.mailbridge;

/** The server answered a command with an error or something the protocol does not allow. */
public final class ProtocolException extends MailbridgeException {
  private static final long serialVersionUID = 1L;
  private final boolean retriable;

  public ProtocolException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }
}
