package io.mailbridge.bench.watch;

/** A workload's latency goal, from the raw IDLE client's figures of the same run. */
record Goal(String text, Kind kind, long pollMs) {
  enum Kind { IDLE, FLEET, POLL }

  /** One folder: p99 within the raw client's p99 + 100 ms, and no message later than twice that. */
  static final Goal IDLE = new Goal("p99 ≤ raw p99 + 100 ms, max ≤ 2 × (raw p99 + 100 ms)", Kind.IDLE, 0);
  /** Many mailboxes under a connection budget: p99 within the raw client's p99 + 250 ms. */
  static final Goal FLEET = new Goal("p99 ≤ raw p99 + 250 ms", Kind.FLEET, 0);

  /** Polling: every message within the poll interval + 100 ms. */
  static Goal poll(long intervalMs) {
    return new Goal("max ≤ poll " + intervalMs + " ms + 100 ms", Kind.POLL, intervalMs);
  }

  long slackMs() {
    return pollMs * 2;
  }

  /** Whether the watcher's figures meet the goal; all in ms. */
  boolean met(double rawP99, double p99, double max) {
    return switch (kind) {
      case IDLE -> p99 <= rawP99 + 100 && max <= 2 * (rawP99 + 100);
      case FLEET -> p99 <= rawP99 + 250;
      case POLL -> max <= pollMs + 100;
    };
  }
}
