package io.mailbridge.receive;

import io.mailbridge.BadInputException;
import java.util.Locale;
import java.util.Objects;

/**
 * What Receive does to a message on the server after the handler has accepted its document (never
 * before, so a message the caller could not process stays as it was).
 *
 * <pre>{@code
 * PostAction.moveTo("Archive")   // UID MOVE (RFC 6851), else COPY + \Deleted + UID EXPUNGE
 * PostAction.parse("move:Archive")
 * PostAction.moveTo("Archive").expungingAll()   // also on a server without MOVE and UIDPLUS
 * }</pre>
 *
 * <p>A move or delete removes exactly the accepted messages: with {@code UID MOVE} or with
 * {@code UID EXPUNGE} (UIDPLUS, RFC 4315). A server with neither can only run a plain
 * {@code EXPUNGE}, which removes every message flagged \Deleted in the folder, also those another
 * client flagged and meant to keep. There such a post-action fails before anything is received,
 * unless the caller opted in with {@link #expungingAll()}.
 */
public sealed interface PostAction {

  /** Leave the message as it is (the default). */
  static PostAction none() { return None.INSTANCE; }

  /** Set \Seen. */
  static PostAction markRead() { return MarkRead.INSTANCE; }

  /** Set \Flagged. */
  static PostAction flag() { return Flag.INSTANCE; }

  /** Move to {@code folder} (Unicode name), which must exist. */
  static PostAction moveTo(String folder) { return new Move(folder, false, false); }

  /** Move to {@code folder}, creating it first when it does not exist. */
  static PostAction moveTo(String folder, boolean createIfMissing) { return new Move(folder, createIfMissing, false); }

  /** Set \Deleted and expunge just that message (UID EXPUNGE, RFC 4315). */
  static PostAction delete() { return new Delete(false); }

  /** Parses {@code none | read | flag | delete | move:FOLDER} (the CLI's {@code --then}). */
  static PostAction parse(String text) {
    String t = Objects.requireNonNullElse(text, "").strip();
    if (t.regionMatches(true, 0, "move:", 0, 5)) {
      return moveTo(t.substring(5));
    }
    return switch (t.toLowerCase(Locale.ROOT)) {
      case "none", "" -> none();
      case "read", "mark-read", "seen" -> markRead();
      case "flag", "flagged" -> flag();
      case "delete" -> delete();
      default -> throw new BadInputException("post-action '" + text + "' is unknown: use none, read, flag, delete "
          + "or move:FOLDER");
    };
  }

  /** Whether the folder must be opened read-write for this action. */
  default boolean writes() {
    return !(this instanceof None);
  }

  /**
   * This action, allowed to run a plain {@code EXPUNGE} on a server without UIDPLUS (and MOVE),
   * which also removes every other message flagged \Deleted in the folder. Actions that expunge
   * nothing are returned unchanged.
   */
  default PostAction expungingAll() {
    if (this instanceof Move m) {
      return new Move(m.folder(), m.createIfMissing(), true);
    }
    return this instanceof Delete ? new Delete(true) : this;
  }

  /** Whether a plain {@code EXPUNGE} is allowed where UIDPLUS is missing (see {@link #expungingAll()}). */
  default boolean expungesAll() {
    return this instanceof Move m && m.expungeAll() || this instanceof Delete d && d.expungeAll();
  }

  /** No action. */
  enum None implements PostAction { INSTANCE }

  /** Set \Seen. */
  enum MarkRead implements PostAction { INSTANCE }

  /** Set \Flagged. */
  enum Flag implements PostAction { INSTANCE }

  /** Expunge; {@code expungeAll}: a plain EXPUNGE is allowed on a server without UIDPLUS. */
  record Delete(boolean expungeAll) implements PostAction {
    @Override
    public String toString() {
      return expungeAll ? "delete (expunge-all)" : "delete";
    }
  }

  /**
   * Move to a folder; {@code expungeAll}: a plain EXPUNGE is allowed on a server without MOVE and
   * UIDPLUS.
   */
  record Move(String folder, boolean createIfMissing, boolean expungeAll) implements PostAction {
    /** A move that never runs a plain EXPUNGE. */
    public Move(String folder, boolean createIfMissing) {
      this(folder, createIfMissing, false);
    }

    @Override
    public String toString() {
      return "move:" + folder + (expungeAll ? " (expunge-all)" : "");
    }

    public Move {
      if (folder == null || folder.isBlank()) {
        throw new BadInputException("move target folder is empty: give a folder name, e.g. move:Archive");
      }
    }

    /**
     * How the error begins when the folder does not exist and may not be created: a caller can
     * recognise it and say in its own terms what to do.
     */
    public String missingTarget() {
      return "move target folder '" + folder + "' does not exist";
    }
  }
}
