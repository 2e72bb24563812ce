package io.mailbridge.listen;

import io.mailbridge.ConfigException;

/**
 * The most messages a {@link Listener} fetches and hands over per second for one mailbox (all its
 * folders and connections together), as a token bucket: up to {@code burst} messages at once, then
 * {@code messagesPerSecond} on average. Keeps a busy mailbox under a provider's bandwidth or
 * command limits before the server has to throttle.
 *
 * <pre>{@code
 * Listener.of(connection).settings(s).rateLimit(RateLimit.messagesPerSecond(20))...
 * }</pre>
 *
 * @param messagesPerSecond average rate, above 0 and at most 1,000,000
 * @param burst messages fetched at once at most (1-10000); also the largest FETCH the limit allows
 */
public record RateLimit(double messagesPerSecond, int burst) {
  public RateLimit {
    if (!(messagesPerSecond > 0 && messagesPerSecond <= 1_000_000)) {
      throw new ConfigException("listener.rateLimit " + messagesPerSecond + " messages/s is out of range: give a "
          + "number above 0 and at most 1000000");
    }
    if (burst < 1 || burst > 10_000) {
      throw new ConfigException("listener.rateLimit.burst " + burst + " is out of range 1-10000");
    }
  }

  /** {@code rate} messages per second with a burst of one second's worth (at least 1). */
  public static RateLimit messagesPerSecond(double rate) {
    return new RateLimit(rate, (int) Math.max(1, Math.min(10_000, Math.ceil(rate > 0 ? rate : 1))));
  }
}
