package io.mailbridge.move;

import java.util.Objects;
import java.util.Optional;

/**
 * What happened to one selected message.
 *
 * @param uid the message's UID in the source folder; empty for a Message-ID that matched nothing
 * @param messageId the Message-ID it was selected by, when selected that way
 * @param status what happened
 * @param newUid its UID in the target folder, when the server reported it (RFC 4315 COPYUID)
 * @param reason why, for anything but plain success (empty otherwise)
 */
public record MessageOutcome(Optional<Long> uid, Optional<String> messageId, Status status, Optional<Long> newUid,
    String reason) {

  /** The outcome kinds. */
  public enum Status {
    /** Now in the target folder and gone from the source. */
    MOVED,
    /** Copied to the target; the source message is still there. */
    COPIED,
    /** Flags changed (also: flagged \Deleted without expunge). */
    UPDATED,
    /** Permanently removed. */
    EXPUNGED,
    /** Not (or no longer) in the folder: nothing was done. */
    MISSING,
    /** The server refused or a precondition failed: nothing was done unless the reason says otherwise. */
    FAILED;

    /** Whether the operation did what was asked for this message. */
    public boolean succeeded() {
      return this != MISSING && this != FAILED;
    }
  }

  public MessageOutcome {
    Objects.requireNonNull(uid, "uid");
    Objects.requireNonNull(messageId, "messageId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(newUid, "newUid");
    reason = reason == null ? "" : reason;
  }
}
