package io.mailbridge.listen.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.listen.FolderState;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.StateStore;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.FolderSession;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The order of effects per batch, with a fake folder and state store that log every effect. */
class FolderSyncTest {
  private final List<String> log = new ArrayList<>();
  private final FolderState.Key key = new FolderState.Key("m", "INBOX");

  /** Logs saves as "save last=N pending=[..]". */
  private final class Store implements StateStore {
    final Map<FolderState.Key, FolderState> map = new HashMap<>();

    @Override
    public Optional<FolderState> load(FolderState.Key k) {
      return Optional.ofNullable(map.get(k));
    }

    @Override
    public void save(FolderState s) {
      log.add("save last=" + s.lastUid() + " pending=" + s.pending());
      map.put(s.key(), s);
    }

    @Override
    public List<FolderState> all() {
      return List.copyOf(map.values());
    }
  }

  /** A folder with these UIDs; logs deliveries and post-actions. */
  private final class Folder implements FolderSession {
    final TreeSet<Long> uids = new TreeSet<>();
    long uidValidity = 7;

    @Override
    public long uidValidity() {
      return uidValidity;
    }

    @Override
    public long uidNext() {
      return uids.isEmpty() ? 1 : uids.last() + 1;
    }

    @Override
    public List<Long> uidsAfter(long lastUid) {
      return new ArrayList<>(uids.tailSet(lastUid + 1));
    }

    @Override
    public List<Long> uidsBetween(long fromExclusive, long toInclusive) {
      return new ArrayList<>(uids.subSet(fromExclusive + 1, toInclusive + 1));
    }

    @Override
    public List<Long> uidsSince(LocalDate day) {
      return new ArrayList<>(uids.tailSet(3L));
    }

    @Override
    public List<Long> deliver(List<Long> batch, DocumentHandler handler) {
      for (long u : batch) {
        handler.handle(MailDocument.builder().key("k" + u).properties(TrackedProperties.builder().uid(u).build())
            .build());
      }
      return List.of();
    }

    @Override
    public void postAction(List<Long> batch) {
      log.add("post " + batch);
      uids.removeAll(batch);
    }

    @Override
    public void quarantine(long uid, String reason, int attempts, DocumentHandler deadLetters) {
      log.add("quarantine " + uid + " attempts=" + attempts);
      reasons.add(reason);
      uids.remove(uid);
    }
  }

  private final List<String> reasons = new ArrayList<>();

  /** Stands for a handler that takes the process down (the JVM dies: nothing after it runs). */
  private static final class Crash extends Error {
    private static final long serialVersionUID = 1L;
  }

  private FolderSync quarantining(int maxAttempts, DocumentHandler h) {
    return new FolderSync(key, new FolderSync.Rules(StartPosition.all(), UidValidityPolicy.FAIL, false, 10,
        maxAttempts), store, d -> {
          log.add("handle " + d.properties().uid().orElseThrow());
          h.handle(d);
        }, new FolderStatus("m", "INBOX"));
  }

  /** What the Watcher does: retry after a refusal until the folder is through. */
  private static void syncUntilDone(FolderSync s, Folder f) {
    for (int i = 0; i < 20; i++) {
      try {
        s.syncNew(f, () -> false);
        return;
      } catch (FolderSync.HandlerFailure retry) {
        // backoff, then again
      }
    }
    throw new AssertionError("never got through");
  }

  @Test
  void aDocumentRefusedMaxAttemptsTimesIsQuarantinedAndTheRestGoOn() {
    folder.uids.addAll(List.of(1L, 2L, 3L));
    FolderSync s = quarantining(3, d -> {
      if (d.properties().uid().orElseThrow() == 2) {
        throw new IllegalStateException("downstream says no");
      }
    });
    s.prepare(folder);
    log.clear();
    syncUntilDone(s, folder);
    assertThat(log.stream().filter(l -> !l.startsWith("save"))).containsExactly("handle 1", "handle 2", "handle 2",
        "handle 2", "quarantine 2 attempts=3", "handle 3");
    assertThat(reasons).singleElement().satisfies(r -> assertThat(r).contains("downstream says no"));
    FolderState end = store.map.get(key);
    assertThat(end.lastUid()).isEqualTo(3);
    assertThat(end.attempts()).isEmpty();
  }

