package io.mailbridge;

/** The server refused a message or some of its recipients (SMTP 4xx/5xx). */
public final class RejectedMessageException extends MailbridgeException {
  private static final long serialVersionUID = 1L;
  private final boolean retriable;

  public RejectedMessageException(String message, boolean retriable, Throwable cause) {
    super(message, cause);
    this.retriable = retriable;
  }

  @Override
  public boolean isRetriable() {
    return retriable;
  }
}
