package io.mailbridge.testkit;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Samples the real stack's logged-in IMAP sessions ({@link MailStack#imapSessions()}, Dovecot's own
 * count) in the background while a test runs: the highest total and per-user counts seen.
 *
 * <pre>{@code
 * try (ImapSessionSampler who = ImapSessionSampler.start(stack)) {
 *   ... run listeners ...
 *   who.stop();
 *   assertThat(who.maxTotal()).isLessThanOrEqualTo(4);
 * }
 * }</pre>
 */
public final class ImapSessionSampler implements AutoCloseable {
  private final MailStack stack;
  private final Thread thread;
  private final Map<String, Integer> maxPerUser = new ConcurrentHashMap<>();
  private volatile boolean running = true;
  private volatile int samples;
  private volatile int maxTotal;

  private ImapSessionSampler(MailStack stack) {
    this.stack = stack;
    this.thread = new Thread(this::loop, "imap-session-sampler");
    thread.setDaemon(true);
  }

  /** Starts sampling about every 50 ms. */
  public static ImapSessionSampler start(MailStack stack) {
    ImapSessionSampler s = new ImapSessionSampler(stack);
    s.thread.start();
    return s;
  }

  private void loop() {
    while (running) {
      int total = 0;
      for (Map.Entry<String, Integer> e : stack.imapSessions().entrySet()) {
        total += e.getValue();
        maxPerUser.merge(e.getKey(), e.getValue(), Math::max);
      }
      maxTotal = Math.max(maxTotal, total);
      samples++;
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling and waits for the last sample. */
  public void stop() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }

  public int samples() {
    return samples;
  }

  /** The most sessions seen at once over all users. */
  public int maxTotal() {
    return maxTotal;
  }

  /** Per user, the most sessions seen at once. */
  public Map<String, Integer> maxPerUser() {
    return Map.copyOf(maxPerUser);
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
