package io.mailbridge.connection;

import io.mailbridge.ConnectionException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a server asking the client to slow down, from the text of its response, and the wait
 * it suggests. Wordings seen in the field: {@code NO [THROTTLED] ...} (Gmail, Exchange),
 * {@code NO Request is throttled. Suggested Backoff Time: 5000 milliseconds} (Exchange Online),
 * {@code NO [UNAVAILABLE] ...} (RFC 5530 3: temporary failure, try later),
 * {@code BYE ... exceeded command or bandwidth limits} (Gmail), Dovecot's
 * {@code Maximum number of connections ... exceeded}, Postfix's {@code 421 4.7.0 ... too many
 * connections} and {@code 450 4.7.1 ... too much mail}.
 */
public final class Throttle {
  private static final Pattern SUGGESTED = Pattern.compile("suggested backoff time:?\\s*(\\d{1,9})\\s*(ms|milli)");
  private static final String[] WORDS = {"[throttled]", "[unavailable]", "throttl", "rate limit", "rate-limit",
      "ratelimit", "too many requests", "too many connections", "too many simultaneous", "too much mail",
      "maximum number of connections", "bandwidth limit"};

  private Throttle() {}

  /** The response text says the server throttles the client. */
  public static boolean matches(String text) {
    if (text == null) {
      return false;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    for (String w : WORDS) {
      if (lower.contains(w)) {
        return true;
      }
    }
    return false;
  }

  /** The wait the server suggested in its text (Exchange: "Suggested Backoff Time: N milliseconds"). */
  public static Optional<Duration> suggested(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = SUGGESTED.matcher(text.toLowerCase(Locale.ROOT));
    return m.find() ? Optional.of(Duration.ofMillis(Long.parseLong(m.group(1)))) : Optional.empty();
  }

  /** A throttling error ({@link ConnectionException.Reason#THROTTLED}). */
  public static boolean is(Throwable e) {
    return e instanceof ConnectionException c && c.reason() == ConnectionException.Reason.THROTTLED;
  }

  /**
   * The wait before retrying after {@code e}: {@code backoff}, or longer when the server throttled
   * and suggested more.
   */
  public static Duration delay(Throwable e, Duration backoff) {
    if (!is(e)) {
      return backoff;
    }
    Duration server = suggested(e.getMessage()).orElse(Duration.ZERO);
    return server.compareTo(backoff) > 0 ? server : backoff;
  }
}
