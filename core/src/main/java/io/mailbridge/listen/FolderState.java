package io.mailbridge.listen;

import io.mailbridge.ConfigException;
import java.util.List;
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
 */
public record FolderState(String mailbox, String folder, long uidValidity, long lastUid, List<Long> pending) {
  public FolderState {
    Objects.requireNonNull(mailbox, "state.mailbox");
    Objects.requireNonNull(folder, "state.folder");
    if (lastUid < 0 || lastUid > 4294967295L) {
      throw new ConfigException("state.lastUid " + lastUid + " is out of range 0-4294967295");
    }
    pending = List.copyOf(new TreeSet<>(Objects.requireNonNull(pending, "state.pending")));
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
    return new FolderState(mailbox, folder, uidValidity, lastUid, uids);
  }
}