  @Test
  void attemptCountsSurviveRestartsSoAMessageThatCrashesTheProcessEndsInQuarantine() {
    folder.uids.addAll(List.of(1L, 2L, 3L));
    DocumentHandler crashOn2 = d -> {
      if (d.properties().uid().orElseThrow() == 2) {
        throw new Crash();
      }
    };
    int crashes = 0;
    for (int start = 0; start < 10; start++) {
      FolderSync s = quarantining(3, crashOn2); // a new process: only the store survives
      s.prepare(folder);
      try {
        s.syncNew(folder, () -> false);
        break;
      } catch (Crash c) {
        crashes++;
        assertThat(store.map.get(key).attempts()).containsKey(2L);
      }
    }
    assertThat(crashes).isEqualTo(3);
    assertThat(log.stream().filter(l -> l.equals("handle 2"))).hasSize(3);
    assertThat(log).contains("quarantine 2 attempts=3");
    assertThat(reasons).singleElement().satisfies(r -> assertThat(r).contains("never returned"));
    // 1 and 3 delivered and no message blamed for 2's crashes
    assertThat(log).contains("handle 1", "handle 3");
    assertThat(store.map.get(key).lastUid()).isEqualTo(3);
    assertThat(store.map.get(key).attempts()).isEmpty();
  }

  @Test
  void withoutQuarantineNothingIsCountedAndARefusalIsRetriedForEver() {
    folder.uids.addAll(List.of(1L, 2L));
    FolderSync s = sync(StartPosition.all(), UidValidityPolicy.FAIL, 10, d -> {
      if (d.properties().uid().orElseThrow() == 2) {
        throw new IllegalStateException("no");
      }
    });
    s.prepare(folder);
    for (int i = 0; i < 5; i++) {
      assertThatThrownBy(() -> s.syncNew(folder, () -> false)).isInstanceOf(FolderSync.HandlerFailure.class);
    }
    assertThat(log).doesNotContain("quarantine 2 attempts=5");
    assertThat(store.map.get(key).attempts()).isEmpty();
    assertThat(store.map.get(key).lastUid()).isEqualTo(1);
  }

  private final Store store = new Store();
  private final Folder folder = new Folder();

  private FolderSync sync(StartPosition start, UidValidityPolicy policy, int batchSize, DocumentHandler h) {
    return new FolderSync(key, new FolderSync.Rules(start, policy, true, batchSize), store, d -> {
      log.add("handle " + d.properties().uid().orElseThrow());
      h.handle(d);
    }, new FolderStatus("m", "INBOX"));
  }

  @Test
  void handsOverThenSavesWatermarkThenRunsPostActionThenClearsPending() {
    folder.uids.addAll(List.of(1L, 2L, 3L, 4L, 5L));
    FolderSync s = sync(StartPosition.all(), UidValidityPolicy.FAIL, 2, d -> {});
    s.prepare(folder);
    log.clear();
    assertThat(s.syncNew(folder, () -> false)).isEqualTo(5);
    assertThat(log).containsExactly(
        "handle 1", "handle 2", "save last=2 pending=[1, 2]", "post [1, 2]", "save last=2 pending=[]",
        "handle 3", "handle 4", "save last=4 pending=[3, 4]", "post [3, 4]", "save last=4 pending=[]",
        "handle 5", "save last=5 pending=[5]", "post [5]", "save last=5 pending=[]");
  }

  @Test
  void handlerFailureSavesWhatWasAcceptedAndRedeliversTheRest() {
    folder.uids.addAll(List.of(1L, 2L, 3L));
    FolderSync s = sync(StartPosition.all(), UidValidityPolicy.FAIL, 10, d -> {
      if (d.properties().uid().orElseThrow() == 2) {
        throw new IllegalStateException("nope");
      }
    });
    s.prepare(folder);
    log.clear();
    assertThatThrownBy(() -> s.syncNew(folder, () -> false)).isInstanceOf(FolderSync.HandlerFailure.class)
        .hasMessageContaining("uid 2").hasRootCauseMessage("nope");
    assertThat(log).containsExactly("handle 1", "handle 2", "save last=1 pending=[1]", "post [1]",
        "save last=1 pending=[]");
    log.clear();
    FolderSync again = sync(StartPosition.all(), UidValidityPolicy.FAIL, 10, d -> {});
    again.prepare(folder);
    again.syncNew(folder, () -> false);
    assertThat(log).containsExactly("handle 2", "handle 3", "save last=3 pending=[2, 3]", "post [2, 3]",
        "save last=3 pending=[]");
  }

  @Test
  void pendingPostActionsFromACrashRunBeforeAnythingIsDelivered() {
    folder.uids.addAll(List.of(1L, 2L, 3L));
    store.map.put(key, new FolderState("m", "INBOX", 7, 2, List.of(1L, 2L)));
    FolderSync s = sync(StartPosition.all(), UidValidityPolicy.FAIL, 10, d -> {});
    s.prepare(folder);
    s.syncNew(folder, () -> false);
    assertThat(log).containsExactly("post [1, 2]", "save last=2 pending=[]", "handle 3", "save last=3 pending=[3]",
        "post [3]", "save last=3 pending=[]");
  }

