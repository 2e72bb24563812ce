package io.mailbridge.listen.internal;

import io.mailbridge.connection.ImapClient;
import io.mailbridge.listen.FolderState;

/**
 * What a watcher has looked at in one folder, to tell from a STATUS alone that a check would find
 * nothing: the UIDNEXT of the STATUS taken before the last completed check (every UID below it was
 * searched), within one UIDVALIDITY. Not thread-safe: one per folder of one watcher.
 */
final class SeenUids {
  private long uidNext;
  private long uidValidity;

  /**
   * Whether STATUS shows that the folder holds no UID above what this watcher has already looked at
   * (same UIDVALIDITY; UIDNEXT not beyond the watermark or the last check), and nothing of a
   * previous run is left to finish (pending post-actions, counted attempts): then a check needs no
   * SELECT, search or fetch. UIDs only grow within one UIDVALIDITY (RFC 3501 2.3.1.1), so a message
   * that arrives later gets a UID at or above this UIDNEXT and is found by a later check.
   */
  boolean nothingNew(FolderState state, ImapClient.FolderCounts counts) {
    return state != null && state.pending().isEmpty() && state.attempts().isEmpty()
        && counts.uidValidity() == state.uidValidity()
        && counts.uidNext() <= Math.max(uidValidity == state.uidValidity() ? uidNext : 0, state.lastUid() + 1);
  }

  /**
   * A check that searched after {@code counts} was taken has completed: every UID below its UIDNEXT
   * has been looked at (when the folder's UIDVALIDITY is still the one the state knows).
   */
  void checked(FolderState state, ImapClient.FolderCounts counts) {
    if (state == null || counts.uidValidity() != state.uidValidity()) {
      return;
    }
    uidNext = counts.uidValidity() == uidValidity ? Math.max(uidNext, counts.uidNext()) : counts.uidNext();
    uidValidity = counts.uidValidity();
  }
}
