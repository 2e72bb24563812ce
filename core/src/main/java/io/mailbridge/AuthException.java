package io.mailbridge;

/** The server refused the credentials (wrong password, expired or revoked token). */
public final class AuthException extends MailbridgeException {
  private static final long serialVersionUID = 1L;

  public AuthException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
