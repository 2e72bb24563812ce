package io.mailbridge.listen.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.listen.FolderState;
import io.mailbridge.listen.Health;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.listen.StateStore;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.IncrementalReceive;
import io.mailbridge.receive.ReceiveSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection of a Listener and the folders it watches, on its own thread: one folder with
 * IDLE, or several folders polled in turn ({@link ConnectionWatch}). Reconnects with exponential
 * backoff and jitter after any failure; stops for good only on errors a retry cannot fix
 * (configuration, UIDVALIDITY policy FAIL).
 */
public final class Watcher {
  private static final Logger LOG = LoggerFactory.getLogger(Watcher.class);

  private final String mailbox;
  private final List<String> folders;
  private final ListenerSettings settings;
  private final Endpoint endpoint;
  private final Recorder metrics;
  private final Map<String, FolderStatus> statuses = new LinkedHashMap<>();
  private final WatchSignals signals = new WatchSignals();
  private final ConnectionWatch connection;
  private final Thread thread;
  private int failures;

  /**
   * What a watcher shares with others: the server's connection slots (a ConnectionBudget) and the
   * mailbox's rate limit (a token bucket, empty for none).
   */
  public record Limits(ServerPermits permits, Optional<TokenBucket> bucket) {
    public static final Limits NONE = new Limits(ServerPermits.UNLIMITED, Optional.empty());
  }

  public Watcher(Endpoint endpoint, String mailbox, List<String> folders, ListenerSettings settings, StateStore store,
      DocumentHandler handler, int index) {
    this(endpoint, mailbox, folders, settings, store, handler, index, Limits.NONE);
  }

  public Watcher(Endpoint endpoint, String mailbox, List<String> folders, ListenerSettings settings, StateStore store,
      DocumentHandler handler, int index, Limits limits) {
    // A read waits at most keepalive + responseTimeout: an idling connection gets a NOOP every
    // keepalive, so a silent socket beyond that is dead (stalled NAT, server gone) and is replaced.
    this.endpoint = endpoint.toBuilder().readTimeout(settings.keepalive().plus(settings.responseTimeout()))
        .connectTimeout(min(endpoint.connectTimeout(), settings.responseTimeout())).build();
    this.mailbox = mailbox;
    this.folders = List.copyOf(folders);
    this.settings = settings;
    this.metrics = this.endpoint.recorder();
    FolderSync.Rules rules = new FolderSync.Rules(settings.start(), settings.uidValidityPolicy(),
        settings.postAction().writes(), settings.batchSize(),
        settings.quarantine().map(io.mailbridge.receive.Quarantine::maxAttempts).orElse(0));
    Map<String, FolderSync> syncs = new LinkedHashMap<>();
    for (String f : folders) {
      FolderStatus st = new FolderStatus(mailbox, f, settings.stallTimeout());
      statuses.put(f, st);
      DocumentHandler timed = new TimedHandler(handler, st, metrics, f, signals::checkBegan);
      syncs.put(f, new FolderSync(new FolderState.Key(mailbox, f), rules, store, timed, st));
    }
    this.thread = new Thread(this::run, "mailbridge-listen-" + index);
    this.connection = new ConnectionWatch(this.endpoint, mailbox, this.folders, settings, statuses, syncs, limits,
        signals, this::backoff, () -> failures = 0, thread.getName() + "-keepalive");
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
    signals.requestStop();
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
        signals.poke();
      }
    }
    return true;
  }

  /** Abandons the in-flight batch (it will be re-delivered): closes the connection under the watcher. */
  public void abandon() {
    signals.abandon();
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
      while (!signals.stopping()) {
        try {
          connection.run(pipeline);
          if (connection.handedOver() && !signals.stopping()) {
            // Taking turns under a connection budget: the slot queue is fair, so queueing again at
            // once already lets every other waiter go first; this only keeps a folder's checks at
            // least pollInterval apart when few others wait.
            signals.sleep(Duration.ofNanos(Math.max(0,
                signals.checkBegan() + settings.pollInterval().toNanos() - System.nanoTime())));
          }
        } catch (ConfigException | BadInputException | FolderSync.Fatal e) {
          RuntimeException cause = e instanceof FolderSync.Fatal f ? f.error() : e;
          LOG.error("listen stopped mailbox={} folders={} error={}", mailbox, folders, cause.getMessage());
          failedForGood(cause);
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
      failedForGood(error);
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

  private void failedForGood(RuntimeException cause) {
    folders.forEach(f -> metrics.error(f, "listen", Recorder.kind(cause)));
    for (FolderStatus st : statuses.values()) {
      st.failed(cause);
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
    signals.sleep(delay);
  }

  /** min * 2^(n-1), capped at max, times a random factor in [1 - jitter, 1 + jitter]. */
  Duration backoff(int n) {
    long min = settings.reconnectMin().toMillis();
    long max = settings.reconnectMax().toMillis();
    long base = n >= 31 ? max : Math.min(max, min << Math.max(0, n - 1));
    double j = settings.jitter() * (ThreadLocalRandom.current().nextDouble() * 2 - 1);
    return Duration.ofMillis(Math.max(1, Math.round(base * (1 + j))));
  }
}
