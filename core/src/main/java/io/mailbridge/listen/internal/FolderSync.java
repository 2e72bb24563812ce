package io.mailbridge.listen.internal;

import io.mailbridge.ProtocolException;
import io.mailbridge.listen.FolderCursor;
import io.mailbridge.listen.FolderState;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.StateStore;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.FolderSession;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash-safe part of the Listener for one folder, independent of IMAP details. Per batch the
 * effects happen in this order (docs/ARCHITECTURE.md, "One watched message"):
 * <ol>
 *   <li>each document handed to the handler; returning normally accepts it;
 *   <li>the watermark saved: {@code lastUid} = last accepted UID, {@code pending} = accepted UIDs
 *       whose post-action is still to run;
 *   <li>the post-action run on {@code pending};
 *   <li>{@code pending = []} saved.
 * </ol>
 * A crash before 2 re-delivers the batch; between 2 and 4 the next start runs the pending
 * post-action again (it is idempotent: UIDs already moved are simply missing) and delivers nothing
 * twice. A handler failure saves what was accepted before it and rethrows: the rest is re-delivered.
 *
 * <p>With a quarantine ({@code maxAttempts > 0}) each try is counted in the saved state before the
 * handler sees the message: a batch is marked as one save; a message that already has a count (a
 * refusal, or a batch that never finished because the process died) is then delivered alone, its
 * count saved first, so the count always lands on the message at fault. At {@code maxAttempts} the
 * message is quarantined ({@link FolderSession#quarantine}) and the watermark moves past it.
 */
public final class FolderSync {
  private static final Logger LOG = LoggerFactory.getLogger(FolderSync.class);

  /**
   * The rules FolderSync follows (a slice of ListenerSettings).
   *
   * @param maxAttempts handler attempts before a message is quarantined; 0 without a quarantine
   */
  public record Rules(StartPosition start, UidValidityPolicy uidValidityPolicy, boolean hasPostAction,
      int batchSize, int maxAttempts) {
    /** Rules without a quarantine. */
    public Rules(StartPosition start, UidValidityPolicy uidValidityPolicy, boolean hasPostAction, int batchSize) {
      this(start, uidValidityPolicy, hasPostAction, batchSize, 0);
    }
  }

  /** Thrown (wrapping the cause) when the handler refused a document. */
  public static final class HandlerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long uid;

    HandlerFailure(long uid, RuntimeException cause) {
      super("handler failed on uid " + uid + ": " + cause.getMessage(), cause);
      this.uid = uid;
    }

    public long uid() {
      return uid;
    }
  }

  /** An error that retrying cannot fix: the folder's watcher stops (e.g. UIDVALIDITY policy FAIL). */
  public static final class Fatal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final io.mailbridge.MailbridgeException error;

    Fatal(io.mailbridge.MailbridgeException error) {
      super(error.getMessage(), error);
      this.error = error;
    }

    public io.mailbridge.MailbridgeException error() {
      return error;
    }
  }

  /** What a sync reports as it goes (health). */
  public interface Progress {
    void known(long lastUid, long uidValidity, long lag);

    void delivered(int count);
  }

  private final FolderState.Key key;
  private final Rules rules;
  private final StateStore store;
  private final DocumentHandler handler;
  private final Progress progress;
  private final FolderCursor cursor;
  private FolderState state;

  public FolderSync(FolderState.Key key, Rules rules, StateStore store, DocumentHandler handler, Progress progress) {
    this.key = key;
    this.rules = rules;
    this.store = store;
    this.handler = handler;
    this.progress = progress;
    this.cursor = new FolderCursor(rules.start(), rules.uidValidityPolicy(), "listen",
        "mailbox=" + key.mailbox() + " folder=" + key.folder(), "policy FAIL: choose --uidvalidity rescan (deliver "
        + "the folder again) or skip (only new mail), or remove the folder from the state file");
  }

  /**
   * On a fresh session: decides the watermark (saved state, start position, or UIDVALIDITY policy)
   * and completes post-actions left pending by a previous run.
   */
  public FolderState prepare(FolderSession s) {
    FolderState saved = store.load(key).orElse(null);
    FolderCursor.Position at;
    try {
      at = cursor.place(s, Optional.ofNullable(saved).map(f -> new FolderCursor.Position(f.uidValidity(), f.lastUid())));
    } catch (ProtocolException e) {
      throw new Fatal(e);
    }
    if (cursor.origin() == FolderCursor.Origin.RESUMED) {
      state = saved;
    } else {
      if (saved != null && !saved.pending().isEmpty()) {
        LOG.warn("listen dropping {} pending post-actions of the old UIDVALIDITY mailbox={} folder={}",
            saved.pending().size(), key.mailbox(), key.folder());
      }
      state = new FolderState(key.mailbox(), key.folder(), at.uidValidity(), at.lastUid(), List.of());
      store.save(state);
    }
    if (!state.pending().isEmpty()) {
      LOG.info("listen completing pending post-action mailbox={} folder={} uids={}", key.mailbox(), key.folder(),
          state.pending().size());
      s.postAction(state.pending());
      postActionApplied(state.pending());
      state = state.withPending(List.of());
      store.save(state);
    }
    progress.known(state.lastUid(), at.uidValidity(), 0);
    return state;
  }

  /** Tells the handler the post-action ran; it has happened, so a failing handler only gets a log line. */
  private void postActionApplied(List<Long> uids) {
    if (!rules.hasPostAction() || uids.isEmpty()) {
      return;
    }
    try {
      handler.postActionApplied(key.folder(), state.uidValidity(), List.copyOf(uids));
    } catch (RuntimeException e) {
      LOG.warn("listen post-action handler failed mailbox={} folder={} uids={} error={}", key.mailbox(),
          key.folder(), uids.size(), e.toString());
    }
  }

  /**
   * Delivers every message above the watermark, batch by batch; returns how many were accepted.
   * Stops at {@code stopRequested} between batches.
   */
  public int syncNew(FolderSession s, java.util.function.BooleanSupplier stopRequested) {
    List<Long> uids = cursor.next(s, Integer.MAX_VALUE);
    int total = 0;
    for (int i = 0; i < uids.size(); i += rules.batchSize()) {
      if (stopRequested.getAsBoolean()) {
        break;
      }
      progress.known(state.lastUid(), state.uidValidity(), uids.size() - i);
      List<Long> batch = uids.subList(i, Math.min(uids.size(), i + rules.batchSize()));
      total += batch(s, batch);
    }
    progress.known(state.lastUid(), state.uidValidity(), 0);
    return total;
  }

  private int batch(FolderSession s, List<Long> batch) {
    if (rules.maxAttempts() == 0) {
      return deliver(s, batch);
    }
    // Messages with a count are suspects: each goes alone, so a crash is counted on the right one.
    int total = 0;
    List<Long> run = new ArrayList<>();
    for (long uid : batch) {
      if (state.attempts().containsKey(uid)) {
        total += deliver(s, run);
        run = new ArrayList<>();
        total += deliver(s, List.of(uid));
      } else {
        run.add(uid);
      }
    }
    return total + deliver(s, run);
  }

  private int deliver(FolderSession s, List<Long> uids) {
    if (uids.isEmpty()) {
      return 0;
    }
    boolean counting = rules.maxAttempts() > 0;
    if (counting) {
      if (uids.size() == 1) {
        int tries = state.attempts().getOrDefault(uids.get(0), 0);
        if (tries >= rules.maxAttempts()) {
          quarantine(s, uids.get(0), tries, "the handler did not accept it in " + tries + " attempts; the last one "
              + "never returned (the process stopped or crashed while the handler held it)");
          return 0;
        }
      }
      Map<Long, Integer> marked = new TreeMap<>(state.attempts());
      uids.forEach(u -> marked.merge(u, 1, Integer::sum));
      state = state.withAttempts(marked);
      store.save(state); // durable before the handler sees them: a crash is counted too
    }
    List<Long> accepted = new ArrayList<>();
    List<Long> postActionable = new ArrayList<>();
    RuntimeException failure = null;
    try {
      s.deliver(uids, new DocumentHandler() {
        @Override
        public void handle(io.mailbridge.document.MailDocument doc) {
          long uid = doc.properties().uid().orElseThrow();
          try {
            handler.handle(doc);
          } catch (RuntimeException e) {
            throw new HandlerFailure(uid, e);
          }
          accepted.add(uid);
          if (!doc.reference()) { // a reference keeps its message on the server untouched
            postActionable.add(uid);
          }
        }

        @Override
        public void deadLetter(io.mailbridge.receive.DeadLetter letter) {
          handler.deadLetter(letter);
        }
      });
    } catch (RuntimeException e) {
      failure = e;
    }
    HandlerFailure refused = failure instanceof HandlerFailure h ? h : null;
    // Without a failure every message is handled (unreadable, oversized and quarantined ones included);
    // after a refusal every message before the refused one is (delivery goes in UID order).
    long newLast;
    if (failure == null) {
      newLast = uids.get(uids.size() - 1);
    } else if (refused != null && uids.indexOf(refused.uid()) > 0) {
      newLast = uids.get(uids.indexOf(refused.uid()) - 1);
    } else {
      newLast = accepted.isEmpty() ? state.lastUid() : accepted.get(accepted.size() - 1);
    }
    Map<Long, Integer> attempts = state.attempts();
    if (counting) {
      attempts = new TreeMap<>(attempts);
      for (long u : uids) {
        if (u <= newLast) {
          attempts.remove(u);
        } else if (refused == null || u != refused.uid()) {
          attempts.computeIfPresent(u, (k, n) -> n <= 1 ? null : n - 1); // not tried after all
        }
      }
    }
    if (newLast != state.lastUid() || !accepted.isEmpty() || counting) {
      state = new FolderState(key.mailbox(), key.folder(), state.uidValidity(), Math.max(newLast, state.lastUid()),
          rules.hasPostAction() ? postActionable : List.of(), attempts);
      cursor.advance(state.lastUid());
      store.save(state); // durable before any post-action can move a message away
      progress.delivered(accepted.size());
      progress.known(state.lastUid(), state.uidValidity(), 0);
      if (!state.pending().isEmpty()) {
        s.postAction(state.pending());
        postActionApplied(state.pending());
        state = state.withPending(List.of());
        store.save(state);
      }
    }
    if (refused != null && counting) {
      int tries = state.attempts().getOrDefault(refused.uid(), 0);
      if (tries >= rules.maxAttempts()) {
        quarantine(s, refused.uid(), tries, refused.getCause().toString());
        List<Long> rest = uids.subList(uids.indexOf(refused.uid()) + 1, uids.size());
        return accepted.size() + deliver(s, new ArrayList<>(rest));
      }
    }
    if (failure != null) {
      throw failure;
    }
    return accepted.size();
  }

  /** Dead letter, move (or keyword), then the watermark past it and its count dropped. */
  private void quarantine(FolderSession s, long uid, int tries, String reason) {
    s.quarantine(uid, reason, tries, handler);
    Map<Long, Integer> attempts = new TreeMap<>(state.attempts());
    attempts.remove(uid);
    state = new FolderState(key.mailbox(), key.folder(), state.uidValidity(), Math.max(uid, state.lastUid()),
        state.pending(), attempts);
    cursor.advance(state.lastUid());
    store.save(state);
    progress.known(state.lastUid(), state.uidValidity(), 0);
  }

  /** The current in-memory state (after {@link #prepare}). */
  public FolderState state() {
    return state;
  }
}
