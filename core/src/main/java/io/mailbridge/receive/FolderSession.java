package io.mailbridge.receive;

import java.time.LocalDate;
import java.util.List;

/**
 * One folder selected on a live connection, as an incremental reader needs it: the Listener and the
 * Kafka source read new mail through it, a batch at a time. Made by
 * {@link IncrementalReceive#select}; UIDs are only meaningful for this session's
 * {@link #uidValidity()} (RFC 3501 2.3.1.1: it cannot change while the folder stays selected).
 */
public interface FolderSession {
  /** The folder's UIDVALIDITY from SELECT. */
  long uidValidity();

  /** The folder's UIDNEXT from SELECT, 0 when the server did not say. */
  long uidNext();

  /** UIDs above {@code lastUid} (narrowed by the reader's filter, if any), ascending. */
  List<Long> uidsAfter(long lastUid);

  /**
   * UIDs with {@code fromExclusive < uid <= toInclusive} still in the folder (narrowed by the
   * reader's filter, if any), ascending.
   */
  List<Long> uidsBetween(long fromExclusive, long toInclusive);

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
