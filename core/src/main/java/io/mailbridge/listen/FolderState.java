package io.mailbridge.listen;

import io.mailbridge.ConfigException;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The persisted watermark of one watched folder: messages with a UID above {@code lastUid} (under
 * this {@code uidValidity}) are new. {@code pending} are UIDs already handed over and accepted whose
 * post-action (mark read, move, delete) may not have run yet; they are completed on the next start.
 *
 * @param mailbox the account, as {@code user@host:port}
 * @param folder the folder name (Unicode)
 * @param uidValidity the folder's UIDVALIDITY the UIDs belong to (RFC 3501 2.3.1.1)
 * @param lastUid highest UID handled (accepted, or skipped as unreadable); 0 = none
 * @param pending accepted UIDs whose post-action is not confirmed done, ascending
 * @param attempts delivery attempts started per UID above {@code lastUid} that has not been accepted
 *     yet (only with a quarantine): saved before the handler gets the message, so a message that
 *     crashes the process is counted too and quarantined after {@code maxAttempts}
 */
public record FolderState(String mailbox, String folder, long uidValidity, long lastUid, List<Long> pending,
    Map<Long, Integer> attempts) {
  public FolderState {
    Objects.requireNonNull(mailbox, "state.mailbox");
    Objects.requireNonNull(folder, "state.folder");
    if (lastUid < 0 || lastUid > 4294967295L) {
      throw new ConfigException("state.lastUid " + lastUid + " is out of range 0-4294967295");
    }
    pending = List.copyOf(new TreeSet<>(Objects.requireNonNull(pending, "state.pending")));
    attempts = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(attempts, "state.attempts")));
  }

  /** A state without attempt counts. */
  public FolderState(String mailbox, String folder, long uidValidity, long lastUid, List<Long> pending) {
    this(mailbox, folder, uidValidity, lastUid, pending, Map.of());
  }

  /** The identity of a watched folder in a {@link StateStore}. */
  public record Key(String mailbox, String folder) {
    public Key {
      Objects.requireNonNull(mailbox, "mailbox");
      Objects.requireNonNull(folder, "folder");
    }
  }

  public Key key() {
    return new Key(mailbox, folder);
  }

  /** This state with other pending UIDs. */
  public FolderState withPending(List<Long> uids) {
    return new FolderState(mailbox, folder, uidValidity, lastUid, uids, attempts);
  }

  /** This state with other attempt counts. */
  public FolderState withAttempts(Map<Long, Integer> counts) {
    return new FolderState(mailbox, folder, uidValidity, lastUid, pending, counts);
  }
}
