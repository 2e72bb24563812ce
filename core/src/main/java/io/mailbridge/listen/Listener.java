package io.mailbridge.listen;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.listen.internal.CachePruner;
import io.mailbridge.listen.internal.FolderStatus;
import io.mailbridge.listen.internal.ServerPermits;
import io.mailbridge.listen.internal.TokenBucket;
import io.mailbridge.listen.internal.Watcher;
import io.mailbridge.receive.DocumentHandler;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches folders and hands every new message, as a {@link io.mailbridge.document.MailDocument}
 * made exactly as Receive makes it, to a handler; crash-safe and incremental. "New" is decided by
 * a saved watermark per folder ({@link FolderState}: UIDVALIDITY + last UID) in a
 * {@link StateStore}, never by \Seen.
 *
 * <p>Per batch the effects happen in this order: handler accepted (returned normally) -> watermark
 * saved -> post-action (mark read, move, delete). A crash anywhere re-delivers at most the batch in
 * flight; each document's {@code key()} (mailbox, folder, UIDVALIDITY, UID) lets consumers dedupe.
 * Post-actions that did not run before a crash run at the next start. A handler exception
 * re-delivers that document (and the rest of its batch) after a backoff; with a
 * {@link io.mailbridge.receive.Quarantine} it is quarantined after {@code maxAttempts} tries, counted
 * across restarts and crashes ({@link ListenerSettings#quarantine()}).
 *
 * <p>Uses IMAP IDLE (RFC 2177) when offered, re-issued at least every {@code idleRenew} and checked
 * with NOOP every {@code keepalive}; polls otherwise. Reconnects with exponential backoff and
 * jitter. At most {@code maxConnections} connections per mailbox, and with a
 * {@link ConnectionBudget} at most its limit per server over all listeners sharing it; the handler
 * is called from one thread per connection, so with several folders it must be thread-safe.
 * Throttling responses from the server ({@code [THROTTLED]}, {@code [UNAVAILABLE]}, a rate-limit
 * {@code BYE}) are backed off like failures, at least as long as the server suggests; a
 * {@link RateLimit} keeps the listener under a rate before the server has to ask.
 *
 * <pre>{@code
 * try (Listener l = Listener.of(connection)
 *     .settings(ListenerSettings.builder().folders("INBOX").postAction(PostAction.moveTo("Processed")).build())
 *     .stateStore(JsonFileStateStore.open(Path.of("state.json")))
 *     .handler(doc -> pipeline.accept(doc))
 *     .build()) {
 *   l.start();
 *   ...
 *   l.stop(Duration.ofSeconds(30)); // finishes the batch in hand, or leaves it to be re-delivered
 * }
 * }</pre>
 */
public final class Listener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Listener.class);

  private final List<Watcher> watchers;
  private final Optional<CachePruner> pruner;
  private volatile boolean running;
  private boolean started;

  private Listener(List<Watcher> watchers, Optional<CachePruner> pruner) {
    this.watchers = watchers;
    this.pruner = pruner;
  }

  /**
   * A listener on {@code connection}'s inbound (IMAP) server, to be given its settings, state store
   * and handler: the entry point every operation has ({@code Receive.of}, {@code Move.of}, …), with
   * a builder because a listener also needs a handler and a state store.
   */
  public static Builder of(MailConnection connection) {
    return new Builder(connection);
  }

  /**
   * As {@link #of}.
   *
   * @deprecated use {@link #of}, the entry point's name on every operation
   */
  @Deprecated
  public static Builder builder(MailConnection connection) {
    return of(connection);
  }

  /** The mailbox name used in state keys and document keys: {@code user@host:port}. */
  public static String mailboxOf(Endpoint endpoint) {
    return endpoint.auth().user() + "@" + endpoint.host() + ":" + endpoint.port();
  }

  /** Starts watching in background threads; returns at once. Errors show in {@link #health()}. */
  public synchronized void start() {
    if (started) {
      throw new IllegalStateException("listener already started: build a new one to start again");
    }
    started = true;
    running = true;
    pruner.ifPresent(CachePruner::start);
    watchers.forEach(Watcher::start);
  }

  /**
   * Stops: each connection finishes the batch in hand (handler, watermark, post-action) within
   * {@code grace}; a batch still running after that is abandoned and will be re-delivered.
   *
   * @return true when everything stopped within the grace period
   */
  public boolean stop(Duration grace) {
    pruner.ifPresent(CachePruner::stop);
    watchers.forEach(Watcher::requestStop);
    long deadline = System.nanoTime() + grace.toNanos();
    boolean clean = true;
    try {
      for (Watcher w : watchers) {
        if (!w.await(deadline)) {
          clean = false;
          w.abandon();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      clean = false;
    }
    running = false;
    LOG.info("listen stopped clean={}", clean);
    return clean;
  }

  /** A snapshot of every watched folder. */
  public Health health() {
    List<Health.FolderHealth> out = new ArrayList<>();
    for (Watcher w : watchers) {
      for (FolderStatus s : w.statuses()) {
        out.add(s.snapshot());
      }
    }
    return new Health(running, out, Instant.now());
  }

  /**
   * What ended the listener's watching for good, when every folder {@link Health.Status#FAILED}
   * failed: the error of the first (a {@link io.mailbridge.MailbridgeException}, or an internal
   * error); empty while any folder is still being watched.
   */
  public Optional<Throwable> failure() {
    Optional<Throwable> first = Optional.empty();
    for (Watcher w : watchers) {
      for (FolderStatus s : w.statuses()) {
        if (s.failure().isEmpty()) {
          return Optional.empty();
        }
        first = first.or(s::failure);
      }
    }
    return first;
  }

  /** Stops with a 30-second grace period. */
  @Override
  public void close() {
    if (running) {
      stop(Duration.ofSeconds(30));
    }
  }

  /** Builds a {@link Listener}; settings, state store and handler are required. */
  public static final class Builder {
    private final MailConnection connection;
    private final List<Watched> others = new ArrayList<>();
    private ListenerSettings settings;
    private List<String> folders;
    private StateStore store;
    private DocumentHandler handler;
    private ConnectionBudget budget;
    private RateLimit rateLimit;

    private record Watched(MailConnection connection, List<String> folders) {}

    private Builder(MailConnection connection) {
      this.connection = Objects.requireNonNull(connection, "connection");
    }

    public Builder settings(ListenerSettings v) { settings = v; return this; }

    /** Shortcut: default settings with these folders (or these folders replacing those of {@link #settings}). */
    public Builder folders(String... v) { folders = List.of(v); return this; }

    public Builder stateStore(StateStore v) { store = v; return this; }

    /** Shortcut for {@code stateStore(JsonFileStateStore.open(file))}. */
    public Builder stateFile(Path file) { store = JsonFileStateStore.open(file); return this; }

    /** Receives the documents; returning normally accepts one, throwing refuses it (re-delivered later). */
    public Builder handler(DocumentHandler v) { handler = v; return this; }

    /**
     * Shares a limit on the connections open at once per server with every listener built with the
     * same budget (default: none, only each mailbox's {@code maxConnections}).
     */
    public Builder connectionBudget(ConnectionBudget v) { budget = Objects.requireNonNull(v, "budget"); return this; }

    /**
     * Limits the messages fetched and handed over per second, for each mailbox of this listener on
     * its own (default: no limit).
     */
    public Builder rateLimit(RateLimit v) { rateLimit = Objects.requireNonNull(v, "rateLimit"); return this; }

    /** Also watches folders of another mailbox, with the same settings otherwise. */
    public Builder alsoWatch(MailConnection other, String... otherFolders) {
      others.add(new Watched(Objects.requireNonNull(other, "connection"), List.of(otherFolders)));
      return this;
    }

    public Listener build() {
      ListenerSettings s = settings;
      if (folders != null) {
        s = (s == null ? ListenerSettings.builder() : s.toBuilder()).folders(folders).build();
      }
      if (s == null) {
        throw new ConfigException("listener has no settings: give settings(...) or folders(...)");
      }
      if (store == null) {
        throw new ConfigException("listener has no state store: give stateStore(...) or stateFile(path), e.g. "
            + "./mailbridge-state.json");
      }
      if (handler == null) {
        throw new ConfigException("listener has no handler: give handler(doc -> ...)");
      }
      List<Watcher> watchers = new ArrayList<>();
      plan(connection.requireInbound("listen"), s, watchers);
      for (Watched w : others) {
        plan(w.connection().requireInbound("listen"), s.toBuilder().folders(w.folders()).build(), watchers);
      }
      ListenerSettings all = s;
      Optional<CachePruner> pruner = all.cacheRetention().map(r -> new CachePruner(all.cacheDir().orElseThrow(), r,
          all.cachePruneInterval()));
      return new Listener(watchers, pruner);
    }

    /**
     * One connection per folder up to maxConnections (and up to the server budget); beyond that the
     * folders are spread evenly over that many connections, in their order, each connection polling
     * its share in turn (a STATUS per folder, a fetch only where there is news). Spread evenly, no
     * connection's round is longer than it must be: one connection polling all but a few folders
     * while the others each idle on one would make every folder on it wait for the whole round. The
     * mailbox's watchers share one token bucket when a rate limit is set.
     */
    private void plan(Endpoint endpoint, ListenerSettings s, List<Watcher> out) {
      String mailbox = mailboxOf(endpoint);
      List<String> fs = s.folders();
      int c = budget == null ? s.maxConnections() : Math.min(s.maxConnections(), budget.maxPerServer());
      Watcher.Limits limits = new Watcher.Limits(budget == null ? ServerPermits.UNLIMITED : budget.permits(endpoint),
          Optional.ofNullable(rateLimit).map(r -> new TokenBucket(r.messagesPerSecond(), r.burst(),
              TokenBucket.Clock.SYSTEM)));
      int connections = Math.min(c, fs.size());
      int from = 0;
      for (int i = 0; i < connections; i++) {
        int to = from + fs.size() / connections + (i < fs.size() % connections ? 1 : 0);
        out.add(new Watcher(endpoint, mailbox, fs.subList(from, to), s, store, handler, out.size() + 1, limits));
        from = to;
      }
    }
  }
}
