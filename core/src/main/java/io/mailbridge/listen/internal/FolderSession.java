package io.mailbridge.listen.internal;

import io.mailbridge.receive.DocumentHandler;
import java.time.LocalDate;
import java.util.List;

/**
 * One selected folder on a live connection, as {@link FolderSync} needs it. The IMAP implementation
 * is {@link ImapFolderSession}; tests use a fake to check the order of effects.
 */
public interface FolderSession {
  /** The folder's UIDVALIDITY from SELECT. */
  long uidValidity();

  /** The folder's UIDNEXT from SELECT, 0 when the server did not say. */
  long uidNext();

  /** UIDs above {@code lastUid}, ascending. */
  List<Long> uidsAfter(long lastUid);

  /** UIDs of messages received on or after {@code day}, ascending. */
  List<Long> uidsSince(LocalDate day);

  /**
   * Fetches, parses and hands over these messages in order; returns the UIDs that could not be
   * read (expunged meanwhile, unparseable). A handler exception propagates unchanged.
   */
  List<Long> deliver(List<Long> uids, DocumentHandler handler);

  /** Runs the post-action on these UIDs; UIDs no longer in the folder are ignored (idempotent). */
  void postAction(List<Long> uids);

  /**
   * Puts a message the handler refused {@code attempts} times in quarantine: raw .eml saved, dead
   * letter to {@code deadLetters}, then moved or marked. Nothing happens when it is gone already.
   */
  void quarantine(long uid, String reason, int attempts, DocumentHandler deadLetters);
}
