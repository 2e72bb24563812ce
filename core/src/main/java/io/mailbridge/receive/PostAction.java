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
 * }</pre>
 */
public sealed interface PostAction {

  /** Leave the message as it is (the default). */
  static PostAction none() { return None.INSTANCE; }

  /** Set \Seen. */
  static PostAction markRead() { return MarkRead.INSTANCE; }

  /** Set \Flagged. */
  static PostAction flag() { return Flag.INSTANCE; }

  /** Move to {@code folder} (Unicode name), which must exist. */
  static PostAction moveTo(String folder) { return new Move(folder, false); }

  /** Move to {@code folder}, creating it first when it does not exist. */
  static PostAction moveTo(String folder, boolean createIfMissing) { return new Move(folder, createIfMissing); }

  /** Set \Deleted and expunge just that message (UID EXPUNGE, RFC 4315). */
  static PostAction delete() { return Delete.INSTANCE; }

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

  /** No action. */
  enum None implements PostAction { INSTANCE }

  /** Set \Seen. */
  enum MarkRead implements PostAction { INSTANCE }

  /** Set \Flagged. */
  enum Flag implements PostAction { INSTANCE }

  /** Expunge. */
  enum Delete implements PostAction { INSTANCE }

  /** Move to a folder. */
  record Move(String folder, boolean createIfMissing) implements PostAction {
    public Move {
      if (folder == null || folder.isBlank()) {
        throw new BadInputException("move target folder is empty: give a folder name, e.g. move:Archive");
      }
    }
  }
}
