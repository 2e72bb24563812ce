package io.mailbridge.send.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ServerText;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server's SIZE (RFC 1870) against the messages of one connection. */
final class ServerSize {
  private static final Logger LOG = LoggerFactory.getLogger(ServerSize.class);

  /** Why the size of the messages on this connection was not checked (an invalid SIZE), or null. */
  private String warning;

  String warning() {
    return warning;
  }

  /** RFC 1870: refuse before DATA what the server announced it will not take. */
  Optional<String> check(SMTPTransport transport, Composer.Composed c, int index, Endpoint endpoint) {
    String param = transport.getExtensionParameter("SIZE");
    long limit = 0;
    warning = null;
    if (param != null && !param.isBlank()) {
      String digits = param.strip();
      if (digits.length() > 20 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        // RFC 1870 4: SIZE takes up to 20 digits of octets; anything else tells nothing usable. The
        // message is sent (the server still refuses what it will not take, after the data).
        warning = "the server announced an invalid SIZE '" + ServerText.shown(param, 60) + "' (RFC 1870: a "
            + "number of octets): the message size was not checked before sending";
        LOG.info("smtp server {} {}", endpoint.address(), warning);
        return Optional.empty();
      }
      // Up to 20 digits is valid; beyond what a long holds it is a limit no message reaches.
      limit = digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }
    if (limit <= 0 || (c.sizeUpperBound().isPresent() && c.sizeUpperBound().getAsLong() <= limit)) {
      return Optional.empty();
    }
    long size = measure(c.message());
    if (size <= limit) {
      return Optional.empty();
    }
    return Optional.of("message " + (index + 1) + " (" + c.properties().messageId() + ") is " + size
        + " bytes, over the server's SIZE limit of " + limit + " bytes: nothing was sent; make the attachments "
        + "smaller or share them by link");
  }

  /**
   * Whether the message is known to be within the server's SIZE by its size bound alone, so it may
   * go out without the check {@link #check} makes before its own MAIL FROM.
   */
  static boolean withinByBound(SMTPTransport transport, Composer.Composed c) {
    if (c.sizeUpperBound().isEmpty()) {
      return false;
    }
    String param = transport.getExtensionParameter("SIZE");
    if (param == null || param.isBlank()) {
      return true;
    }
    String digits = param.strip();
    if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
      return false;
    }
    long limit = Long.parseLong(digits);
    return limit == 0 || c.sizeUpperBound().getAsLong() <= limit;
  }

  /** The exact size of the message as written, measured by streaming it into a counter. */
  static long measure(OutgoingMessage m) {
    CountingOutputStream counter = new CountingOutputStream();
    try {
      m.writeTo(counter);
    } catch (IOException | MessagingException e) {
      throw new BadInputException("cannot read the message content to measure it: " + e.getMessage(), e);
    }
    return counter.count();
  }
}
