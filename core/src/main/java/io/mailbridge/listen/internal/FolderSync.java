package io.mailbridge.listen.internal;

import io.mailbridge.ProtocolException;
import io.mailbridge.listen.FolderState;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.StateStore;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.receive.DocumentHandler;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The crash-safe part of the Listener for one folder, independent of IMAP details. Per batch the
 * effects happen in this order (DESIGN.md "Incremental receive and state"):
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
 */
public final class FolderSync {
  private static final Logger LOG = LoggerFactory.getLogger(FolderSync.class);

  /** The rules FolderSync follows (a slice of ListenerSettings). */
  public record Rules(StartPosition start, UidValidityPolicy uidValidityPolicy, boolean hasPostAction,
      int batchSize) {}

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
  private FolderState state;

  public FolderSync(FolderState.Key key, Rules rules, StateStore store, DocumentHandler handler, Progress progress) {
    this.key = key;
    this.rules = rules;
    this.store = store;
    this.handler = handler;
    this.progress = progress;
  }

  /**
   * On a fresh session: decides the watermark (saved state, start position, or UIDVALIDITY policy)
   * and completes post-actions left pending by a previous run.
   */
  public FolderState prepare(FolderSession s) {
    long uv = s.uidValidity();
    FolderState saved = store.load(key).orElse(null);
    if (saved == null) {
      long last;
      if (rules.start() instanceof StartPosition.Since since) {
        List<Long> uids = s.uidsSince(since.day());
        last = uids.isEmpty() ? highestUid(s) : uids.get(0) - 1;
      } else if (rules.start() instanceof StartPosition.All) {
        last = 0;
      } else {
        last = highestUid(s);
      }
      state = new FolderState(key.mailbox(), key.folder(), uv, last, List.of());
      store.save(state);
      LOG.info("listen first start mailbox={} folder={} uidValidity={} start={} lastUid={}", key.mailbox(),
          key.folder(), uv, rules.start(), last);
    } else if (saved.uidValidity() != uv) {
      state = changedUidValidity(s, saved, uv);
    } else {
      state = saved;
    }
    if (!state.pending().isEmpty()) {
      LOG.info("listen completing pending post-action mailbox={} folder={} uids={}", key.mailbox(), key.folder(),
          state.pending().size());
      s.postAction(state.pending());
      state = state.withPending(List.of());
      store.save(state);
    }
    progress.known(state.lastUid(), uv, 0);
    return state;
  }

  private FolderState changedUidValidity(FolderSession s, FolderState saved, long uv) {
    String what = "UIDVALIDITY of mailbox=" + key.mailbox() + " folder=" + key.folder() + " changed from "
        + saved.uidValidity() + " to " + uv + " (folder recreated or server index rebuilt): saved UIDs mean nothing now";
    switch (rules.uidValidityPolicy()) {
      case FAIL -> {
        LOG.error("listen {}; policy FAIL: stopping this folder", what);
        throw new Fatal(new ProtocolException(what + "; policy FAIL: choose --uidvalidity rescan (deliver the folder "
            + "again) or skip (only new mail), or remove the folder from the state file", false, null));
      }
      case RESCAN -> {
        LOG.warn("listen {}; policy RESCAN: delivering every message of the folder again, dropping {} pending "
            + "post-actions", what, saved.pending().size());
        FolderState st = new FolderState(key.mailbox(), key.folder(), uv, 0, List.of());
        store.save(st);
        return st;
      }
      default -> {
        long last = highestUid(s);
        LOG.warn("listen {}; policy SKIP: continuing after uid {} (messages already there are not delivered), "
            + "dropping {} pending post-actions", what, last, saved.pending().size());
        FolderState st = new FolderState(key.mailbox(), key.folder(), uv, last, List.of());
        store.save(st);
        return st;
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

  /**
   * Delivers every message above the watermark, batch by batch; returns how many were accepted.
   * Stops at {@code stopRequested} between batches.
   */
  public int syncNew(FolderSession s, java.util.function.BooleanSupplier stopRequested) {
    // RFC 3501 6.4.8/9: "n:*" always matches the highest UID even when it is below n, so filter here.
    long last = state.lastUid();
    List<Long> uids = s.uidsAfter(last).stream().filter(u -> u > last).toList();
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
    List<Long> accepted = new ArrayList<>();
    RuntimeException failure = null;
    try {
      s.deliver(batch, doc -> {
        long uid = doc.properties().uid().orElseThrow();
        try {
          handler.handle(doc);
        } catch (RuntimeException e) {
          throw new HandlerFailure(uid, e);
        }
        accepted.add(uid);
      });
    } catch (RuntimeException e) {
      failure = e;
    }
    // Without a failure the whole batch is handled (skipped unreadable messages included).
    long newLast = failure == null ? batch.get(batch.size() - 1)
        : accepted.isEmpty() ? state.lastUid() : accepted.get(accepted.size() - 1);
    if (newLast != state.lastUid() || !accepted.isEmpty()) {
      state = new FolderState(key.mailbox(), key.folder(), state.uidValidity(), Math.max(newLast, state.lastUid()),
          rules.hasPostAction() ? accepted : List.of());
      store.save(state); // durable before any post-action can move a message away
      progress.delivered(accepted.size());
      progress.known(state.lastUid(), state.uidValidity(), 0);
      if (!state.pending().isEmpty()) {
        s.postAction(state.pending());
        state = state.withPending(List.of());
        store.save(state);
      }
    }
    if (failure != null) {
      throw failure;
    }
    return accepted.size();
  }

  /** The current in-memory state (after {@link #prepare}). */
  public FolderState state() {
    return state;
  }
}
