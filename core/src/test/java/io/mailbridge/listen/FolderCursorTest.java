package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ProtocolException;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.FolderSession;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The watermark rules the Listener and the Kafka source share, on a folder held in memory: UIDs
 * with their received day, a UIDVALIDITY and a UIDNEXT that, as on a server, stays above expunged
 * messages.
 */
class FolderCursorTest {
  /** UIDs 1..10 received on Nov 1..10; UIDs 11 and 12 were expunged (UIDNEXT 13). */
  private static final class Folder implements FolderSession {
    final TreeMap<Long, LocalDate> uids = new TreeMap<>();
    long uidValidity = 7;
    long uidNext = 13;

    Folder() {
      for (long u = 1; u <= 10; u++) {
        uids.put(u, LocalDate.of(2026, 11, (int) u));
      }
    }

    @Override
    public long uidValidity() {
      return uidValidity;
    }

    @Override
    public long uidNext() {
      return uidNext;
    }

    @Override
    public List<Long> uidsAfter(long lastUid) {
      return new ArrayList<>(uids.tailMap(lastUid, false).keySet());
    }

    @Override
    public List<Long> uidsBetween(long fromExclusive, long toInclusive) {
      return toInclusive <= fromExclusive ? List.of()
          : new ArrayList<>(uids.subMap(fromExclusive, false, toInclusive, true).keySet());
    }

    @Override
    public List<Long> uidsSince(LocalDate day) {
      return uids.entrySet().stream().filter(e -> !e.getValue().isBefore(day)).map(e -> e.getKey()).toList();
    }

    @Override
    public List<Long> deliver(List<Long> batch, DocumentHandler handler) {
      throw new UnsupportedOperationException("the cursor never delivers");
    }

    @Override
    public void postAction(List<Long> batch) {
      throw new UnsupportedOperationException("the cursor never acts");
    }

    @Override
    public void quarantine(long uid, String reason, int attempts, DocumentHandler deadLetters) {
      throw new UnsupportedOperationException("the cursor never quarantines");
    }
  }

  private static FolderCursor cursor(StartPosition start, UidValidityPolicy policy) {
    return new FolderCursor(start, policy, "test", "mailbox=m folder=f", "do this or that");
  }

  @Test
  void firstStartFollowsTheStartPosition() {
    Folder f = new Folder();
    assertThat(cursor(StartPosition.now(), UidValidityPolicy.FAIL).place(f, Optional.empty()))
        .isEqualTo(new FolderCursor.Position(7, 12)); // UIDNEXT - 1: the expunged 11 and 12 are past too
    assertThat(cursor(StartPosition.all(), UidValidityPolicy.FAIL).place(f, Optional.empty()).lastUid()).isZero();
    assertThat(cursor(StartPosition.since(LocalDate.of(2026, 11, 4)), UidValidityPolicy.FAIL)
        .place(f, Optional.empty()).lastUid()).isEqualTo(3);
    assertThat(cursor(StartPosition.since(LocalDate.of(2026, 12, 1)), UidValidityPolicy.FAIL)
        .place(f, Optional.empty()).lastUid()).as("nothing since that day: only new mail").isEqualTo(12);
    FolderCursor c = cursor(StartPosition.now(), UidValidityPolicy.FAIL);
    c.place(f, Optional.empty());
    assertThat(c.origin()).isEqualTo(FolderCursor.Origin.FIRST_START);
  }

  @Test
  void withoutUidNextTheHighestUidDecides() {
    Folder f = new Folder();
    f.uidNext = 0;
    assertThat(cursor(StartPosition.now(), UidValidityPolicy.FAIL).place(f, Optional.empty()).lastUid()).isEqualTo(10);
  }

  @Test
  void aSavedPositionOfTheSameUidValidityIsResumed() {
    FolderCursor c = cursor(StartPosition.all(), UidValidityPolicy.FAIL);
    assertThat(c.place(new Folder(), Optional.of(new FolderCursor.Position(7, 4))))
        .isEqualTo(new FolderCursor.Position(7, 4));
    assertThat(c.origin()).isEqualTo(FolderCursor.Origin.RESUMED);
  }

  @Test
  void aChangedUidValidityFollowsThePolicy() {
    Optional<FolderCursor.Position> old = Optional.of(new FolderCursor.Position(6, 4));
    FolderCursor rescan = cursor(StartPosition.now(), UidValidityPolicy.RESCAN);
    assertThat(rescan.place(new Folder(), old)).isEqualTo(new FolderCursor.Position(7, 0));
    assertThat(rescan.origin()).isEqualTo(FolderCursor.Origin.RESCAN);
    FolderCursor skip = cursor(StartPosition.all(), UidValidityPolicy.SKIP);
    assertThat(skip.place(new Folder(), old)).isEqualTo(new FolderCursor.Position(7, 12));
    assertThat(skip.origin()).isEqualTo(FolderCursor.Origin.SKIP);
    assertThatThrownBy(() -> cursor(StartPosition.all(), UidValidityPolicy.FAIL).place(new Folder(), old))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("UIDVALIDITY of mailbox=m folder=f changed from 6 to 7 (folder recreated or server index "
            + "rebuilt): saved UIDs mean nothing now; do this or that");
  }

  @Test
  void nextIsAboveTheWatermarkAndBounded() {
    Folder f = new Folder();
    FolderCursor c = cursor(StartPosition.all(), UidValidityPolicy.FAIL);
    c.place(f, Optional.of(new FolderCursor.Position(7, 4)));
    assertThat(c.next(f, 3)).containsExactly(5L, 6L, 7L);
    c.advance(7);
    assertThat(c.next(f, 100)).containsExactly(8L, 9L, 10L);
    c.advance(5);
    assertThat(c.position().lastUid()).as("never moves down").isEqualTo(7);
    c.advance(10);
    assertThat(c.next(f, 100)).isEmpty();
  }

  @Test
  void handedOverSinceListsWhatIsStillInTheFolder() {
    Folder f = new Folder();
    FolderCursor c = cursor(StartPosition.all(), UidValidityPolicy.FAIL);
    c.place(f, Optional.of(new FolderCursor.Position(7, 8)));
    f.uids.remove(6L); // its post-action ran before the crash
    assertThat(c.handedOverSince(f, 4)).containsExactly(5L, 7L, 8L);
    assertThat(c.handedOverSince(f, 8)).isEmpty();
  }
}
