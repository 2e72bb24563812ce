package io.mailbridge.listen;

import io.mailbridge.ProtocolException;
import io.mailbridge.receive.FolderSession;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where an incremental reader stands in one folder: its watermark (UIDVALIDITY and the last UID
 * handed over), how it is found on a freshly selected folder (the saved position, else the
 * {@link StartPosition}; a changed UIDVALIDITY decided by the {@link UidValidityPolicy}), the next
 * batch above it, and the UIDs between two positions that are still in the folder (post-actions to
 * catch up). The Listener and the Kafka source both read through it; each keeps its position where
 * its users expect it (a {@link StateStore}; Kafka's committed offsets) and runs post-actions by its
 * own rule (after the save; after Kafka acknowledged the record).
 *
 * <p>New mail is UIDs above the watermark, valid only for the same UIDVALIDITY (RFC 3501 2.3.1.1).
 */
public final class FolderCursor {
  private static final Logger LOG = LoggerFactory.getLogger(FolderCursor.class);

  /** A watermark: UIDs up to {@code lastUid} of this {@code uidValidity} are handed over. */
  public record Position(long uidValidity, long lastUid) {}

  /** How {@link #place} found the position. */
  public enum Origin {
    /** The saved position, same UIDVALIDITY. */
    RESUMED,
    /** No saved position: the start position decided. */
    FIRST_START,
    /** UIDVALIDITY changed, policy RESCAN: from the beginning of the folder. */
    RESCAN,
    /** UIDVALIDITY changed, policy SKIP: after the folder's highest UID. */
    SKIP
  }

  private final StartPosition start;
  private final UidValidityPolicy policy;
  private final String reader;
  private final String where;
  private final String failAdvice;
  private Position position;
  private Origin origin;

  /**
   * @param reader who reads, first word of its log lines ({@code "listen"}, {@code "imap source"})
   * @param where the mailbox and folder, for logs and errors ({@code "mailbox=alice folder=INBOX"})
   * @param failAdvice the end of the error when policy FAIL stops the folder: what the user does,
   *     in the caller's terms (a flag, a configuration key)
   */
  public FolderCursor(StartPosition start, UidValidityPolicy policy, String reader, String where,
      String failAdvice) {
    this.start = start;
    this.reader = reader;
    this.policy = policy;
    this.where = where;
    this.failAdvice = failAdvice;
  }

  /**
   * Places the cursor on a freshly selected folder: the {@code saved} position when its
   * UIDVALIDITY still holds, the start position when nothing was saved, else what the policy says
   * (FAIL throws a {@link ProtocolException} that says what to do).
   */
  public Position place(FolderSession s, Optional<Position> saved) {
    long uv = s.uidValidity();
    if (saved.isEmpty()) {
      position = new Position(uv, startingPoint(s));
      origin = Origin.FIRST_START;
      LOG.info("{} first start {} uidValidity={} start={} lastUid={}", reader, where, uv, start.text(),
          position.lastUid());
    } else if (saved.get().uidValidity() == uv) {
      position = saved.get();
      origin = Origin.RESUMED;
    } else {
      position = afterChange(s, saved.get().uidValidity(), uv);
    }
    return position;
  }

  private long startingPoint(FolderSession s) {
    if (start instanceof StartPosition.Since since) {
      List<Long> uids = s.uidsSince(since.day());
      return uids.isEmpty() ? highestUid(s) : uids.get(0) - 1;
    }
    return start instanceof StartPosition.All ? 0 : highestUid(s);
  }

  private Position afterChange(FolderSession s, long oldUv, long uv) {
    String what = "UIDVALIDITY of " + where + " changed from " + oldUv + " to " + uv
        + " (folder recreated or server index rebuilt): saved UIDs mean nothing now";
    switch (policy) {
      case FAIL -> {
        LOG.error("{} {}; policy FAIL: stopping this folder", reader, what);
        throw new ProtocolException(what + "; " + failAdvice, false, null);
      }
      case RESCAN -> {
        LOG.warn("{} {}; policy RESCAN: delivering every message of the folder again", reader, what);
        origin = Origin.RESCAN;
        return new Position(uv, 0);
      }
      default -> {
        long last = highestUid(s);
        LOG.warn("{} {}; policy SKIP: continuing after uid {} (messages already there are not delivered)", reader,
            what, last);
        origin = Origin.SKIP;
        return new Position(uv, last);
      }
    }
  }

  private static long highestUid(FolderSession s) {
    if (s.uidNext() > 0) {
      return s.uidNext() - 1;
    }
    List<Long> all = s.uidsAfter(0);
    return all.isEmpty() ? 0 : all.get(all.size() - 1);
  }

  /** The position; null before {@link #place}. */
  public Position position() {
    return position;
  }

  /** How the last {@link #place} found the position; null before it. */
  public Origin origin() {
    return origin;
  }

  /** The UIDs above the watermark still in the folder, at most {@code max}, ascending. */
  public List<Long> next(FolderSession s, int max) {
    List<Long> uids = s.uidsAfter(position.lastUid());
    return uids.size() <= max ? uids : uids.subList(0, max);
  }

  /** Moves the watermark up to {@code uid} (never down): everything up to it is handed over. */
  public void advance(long uid) {
    if (uid > position.lastUid()) {
      position = new Position(position.uidValidity(), uid);
    }
  }

  /**
   * The UIDs after {@code fromExclusive} up to the watermark still in the folder: messages handed
   * over whose post-action may have been lost (they are moved or deleted when it ran).
   */
  public List<Long> handedOverSince(FolderSession s, long fromExclusive) {
    return s.uidsBetween(fromExclusive, position.lastUid());
  }
}
