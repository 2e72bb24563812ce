package io.mailbridge.move.internal;

import io.mailbridge.imap.SelectedFolder;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.MoveResult;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Hands a move's or copy's outcomes to a listener as the server confirms them: a batch's as soon as
 * its command answered, when nothing later can change them, and whatever is left (messages not
 * acted on, outcomes settled only at the end) once the operation is done. Each outcome is handed
 * exactly once; the partial results carry no warnings (the whole result has them all).
 */
final class ConfirmedFeed {
  private final Consumer<MoveResult> listener;
  private final boolean perBatch;
  private final Set<Long> handed = new HashSet<>();

  /** {@code perBatch}: whether a batch's outcomes are final when its command answered. */
  ConfirmedFeed(Consumer<MoveResult> listener, boolean perBatch) {
    this.listener = listener;
    this.perBatch = perBatch;
  }

  /** The outcomes of {@code batch}, now in {@code byUid}, to the listener when they are final. */
  void batch(SelectedFolder src, Optional<String> target, String method, Optional<Long> targetValidity,
      List<Long> batch, Map<Long, MessageOutcome> byUid) {
    if (!perBatch || batch.isEmpty()) {
      return;
    }
    List<MessageOutcome> out = new ArrayList<>(batch.size());
    for (long uid : batch) {
      out.add(byUid.get(uid));
      handed.add(uid);
    }
    listener.accept(new MoveResult(src.name(), target, method, src.uidValidity(), targetValidity, out, List.of()));
  }

  /** The outcomes of {@code whole} not handed yet. */
  void rest(MoveResult whole) {
    List<MessageOutcome> out = new ArrayList<>();
    for (MessageOutcome o : whole.outcomes()) {
      if (o.uid().isEmpty() || !handed.contains(o.uid().get())) {
        out.add(o);
      }
    }
    if (!out.isEmpty()) {
      listener.accept(new MoveResult(whole.folder(), whole.target(), whole.method(), whole.uidValidity(),
          whole.targetUidValidity(), out, List.of()));
    }
  }
}
