package io.mailbridge.move;

import io.mailbridge.document.TrackedProperties;
import java.util.List;
import java.util.Optional;

/**
 * The result of {@link Move}, {@link Flags} or {@link Delete}: one {@link MessageOutcome} per
 * selected message (in UID order), plus warnings a person should read.
 *
 * @param folder the source folder
 * @param target the target folder (empty for flag changes and expunge)
 * @param method how it was done: {@code MOVE} (RFC 6851), {@code UIDPLUS} (UID COPY + UID STORE +
 *     UID EXPUNGE), {@code COPY} (no UIDPLUS), {@code STORE}, or {@code NONE} when nothing was sent
 * @param uidValidity the source folder's UIDVALIDITY
 * @param targetUidValidity the target's UIDVALIDITY from COPYUID, when reported
 * @param outcomes per message
 * @param warnings e.g. that messages were flagged \Deleted but not expunged
 */
public record MoveResult(String folder, Optional<String> target, String method, long uidValidity,
    Optional<Long> targetUidValidity, List<MessageOutcome> outcomes, List<String> warnings) {

  public MoveResult {
    outcomes = List.copyOf(outcomes);
    warnings = List.copyOf(warnings);
  }

  /**
   * The tracked properties of one message's outcome: {@code fromFolder} the folder it was taken
   * from, {@code folder} where it is now (the target of a move or copy, else the same folder), {@code uid} and {@code uidValidity} in the source, {@code messageId} when it was
   * selected by it. The command line's move, flag and delete lines carry the same keys.
   */
  public TrackedProperties properties(MessageOutcome o) {
    TrackedProperties.Builder p = TrackedProperties.builder().fromFolder(folder).folder(target.orElse(folder))
        .uidValidity(uidValidity);
    o.uid().ifPresent(p::uid);
    o.messageId().ifPresent(p::messageId);
    return p.build();
  }

  /** Outcomes with this status. */
  public List<MessageOutcome> with(MessageOutcome.Status status) {
    return outcomes.stream().filter(o -> o.status() == status).toList();
  }

  /** True when every selected message got what was asked (none missing or failed). */
  public boolean complete() {
    return outcomes.stream().allMatch(o -> o.status().succeeded());
  }

  /** Number of messages for which the operation succeeded. */
  public long succeeded() {
    return outcomes.stream().filter(o -> o.status().succeeded()).count();
  }
}
