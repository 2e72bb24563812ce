package io.mailbridge.receive;

import io.mailbridge.document.PruneResult;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param oversized messages not downloaded because of {@link SizePolicy#SKIP}, left on the server
 *     untouched, with the size and the limit in the reason
 * @param quarantined messages put in quarantine (each also given to {@link DocumentHandler#deadLetter})
 * @param cachePruned what the {@link ReceiveSettings#cacheRetention()} removed from the Document Cache
 *     after the run; empty without a retention, or when pruning failed (logged; the mail was received)
 */
public record ReceiveResult(String folder, long uidValidity, int selected, int accepted, List<Skipped> skipped,
    int postActions, List<String> protocolTrace, List<Skipped> oversized, List<Skipped> quarantined,
    Optional<PruneResult> cachePruned) {
  public ReceiveResult {
    skipped = List.copyOf(skipped);
    protocolTrace = List.copyOf(protocolTrace);
    oversized = List.copyOf(oversized);
    quarantined = List.copyOf(quarantined);
    Objects.requireNonNull(cachePruned, "cachePruned");
  }

  /** A result without cache pruning. */
  public ReceiveResult(String folder, long uidValidity, int selected, int accepted, List<Skipped> skipped,
      int postActions, List<String> protocolTrace, List<Skipped> oversized, List<Skipped> quarantined) {
    this(folder, uidValidity, selected, accepted, skipped, postActions, protocolTrace, oversized, quarantined,
        Optional.empty());
  }

  /** This result with what pruning the cache removed. */
  public ReceiveResult withCachePruned(PruneResult pruned) {
    return new ReceiveResult(folder, uidValidity, selected, accepted, skipped, postActions, protocolTrace, oversized,
        quarantined, Optional.of(pruned));
  }

  /** A result without size-limit skips or quarantined messages. */
  public ReceiveResult(String folder, long uidValidity, int selected, int accepted, List<Skipped> skipped,
      int postActions, List<String> protocolTrace) {
    this(folder, uidValidity, selected, accepted, skipped, postActions, protocolTrace, List.of(), List.of());
  }

  /** A message that was not delivered. */
  public record Skipped(long uid, String reason) {}
}
