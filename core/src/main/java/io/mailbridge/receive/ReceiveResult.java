package io.mailbridge.receive;

import java.util.List;

/**
 * What a receive did.
 *
 * @param folder the folder read
 * @param uidValidity its UIDVALIDITY (UIDs are only meaningful together with it)
 * @param selected messages selected by the filter (after {@code maxMessages})
 * @param accepted documents the handler accepted
 * @param skipped messages that could not be read at all, with the reason; the rest went on
 * @param postActions messages the post-action was applied to
 * @param protocolTrace the redacted IMAP trace when {@link ReceiveSettings#traceProtocol()} was on
 */
public record ReceiveResult(String folder, long uidValidity, int selected, int accepted, List<Skipped> skipped,
    int postActions, List<String> protocolTrace) {
  public ReceiveResult {
    skipped = List.copyOf(skipped);
    protocolTrace = List.copyOf(protocolTrace);
  }

  /** A message that was not delivered. */
  public record Skipped(long uid, String reason) {}
}
