package io.mailbridge;

/** Input given by the caller cannot be used: CR/LF in a header, a missing file, a bad address. */
public final class BadInputException extends MailbridgeException {
  private static final long serialVersionUID = 1L;

  public BadInputException(String message) {
    super(message, null);
  }

  public BadInputException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
