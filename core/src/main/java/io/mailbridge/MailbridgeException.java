package io.mailbridge;

/**
 * Root of every error Mailbridge raises. Unchecked; Jakarta Mail's checked exceptions never leave
 * the library. The message says what failed, where, and what to do; {@link #isRetriable()} tells a
 * caller (or Kafka Connect) whether trying again later can succeed.
 */
public abstract sealed class MailbridgeException extends RuntimeException
    permits ConfigException, AuthException, ConnectionException, ProtocolException,
        BadInputException, RejectedMessageException {

  private static final long serialVersionUID = 1L;

  protected MailbridgeException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether the same call may succeed when retried later without any change by the user. */
  public abstract boolean isRetriable();
}
