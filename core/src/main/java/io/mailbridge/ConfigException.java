package io.mailbridge;

/** Settings that cannot work: a missing field, an out-of-range value, contradicting options. */
public final class ConfigException extends MailbridgeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public boolean isRetriable() {
    return false;
  }
}
