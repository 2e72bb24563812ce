package io.mailbridge.listen.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.imap.FolderPaths;
import io.mailbridge.listen.FolderState;
import io.mailbridge.listen.Health;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.receive.FolderSession;
import io.mailbridge.receive.IncrementalReceive;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection of a watcher, from its slot of the server's budget to its close: one folder in
 * IDLE (or polled when the server offers no IDLE or gives no push), or several folders polled in
 * turn on the one connection. Ends on stop, on failure (the exception goes to the watcher) or when
 * it hands its slot over.
 */
final class ConnectionWatch {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionWatch.class);
  /** How long a server may take to tear a session down after answering LOGOUT. */
  private static final Duration SERVER_TEARDOWN = Duration.ofMillis(100);
  /** How long to wait for a server to close the connection after LOGOUT before relying on the delay above. */
  private static final Duration SERVER_TEARDOWN_MAX = Duration.ofSeconds(2);
  private static final String MISSING_FOLDER = "create it or fix the folder name (list with `mailbridge folders`)";
  /**
   * Angus pauses minidletime (10 ms by default) after every IDLE for threads that process folder
   * events; the watcher reads no events and checks for new mail at once.
   */
  private static final Properties IDLE_NO_PAUSE = new Properties();

  static {
    IDLE_NO_PAUSE.setProperty("mail.imap.minidletime", "0");
    IDLE_NO_PAUSE.setProperty("mail.imaps.minidletime", "0");
  }

  final Endpoint endpoint;
  final String mailbox;
  final List<String> folders;
  final ListenerSettings settings;
  final Map<String, FolderStatus> statuses;
  private final Map<String, FolderSync> syncs;
  private final Watcher.Limits limits;
  private final Recorder metrics;
  final WatchSignals signals;
  final Turns turns;
  private final IntFunction<Duration> backoff;
  private final Runnable succeeded;
  final String keepaliveName;
  /** Whether the server reports new mail during IDLE (one folder per watcher when idling). */
  private final IdlePush push = new IdlePush();
  private int connects;
  /** Per folder, what the last completed checks looked at: a STATUS then tells whether a check is needed. */
  private final Map<String, SeenUids> seen = new java.util.HashMap<>();
  /** Whether the server was seen closing the last connection after its LOGOUT. */
  private boolean serverClosed;

  /** @param backoff the delay before the n-th retry; @param succeeded told after every check that went through */
  ConnectionWatch(Endpoint endpoint, String mailbox, List<String> folders, ListenerSettings settings,
      Map<String, FolderStatus> statuses, Map<String, FolderSync> syncs, Watcher.Limits limits, WatchSignals signals,
      IntFunction<Duration> backoff, Runnable succeeded, String keepaliveName) {
    this.endpoint = endpoint;
    this.mailbox = mailbox;
    this.folders = folders;
    this.settings = settings;
    this.statuses = statuses;
    this.syncs = syncs;
    this.limits = limits;
    this.metrics = endpoint.recorder();
    this.signals = signals;
    this.turns = new Turns(limits.permits());
    this.backoff = backoff;
    this.succeeded = succeeded;
    this.keepaliveName = keepaliveName;
    folders.forEach(f -> seen.put(f, new SeenUids()));
  }

  /** Whether the last connection ended by handing its slot over to another one waiting. */
  boolean handedOver() {
    return turns.handedOver();
  }

  /** One connection's life: a slot of the server's budget, connect, watch until stop, failure or hand-over. */
  void run(IncrementalReceive pipeline) {
    for (FolderStatus st : statuses.values()) {
      st.status = Health.Status.CONNECTING;
    }
    boolean afterHandOver = turns.handedOver();
    serverClosed = false;
    try {
      if (!turns.take(signals::stopping)) {
        return;
      }
    } catch (InterruptedException e) {
      signals.interrupted();
      return;
    }
    try {
      connected(pipeline, afterHandOver);
    } finally {
      if (turns.handedOver() && !serverClosed) {
        // A server counts a session until it has torn it down, a moment after it answered LOGOUT;
        // when its close was not seen, the connection waiting for this slot starts after a delay
        // for that, so the server never sees more sessions than the budget.
        signals.sleep(SERVER_TEARDOWN);
      }
      turns.giveBack();
    }
  }

  private void connected(IncrementalReceive pipeline, boolean afterHandOver) {
    if (connects++ > 0 && !afterHandOver) {
      statuses.values().forEach(st -> st.reconnects.incrementAndGet());
      folders.forEach(metrics::reconnect);
    }
    try (ImapClient imap = ImapClient.open(endpoint, IDLE_NO_PAUSE, false)) {
      signals.connection(imap);
      if (signals.stopping()) {
        return;
      }
      boolean idle = settings.useIdle() && folders.size() == 1 && imap.capabilities().containsKey("IDLE")
          && !push.absent();
      if (folders.size() == 1) {
        watchOne(imap, pipeline, idle);
      } else {
        new ManyFolders(this, imap, pipeline).run();
      }
      if (turns.handedOver()) {
        // The next connection gets the slot once the server has ended this session.
        serverClosed = imap.logoutAwaitingClose(SERVER_TEARDOWN_MAX);
      }
    } finally {
      signals.connection(null);
      for (FolderStatus st : statuses.values()) {
        st.connected = false;
        st.idling = false;
      }
    }
  }

  private IncrementalReceive.Selected select(ImapClient imap, IncrementalReceive pipeline, String folder) {
    return pipeline.select(imap, folder, settings.postAction(), settings.quarantine().isPresent(), MISSING_FOLDER);
  }

  private void watchOne(ImapClient imap, IncrementalReceive pipeline, boolean idle) {
    String folder = folders.get(0);
    FolderStatus st = statuses.get(folder);
    FolderSync sync = syncs.get(folder);
    signals.checkBegins();
    // STATUS names the folder as the server does (Courier's "INBOX." namespace): under the user's
    // name it is refused, and every turn would select the folder instead.
    Optional<ImapClient.FolderCounts> counts = turns.limited()
        ? imap.status(FolderPaths.serverName(imap.store(), folder)) : Optional.empty();
    if (counts.isPresent() && seen.get(folder).nothingNew(sync.state(), counts.get()) && handOver()) {
      quietTurn(st, folder);
      return;
    }
    try (IncrementalReceive.Selected s = select(imap, pipeline, folder)) {
      st.connected = true;
      sync.prepare(s);
      check(st, sync, s);
      // The check searched after the STATUS: every UID below its UIDNEXT has been looked at.
      counts.ifPresent(c -> seen.get(folder).checked(sync.state(), c));
      if (signals.stopping() || handOver()) {
        return;
      }
      if (!idle) {
        pollOne(st, sync, s);
        return;
      }
      LOG.info("listen idling mailbox={} folder={} lastUid={}", mailbox, folder, sync.state().lastUid());
      if (idleUntilHandOver(st, sync, s, folder)) {
        return;
      }
      if (push.absent()) {
        pollOne(st, sync, s);
      }
    }
  }

  /** A turn that found nothing new by STATUS: a completed check for health, metrics and poll spacing. */
  private void quietTurn(FolderStatus st, String folder) {
    st.connected = true;
    st.status = Health.Status.POLLING;
    st.success();
    succeeded.run();
    metrics.poll(folder, System.nanoTime() - signals.checkBegan());
  }

  /** IDLE, check, IDLE again; true when the slot was handed over, false on stop or when the server gives no push. */
  private boolean idleUntilHandOver(FolderStatus st, FolderSync sync, IncrementalReceive.Selected s, String folder) {
    Thread keepalive = Keepalive.start(s, signals, turns, settings, keepaliveName);
    try {
      while (!signals.stopping()) {
        st.status = Health.Status.IDLING;
        st.idling = true;
        signals.idling(s);
        if (signals.stopping()) {
          break;
        }
        // Mail that arrived while the check ran is reported by a server at its next look at the
        // folder: a NOOP makes that look now, where an IDLE would wait for the server's own
        // notification timer (Dovecot starts it afresh with each IDLE: half a second).
        s.noop();
        // Returns on any untagged response, when keepalive/stop ends it, or at once for mail
        // announced since the search (by that NOOP too).
        boolean pushed = s.idle();
        st.idling = false;
        if (!signals.stopping()) {
          long before = sync.state().lastUid();
          check(st, sync, s);
          if (push.afterIdle(pushed, sync.state().lastUid() > before)) {
            LOG.warn("listen gets no IDLE push mailbox={} folder={}: new mail showed only after a keepalive NOOP "
                + "{} times in a row; polling every {} instead", mailbox, folder, IdlePush.MISSES,
                settings.pollInterval());
            return false;
          }
        }
        if (handOver()) {
          return true;
        }
      }
      return false;
    } finally {
      signals.idling(null);
      st.idling = false;
      keepalive.interrupt();
    }
  }

  private void pollOne(FolderStatus st, FolderSync sync, IncrementalReceive.Selected s) {
    LOG.info("listen polling mailbox={} folder={} interval={}", mailbox, folders.get(0), settings.pollInterval());
    while (!signals.stopping()) {
      if (handOver()) {
        return;
      }
      st.status = Health.Status.POLLING;
      signals.sleep(untilNextPoll(signals.checkBegan()));
      if (!signals.stopping()) {
        check(st, sync, s);
      }
    }
  }

  /**
   * Looks at one of several folders sharing the connection: by STATUS first, and selects, searches
   * and fetches it only when STATUS shows news. True when it was selected.
   */
  boolean lookAt(ImapClient imap, IncrementalReceive pipeline, String folder,
      Function<String, Optional<ImapClient.FolderCounts>> status) {
    FolderStatus st = statuses.get(folder);
    FolderSync sync = syncs.get(folder);
    signals.checkBegins();
    Optional<ImapClient.FolderCounts> counts = status.apply(folder);
    if (counts.isPresent() && seen.get(folder).nothingNew(sync.state(), counts.get())) {
      quietTurn(st, folder);
      return false;
    }
    try (IncrementalReceive.Selected s = select(imap, pipeline, folder)) {
      st.connected = true;
      sync.prepare(s);
      check(st, sync, s);
      counts.ifPresent(c -> seen.get(folder).checked(sync.state(), c));
      st.status = Health.Status.POLLING;
    }
    return true;
  }

  /**
   * Polls start pollInterval apart (from the start of one check to the next), so mail waits at most
   * the interval plus one check, not the interval plus the time the last check took.
   */
  Duration untilNextPoll(long lastCheckStarted) {
    return Duration.ofNanos(Math.max(0, lastCheckStarted + settings.pollInterval().toNanos() - System.nanoTime()));
  }

  boolean handOver() {
    return !signals.stopping() && turns.handOver(mailbox, folders);
  }

  /**
   * Delivers what is new. A handler refusal keeps the connection: the refused document and the
   * rest of its batch are delivered again after a backoff, on the same session.
   */
  private void check(FolderStatus st, FolderSync sync, FolderSession session) {
    FolderSession s = limits.bucket().<FolderSession>map(b -> new RateLimitedSession(session, b, signals::stopping))
        .orElse(session);
    int refusals = 0;
    String folder = st.snapshot().folder();
    signals.checkBegins();
    while (true) {
      st.delivering();
      try {
        int n = sync.syncNew(s, signals::stopping);
        if (n > 0) {
          LOG.info("listen delivered mailbox={} folder={} documents={} lastUid={}", mailbox, folder, n,
              sync.state().lastUid());
        }
        st.success();
        succeeded.run();
        metrics.poll(folder, System.nanoTime() - signals.checkBegan());
        return;
      } catch (RateLimitedSession.Stopped e) {
        return;
      } catch (FolderSync.HandlerFailure e) {
        refusals++;
        Duration delay = backoff.apply(refusals);
        LOG.warn("listen handler refused mailbox={} folder={} uid={} retryInMs={} error={}", mailbox, folder,
            e.uid(), delay.toMillis(), e.getCause().toString());
        st.error(e);
        metrics.error(folder, "listen", "handler");
        signals.sleep(delay);
        if (signals.stopping()) {
          return;
        }
      }
    }
  }
}
