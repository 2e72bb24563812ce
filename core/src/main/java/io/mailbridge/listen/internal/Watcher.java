package io.mailbridge.listen.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.listen.FolderState;
import io.mailbridge.listen.Health;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.listen.StateStore;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.FolderSession;
import io.mailbridge.receive.IncrementalReceive;
import io.mailbridge.receive.ReceiveSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection of a Listener and the folders it watches: one folder with IDLE, or several
 * folders polled in turn. Reconnects with exponential backoff and jitter after any failure; stops
 * for good only on errors a retry cannot fix (configuration, UIDVALIDITY policy FAIL).
 */
public final class Watcher {
  private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);
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

  private final Endpoint endpoint;
  private final String mailbox;
  private final List<String> folders;
  private final ListenerSettings settings;
  private final DocumentHandler handler;
  private final Recorder metrics;
  private final Map<String, FolderStatus> statuses = new LinkedHashMap<>();
  private final Map<String, FolderSync> syncs = new LinkedHashMap<>();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean stopping;
  private volatile IncrementalReceive.Selected idleSession;
  private volatile ImapClient current;
  private volatile long heldSince;
  private final Limits limits;
  private int failures;
  private int connects;
  // When the current check began: the new-mail signal (IDLE answered) or the poll; for hand-over latency.
  private volatile long signalNanos;
  private boolean handedOver;
  /** Whether the server reports new mail during IDLE (one folder per watcher when idling). */
  private final IdlePush push = new IdlePush();

  /**
   * What a watcher shares with others: the server's connection slots (a ConnectionBudget) and the
   * mailbox's rate limit (a token bucket, empty for none).
   */
  public record Limits(ServerPermits permits, java.util.Optional<TokenBucket> bucket) {
    public static final Limits NONE = new Limits(ServerPermits.UNLIMITED, java.util.Optional.empty());
  }

  public Watcher(Endpoint endpoint, String mailbox, List<String> folders, ListenerSettings settings, StateStore store,
      DocumentHandler handler, int index) {
    this(endpoint, mailbox, folders, settings, store, handler, index, Limits.NONE);
  }

  public Watcher(Endpoint endpoint, String mailbox, List<String> folders, ListenerSettings settings, StateStore store,
      DocumentHandler handler, int index, Limits limits) {
    this.limits = limits;
    // A read waits at most keepalive + responseTimeout: an idling connection gets a NOOP every
    // keepalive, so a silent socket beyond that is dead (stalled NAT, server gone) and is replaced.
    this.endpoint = endpoint.toBuilder().readTimeout(settings.keepalive().plus(settings.responseTimeout()))
        .connectTimeout(min(endpoint.connectTimeout(), settings.responseTimeout())).build();
    this.mailbox = mailbox;
    this.folders = List.copyOf(folders);
    this.settings = settings;
    this.handler = handler;
    this.metrics = this.endpoint.recorder();
    FolderSync.Rules rules = new FolderSync.Rules(settings.start(), settings.uidValidityPolicy(),
        settings.postAction().writes(), settings.batchSize(),
        settings.quarantine().map(io.mailbridge.receive.Quarantine::maxAttempts).orElse(0));
    for (String f : folders) {
      FolderStatus st = new FolderStatus(mailbox, f, settings.stallTimeout());
      statuses.put(f, st);
      // Times the hand-over and hands every other callback (dead letters, post-actions) on unchanged.
      DocumentHandler timed = new DocumentHandler.Forwarding(handler) {
        @Override
        public void handle(io.mailbridge.document.MailDocument doc) {
          super.handle(doc);
          st.moved();
          if (metrics.enabled()) {
            metrics.handover(f, System.nanoTime() - signalNanos);
          }
        }
      };
      syncs.put(f, new FolderSync(new FolderState.Key(mailbox, f), rules, store, timed, st));
    }
    this.thread = new Thread(this::run, "mailbridge-listen-" + index);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  public List<FolderStatus> statuses() {
    return List.copyOf(statuses.values());
  }

  public void start() {
    thread.start();
  }

  /** Asks the watcher to stop after the batch in hand; ends a running IDLE. */
  public void requestStop() {
    stopping = true;
    stopSignal.countDown();
    poke();
  }

  /** Waits for the watcher thread; re-pokes IDLE meanwhile (a poke may race with IDLE starting). */
  public boolean await(long deadlineNanos) throws InterruptedException {
    while (thread.isAlive()) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      thread.join(Math.max(1, Math.min(200, TimeUnit.NANOSECONDS.toMillis(left))));
      if (thread.isAlive()) {
        poke();
      }
    }
    return true;
  }

  /** Abandons the in-flight batch (it will be re-delivered): closes the connection under the watcher. */
  public void abandon() {
    ImapClient c = current;
    if (c != null) {
      Thread t = new Thread(c::close, "mailbridge-listen-abandon");
      t.setDaemon(true);
      t.start();
    }
  }

  private void poke() {
    IncrementalReceive.Selected s = idleSession;
    if (s != null) {
      Thread t = new Thread(() -> {
        try {
          s.noop();
        } catch (RuntimeException e) {
          LOG.debug("listen poke error={}", e.toString());
        }
      }, "mailbridge-listen-poke");
      t.setDaemon(true);
      t.start();
    }
  }

  private void run() {
    ReceiveSettings receive = ReceiveSettings.builder().folder(folders.get(0)).format(settings.format())
        .cacheDir(settings.cacheDir().orElse(null)).batchMaxMessages(settings.batchSize())
        .sizeLimits(settings.sizeLimits()).quarantine(settings.quarantine().orElse(null)).build();
    IncrementalReceive pipeline = null;
    List<AutoCloseable> gauges = new ArrayList<>();
    statuses.forEach((f, st) -> gauges.add(metrics.lag(f, st::lag)));
    try {
      pipeline = IncrementalReceive.open(endpoint, receive, "listen");
      while (!stopping) {
        try {
          connectAndWatch(pipeline);
          if (handedOver && !stopping) {
            // Rotation under a connection budget: let the others have their turn before queueing again.
            sleep(settings.pollInterval());
          }
        } catch (ConfigException | BadInputException | FolderSync.Fatal e) {
          RuntimeException cause = e instanceof FolderSync.Fatal f ? f.error() : e;
          LOG.error("listen stopped mailbox={} folders={} error={}", mailbox, folders, cause.getMessage());
          folders.forEach(f -> metrics.error(f, "listen", Recorder.kind(cause)));
          for (FolderStatus st : statuses.values()) {
            st.failed(cause);
          }
          return;
        } catch (RuntimeException e) {
          failed(e, "reconnecting");
        } catch (StackOverflowError | OutOfMemoryError e) {
          // What a server sends is bounded before it is read, so this is a fault of ours: the
          // listener reports it and reconnects instead of dying silently with its health stale.
          failed(new IllegalStateException("internal error while listening: " + e, e), "reconnecting");
        }
      }
    } catch (RuntimeException | Error e) {
      // Any other Error (one from the handler included) ends the watcher with a clear FAILED status
      // instead of a dead thread whose health stays at its last word.
      RuntimeException error = e instanceof RuntimeException r ? r
          : new IllegalStateException("internal error while listening: " + e, e);
      LOG.error("listen stopped mailbox={} folders={} error={}", mailbox, folders, error.toString());
      folders.forEach(f -> metrics.error(f, "listen", Recorder.kind(error)));
      for (FolderStatus st : statuses.values()) {
        st.failed(error);
      }
      return;
    } finally {
      if (pipeline != null) {
        pipeline.close();
      }
      for (AutoCloseable g : gauges) {
        try {
          g.close();
        } catch (Exception ignored) {
          // removing a gauge cannot fail in a way worth reporting
        }
      }
      for (FolderStatus st : statuses.values()) {
        st.connected = false;
        st.idling = false;
        if (st.status != Health.Status.FAILED) {
          st.status = Health.Status.STOPPED;
        }
      }
    }
  }

  private void failed(RuntimeException e, String what) {
    failures++;
    Duration delay = io.mailbridge.connection.Throttle.delay(e, backoff(failures));
    if (io.mailbridge.connection.Throttle.is(e)) {
      LOG.warn("listen throttled by the server mailbox={} folders={} failures={} retryInMs={} error={}", mailbox,
          folders, failures, delay.toMillis(), e.getMessage());
    } else {
      LOG.warn("listen error mailbox={} folders={} failures={} retryInMs={} ({}) error={}", mailbox, folders, failures,
          delay.toMillis(), what, e.getMessage());
    }
    folders.forEach(f -> metrics.error(f, "listen", Recorder.kind(e)));
    for (FolderStatus st : statuses.values()) {
      st.error(e);
      st.connected = false;
      st.idling = false;
      st.status = Health.Status.RECONNECTING;
    }
    sleep(delay);
  }

  /** min * 2^(n-1), capped at max, times a random factor in [1 - jitter, 1 + jitter]. */
  Duration backoff(int n) {
    long min = settings.reconnectMin().toMillis();
    long max = settings.reconnectMax().toMillis();
    long base = n >= 31 ? max : Math.min(max, min << Math.max(0, n - 1));
    double j = settings.jitter() * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return Duration.ofMillis(Math.max(1, Math.round(base * (1 + j))));
  }

  private void sleep(Duration d) {
    try {
      stopSignal.await(d.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
    }
  }

  /** One connection's life: a slot of the server's budget, connect, watch until stop, failure or hand-over. */
  private void connectAndWatch(IncrementalReceive pipeline) {
    for (FolderStatus st : statuses.values()) {
      st.status = Health.Status.CONNECTING;
    }
    try {
      if (!limits.permits().acquire(() -> stopping)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      stopping = true;
      return;
    }
    heldSince = System.nanoTime();
    try {
      connected(pipeline);
    } finally {
      limits.permits().release();
    }
  }

  private void connected(IncrementalReceive pipeline) {
    if (connects++ > 0 && !handedOver) {
      statuses.values().forEach(st -> st.reconnects.incrementAndGet());
      folders.forEach(metrics::reconnect);
    }
    handedOver = false;
    try (ImapClient imap = ImapClient.open(endpoint, IDLE_NO_PAUSE, false)) {
      current = imap;
      if (stopping) {
        return;
      }
      boolean idle = settings.useIdle() && folders.size() == 1 && imap.capabilities().containsKey("IDLE")
          && !push.absent();
      if (folders.size() == 1) {
        watchOne(imap, pipeline, idle);
      } else {
        pollMany(imap, pipeline);
      }
    } finally {
      current = null;
      for (FolderStatus st : statuses.values()) {
        st.connected = false;
        st.idling = false;
      }
    }
  }

  private void watchOne(ImapClient imap, IncrementalReceive pipeline, boolean idle) {
    String folder = folders.get(0);
    FolderStatus st = statuses.get(folder);
    FolderSync sync = syncs.get(folder);
    try (IncrementalReceive.Selected s = pipeline.select(imap, folder, settings.postAction(),
        settings.quarantine().isPresent(), MISSING_FOLDER)) {
      st.connected = true;
      prepare(sync, s);
      check(st, sync, s);
      if (stopping) {
        return;
      }
      if (!idle) {
        pollOne(st, sync, s);
        return;
      }
      LOG.info("listen idling mailbox={} folder={} lastUid={}", mailbox, folder, sync.state().lastUid());
      Thread keepalive = keepalive(s);
      try {
        while (!stopping) {
          st.status = Health.Status.IDLING;
          st.idling = true;
          idleSession = s;
          if (stopping) {
            break;
          }
          // Returns on any untagged response, when keepalive/stop ends it, or at once for mail
          // announced since the search.
          boolean pushed = s.idle();
          st.idling = false;
          if (!stopping) {
            long before = sync.state().lastUid();
            check(st, sync, s);
            if (push.afterIdle(pushed, sync.state().lastUid() > before)) {
              LOG.warn("listen gets no IDLE push mailbox={} folder={}: new mail showed only after a keepalive NOOP "
                  + "{} times in a row; polling every {} instead", mailbox, folder, IdlePush.MISSES,
                  settings.pollInterval());
              break;
            }
          }
          if (handOver()) {
            return;
          }
        }
      } finally {
        idleSession = null;
        st.idling = false;
        keepalive.interrupt();
      }
      if (push.absent()) {
        pollOne(st, sync, s);
      }
    }
  }

  private void pollOne(FolderStatus st, FolderSync sync, IncrementalReceive.Selected s) {
    LOG.info("listen polling mailbox={} folder={} interval={}", mailbox, folders.get(0), settings.pollInterval());
    while (!stopping) {
      if (handOver()) {
        return;
      }
      st.status = Health.Status.POLLING;
      sleep(untilNextPoll(signalNanos));
      if (!stopping) {
        check(st, sync, s);
      }
    }
  }

  /**
   * Ends IDLE every min(keepalive, idleRenew) with a NOOP from this thread: Angus sends DONE, the
   * IDLE call returns, and the watcher re-issues IDLE. A dead connection makes the pending read
   * time out (keepalive + responseTimeout), which fails the watcher's IDLE and triggers a reconnect.
   * Under a connection budget it also ends IDLE once another connection waits for a slot and this
   * one has had its pollInterval, so the slot can be handed over.
   */
  private Thread keepalive(IncrementalReceive.Selected s) {
    long period = min(settings.keepalive(), settings.idleRenew()).toNanos();
    long tick = limits.permits().limited() ? Math.min(period, TimeUnit.MILLISECONDS.toNanos(200)) : period;
    Thread t = new Thread(() -> {
      long lastNoop = System.nanoTime();
      while (!stopping) {
        try {
          TimeUnit.NANOSECONDS.sleep(tick);
        } catch (InterruptedException e) {
          return;
        }
        long now = System.nanoTime();
        boolean due = now - lastNoop >= period;
        boolean turnOver = limits.permits().contended() && now - heldSince >= settings.pollInterval().toNanos();
        if (idleSession == s && (due || turnOver)) {
          lastNoop = now;
          try {
            s.keepalive();
          } catch (RuntimeException e) {
            LOG.debug("listen keepalive NOOP failed error={}", e.toString());
            return;
          }
        }
      }
    }, thread.getName() + "-keepalive");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void pollMany(ImapClient imap, IncrementalReceive pipeline) {
    LOG.info("listen polling mailbox={} folders={} interval={} (sharing one connection)", mailbox, folders,
        settings.pollInterval());
    while (!stopping) {
      long round = System.nanoTime();
      for (String folder : folders) {
        if (stopping) {
          return;
        }
        FolderStatus st = statuses.get(folder);
        try (IncrementalReceive.Selected s = pipeline.select(imap, folder, settings.postAction(),
            settings.quarantine().isPresent(), MISSING_FOLDER)) {
          st.connected = true;
          prepare(syncs.get(folder), s);
          check(st, syncs.get(folder), s);
          st.status = Health.Status.POLLING;
        }
      }
      if (handOver()) {
        return;
      }
      sleep(untilNextPoll(round));
    }
  }

  /**
   * Polls start pollInterval apart (from the start of one check to the next), so mail waits at most
   * the interval plus one check, not the interval plus the time the last check took.
   */
  private Duration untilNextPoll(long lastCheckStarted) {
    return Duration.ofNanos(Math.max(0, lastCheckStarted + settings.pollInterval().toNanos() - System.nanoTime()));
  }

  private static void prepare(FolderSync sync, FolderSession s) {
    sync.prepare(s);
  }

  /**
   * Under a connection budget: true (and the connection is to be closed) when another connection
   * waits for this server's slots and this one has had at least pollInterval.
   */
  private boolean handOver() {
    if (stopping || !limits.permits().contended()
        || System.nanoTime() - heldSince < settings.pollInterval().toNanos()) {
      return false;
    }
    LOG.debug("listen handing connection over mailbox={} folders={} server={}", mailbox, folders,
        limits.permits().server());
    handedOver = true;
    return true;
  }

  /**
   * Delivers what is new. A handler refusal keeps the connection: the refused document and the
   * rest of its batch are delivered again after a backoff, on the same session.
   */
  private void check(FolderStatus st, FolderSync sync, FolderSession session) {
    FolderSession s = limits.bucket().<FolderSession>map(b -> new RateLimitedSession(session, b, () -> stopping))
        .orElse(session);
    int refusals = 0;
    String folder = st.snapshot().folder();
    signalNanos = System.nanoTime();
    while (true) {
      st.delivering();
      try {
        int n = sync.syncNew(s, () -> stopping);
        if (n > 0) {
          LOG.info("listen delivered mailbox={} folder={} documents={} lastUid={}", mailbox, st.snapshot().folder(), n,
              sync.state().lastUid());
        }
        st.success();
        failures = 0;
        metrics.poll(folder, System.nanoTime() - signalNanos);
        return;
      } catch (RateLimitedSession.Stopped e) {
        return;
      } catch (FolderSync.HandlerFailure e) {
        refusals++;
        Duration delay = backoff(refusals);
        LOG.warn("listen handler refused mailbox={} folder={} uid={} retryInMs={} error={}", mailbox,
            st.snapshot().folder(), e.uid(), delay.toMillis(), e.getCause().toString());
        st.error(e);
        metrics.error(folder, "listen", "handler");
        sleep(delay);
        if (stopping) {
          return;
        }
      }
    }
  }
}