  /** A handler that logs the post-actions it is told of, and fails when told (which must change nothing). */
  private FolderSync telling(boolean failWhenTold) {
    return new FolderSync(key, new FolderSync.Rules(StartPosition.all(), UidValidityPolicy.FAIL, true, 2), store,
        new DocumentHandler() {
          @Override
          public void handle(MailDocument d) {
            log.add("handle " + d.properties().uid().orElseThrow());
          }

          @Override
          public void postActionApplied(String folderName, long uidValidity, List<Long> uids) {
            log.add("applied " + folderName + " " + uidValidity + " " + uids);
            if (failWhenTold) {
              throw new IllegalStateException("journal full");
            }
          }
        }, new FolderStatus("m", "INBOX"));
  }

  @Test
  void theHandlerIsToldOfEachPostActionAfterItRanIncludingThoseACrashedRunLeftPending() {
    folder.uids.addAll(List.of(1L, 2L, 3L, 4L, 5L));
    store.map.put(key, new FolderState("m", "INBOX", 7, 2, List.of(1L, 2L)));
    FolderSync s = telling(false);
    s.prepare(folder);
    s.syncNew(folder, () -> false);
    assertThat(log).containsExactly("post [1, 2]", "applied INBOX 7 [1, 2]", "save last=2 pending=[]",
        "handle 3", "handle 4", "save last=4 pending=[3, 4]", "post [3, 4]", "applied INBOX 7 [3, 4]",
        "save last=4 pending=[]", "handle 5", "save last=5 pending=[5]", "post [5]", "applied INBOX 7 [5]",
        "save last=5 pending=[]");
  }

  @Test
  void aHandlerFailingWhenToldOfAPostActionChangesNothing() {
    folder.uids.addAll(List.of(1L, 2L, 3L));
    FolderSync s = telling(true);
    s.prepare(folder);
    assertThat(s.syncNew(folder, () -> false)).isEqualTo(3);
    assertThat(store.map.get(key).lastUid()).isEqualTo(3);
    assertThat(store.map.get(key).pending()).isEmpty();
    assertThat(folder.uids).isEmpty();
  }

  @Test
  void highestUidBelowWatermarkIsNotDeliveredAgain() {
    folder.uids.addAll(List.of(4L));
    store.map.put(key, new FolderState("m", "INBOX", 7, 9, List.of()));
    FolderSync s = sync(StartPosition.all(), UidValidityPolicy.FAIL, 10, d -> {});
    s.prepare(folder);
    assertThat(s.syncNew(folder, () -> false)).isZero();
    assertThat(log).isEmpty();
  }

  @Test
  void firstStartNowBeginsAfterTheHighestUidAndSavesIt() {
    folder.uids.addAll(List.of(1L, 2L));
    FolderSync s = sync(StartPosition.now(), UidValidityPolicy.FAIL, 10, d -> {});
    s.prepare(folder);
    assertThat(s.syncNew(folder, () -> false)).isZero();
    assertThat(log).containsExactly("save last=2 pending=[]");
  }

  @Test
  void firstStartSinceBeginsAtTheFirstMatchingMessage() {
    folder.uids.addAll(List.of(1L, 2L, 3L, 4L));
    FolderSync s = sync(StartPosition.since(LocalDate.of(2026, 1, 1)), UidValidityPolicy.FAIL, 10, d -> {});
    s.prepare(folder);
    assertThat(s.syncNew(folder, () -> false)).isEqualTo(2);
    assertThat(log).startsWith("save last=2 pending=[]", "handle 3", "handle 4");
  }

  @Test
  void changedUidValidityUnderFailStopsWithoutTouchingState() {
    folder.uids.add(1L);
    store.map.put(key, new FolderState("m", "INBOX", 6, 1, List.of(1L)));
    FolderSync s = sync(StartPosition.all(), UidValidityPolicy.FAIL, 10, d -> {});
    assertThatThrownBy(() -> s.prepare(folder)).isInstanceOf(FolderSync.Fatal.class)
        .hasMessageContaining("changed from 6 to 7").hasMessageContaining("policy FAIL");
    assertThat(log).isEmpty();
  }

  @Test
  void changedUidValidityUnderRescanDropsPendingAndStartsOver() {
    folder.uids.addAll(List.of(1L, 2L));
    store.map.put(key, new FolderState("m", "INBOX", 6, 9, List.of(9L)));
    FolderSync s = sync(StartPosition.now(), UidValidityPolicy.RESCAN, 10, d -> {});
    s.prepare(folder);
    s.syncNew(folder, () -> false);
    assertThat(log).startsWith("save last=0 pending=[]", "handle 1", "handle 2");
  }

  @Test
  void stopRequestEndsBetweenBatches() {
    folder.uids.addAll(List.of(1L, 2L, 3L, 4L));
    FolderSync s = sync(StartPosition.all(), UidValidityPolicy.FAIL, 2, d -> {});
    s.prepare(folder);
    int[] batches = {0};
    assertThat(s.syncNew(folder, () -> batches[0]++ >= 1)).isEqualTo(2);
    assertThat(store.map.get(key).lastUid()).isEqualTo(2);
  }
}
