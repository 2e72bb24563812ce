package io.mailbridge.listen;

import io.mailbridge.ConfigException;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.CacheRetention;
import io.mailbridge.folder.FolderNames;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.Quarantine;
import io.mailbridge.receive.SizeLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a {@link Listener} watches and how. Built with {@link #builder()}; every setting but the
 * folders has a default.
 *
 * <pre>{@code
 * ListenerSettings s = ListenerSettings.builder()
 *     .folders("INBOX")
 *     .start(StartPosition.now())
 *     .postAction(PostAction.moveTo("Processed", true))
 *     .cacheDir(Path.of("attachments"))
 *     .build();
 * }</pre>
 *
 * @param folders folders to watch (Unicode names; at least one, no duplicates)
 * @param start where a folder without saved state starts (default {@link StartPosition#now()})
 * @param uidValidityPolicy what to do when UIDVALIDITY changed (default {@link UidValidityPolicy#FAIL})
 * @param postAction applied to each accepted message after its watermark is saved (default none)
 * @param useIdle use IMAP IDLE (RFC 2177) when the server offers it and the connection watches one
 *     folder (default true); otherwise poll
 * @param pollInterval time between checks when polling (default 30 s)
 * @param idleRenew longest time one IDLE command stays open before it is re-issued (default 9 min,
 *     at most 10 min: RFC 2177 asks clients to re-issue within 29 min, many NATs drop idle flows sooner)
 * @param keepalive how often an idling connection is checked with NOOP (default 60 s); a NOOP that
 *     gets no answer within {@code responseTimeout} replaces the connection
 * @param responseTimeout longest wait for an answer from the server (default 30 s)
 * @param reconnectMin first delay before reconnecting after a failure (default 1 s), doubled per
 *     failure up to {@code reconnectMax} (default 5 min), each randomised by +/- {@code jitter}
 *     (fraction 0-1, default 0.2)
 * @param maxConnections IMAP connections at most (default 10; Gmail allows 15 per account); with
 *     more folders than connections, folders share connections and are polled
 * @param batchSize messages per batch: handed over, then their watermark saved, then their
 *     post-action run (default 100); a crash re-delivers at most one batch per folder
 * @param format document content: text, HTML or raw .eml (default text)
 * @param cacheDir Document Cache directory for attachments (default empty: hashed, not stored)
 * @param sizeLimits largest message and attachment downloaded and what happens above them, as in
 *     Receive (default {@link SizeLimits#none()}); policy skip moves the watermark past the message,
 *     fail stops the folder with the watermark below it
 * @param quarantine where unparseable messages and documents the handler refused
 *     {@code maxAttempts} times go (default empty: unparseable messages are skipped, refusals are
 *     retried with backoff for ever). Attempts are saved in the state store before each try, so a
 *     message that crashes the process is quarantined after {@code maxAttempts} starts too
 * @param stallTimeout how long a folder may be delivering without handing a document over or moving
 *     its watermark before its health says {@link Health.Status#STALLED} (default 10 min): a handler
 *     that never returns, or a download that no longer advances
 * @param cacheRetention how long and how large the Document Cache in {@code cacheDir} may grow:
 *     applied when the listener starts and then every {@code cachePruneInterval} while it runs, oldest
 *     entries first, never an entry being written (default empty: keep everything)
 * @param cachePruneInterval time between two prunes of the cache (default 10 min)
 */
public record ListenerSettings(
    List<String> folders,
    StartPosition start,
    UidValidityPolicy uidValidityPolicy,
    PostAction postAction,
    boolean useIdle,
    Duration pollInterval,
    Duration idleRenew,
    Duration keepalive,
    Duration responseTimeout,
    Duration reconnectMin,
    Duration reconnectMax,
    double jitter,
    int maxConnections,
    int batchSize,
    BodyFormat format,
    Optional<Path> cacheDir,
    SizeLimits sizeLimits,
    Optional<Quarantine> quarantine,
    Duration stallTimeout,
    Optional<CacheRetention> cacheRetention,
    Duration cachePruneInterval) {

  public ListenerSettings {
    Objects.requireNonNull(folders, "listener.folders");
    if (folders.isEmpty()) {
      throw new ConfigException("listener.folders is empty: give at least one folder to watch, e.g. INBOX");
    }
    if (new LinkedHashSet<>(folders).size() != folders.size()) {
      throw new ConfigException("listener.folders " + folders + " names a folder twice: list each folder once");
    }
    for (String f : folders) {
      FolderNames.check("listener.folders", f);
    }
    folders = List.copyOf(folders);
    Objects.requireNonNull(start, "listener.start");
    Objects.requireNonNull(uidValidityPolicy, "listener.uidValidityPolicy");
    Objects.requireNonNull(postAction, "listener.postAction");
    Objects.requireNonNull(format, "listener.format");
    Objects.requireNonNull(cacheDir, "listener.cacheDir");
    Objects.requireNonNull(sizeLimits, "listener.sizeLimits");
    Objects.requireNonNull(quarantine, "listener.quarantine");
    Objects.requireNonNull(cacheRetention, "listener.cacheRetention");
    if (cacheRetention.isPresent() && cacheDir.isEmpty()) {
      throw new ConfigException("listener.cacheRetention limits the Document Cache, but there is none: set "
          + "listener.cacheDir too");
    }
    positive("cachePruneInterval", cachePruneInterval);
    positive("pollInterval", pollInterval);
    positive("idleRenew", idleRenew);
    positive("keepalive", keepalive);
    positive("responseTimeout", responseTimeout);
    positive("reconnectMin", reconnectMin);
    positive("reconnectMax", reconnectMax);
    positive("stallTimeout", stallTimeout);
    if (idleRenew.compareTo(Duration.ofMinutes(10)) > 0) {
      throw new ConfigException("listener.idleRenew " + idleRenew + " is above 10 minutes: re-issue IDLE at least "
          + "every 10 minutes (RFC 2177 allows 29, many NATs and firewalls drop idle connections sooner)");
    }
    if (reconnectMax.compareTo(reconnectMin) < 0) {
      throw new ConfigException("listener.reconnectMax " + reconnectMax + " is below reconnectMin " + reconnectMin
          + ": raise reconnectMax");
    }
    if (!(jitter >= 0 && jitter <= 1)) {
      throw new ConfigException("listener.jitter " + jitter + " is out of range 0-1");
    }
    if (maxConnections < 1 || maxConnections > 100) {
      throw new ConfigException("listener.maxConnections " + maxConnections + " is out of range 1-100");
    }
    if (batchSize < 1 || batchSize > 10_000) {
      throw new ConfigException("listener.batchSize " + batchSize + " is out of range 1-10000");
    }
    for (String f : folders) {
      if (postAction instanceof PostAction.Move m && m.folder().equals(f)) {
        throw new ConfigException("listener.postAction moves to '" + f + "', a watched folder: choose another target");
      }
      if (quarantine.isPresent() && quarantine.get().mode() == Quarantine.Mode.FOLDER
          && quarantine.get().name().equals(f)) {
        throw new ConfigException("listener.quarantine folder '" + f + "' is a watched folder: choose another "
            + "quarantine folder");
      }
    }
  }

  private static void positive(String field, Duration d) {
    Objects.requireNonNull(d, "listener." + field);
    if (d.isNegative() || d.isZero()) {
      throw new ConfigException("listener." + field + " " + d + " must be positive");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.folders = new ArrayList<>(folders);
    b.start = start;
    b.uidValidityPolicy = uidValidityPolicy;
    b.postAction = postAction;
    b.useIdle = useIdle;
    b.pollInterval = pollInterval;
    b.idleRenew = idleRenew;
    b.keepalive = keepalive;
    b.responseTimeout = responseTimeout;
    b.reconnectMin = reconnectMin;
    b.reconnectMax = reconnectMax;
    b.jitter = jitter;
    b.maxConnections = maxConnections;
    b.batchSize = batchSize;
    b.format = format;
    b.cacheDir = cacheDir.orElse(null);
    b.sizeLimits = sizeLimits;
    b.quarantine = quarantine.orElse(null);
    b.stallTimeout = stallTimeout;
    b.cacheRetention = cacheRetention.orElse(null);
    b.cachePruneInterval = cachePruneInterval;
    return b;
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private List<String> folders = new ArrayList<>();
    private StartPosition start = StartPosition.now();
    private UidValidityPolicy uidValidityPolicy = UidValidityPolicy.FAIL;
    private PostAction postAction = PostAction.none();
    private boolean useIdle = true;
    private Duration pollInterval = Duration.ofSeconds(30);
    private Duration idleRenew = Duration.ofMinutes(9);
    private Duration keepalive = Duration.ofSeconds(60);
    private Duration responseTimeout = Duration.ofSeconds(30);
    private Duration reconnectMin = Duration.ofSeconds(1);
    private Duration reconnectMax = Duration.ofMinutes(5);
    private double jitter = 0.2;
    private int maxConnections = 10;
    private int batchSize = 100;
    private BodyFormat format = BodyFormat.TEXT;
    private Path cacheDir;
    private SizeLimits sizeLimits = SizeLimits.none();
    private Quarantine quarantine;
    private Duration stallTimeout = Duration.ofMinutes(10);
    private CacheRetention cacheRetention;
    private Duration cachePruneInterval = Duration.ofMinutes(10);

    public Builder folders(String... v) { folders = new ArrayList<>(List.of(v)); return this; }
    public Builder folders(List<String> v) { folders = new ArrayList<>(v); return this; }
    public Builder start(StartPosition v) { start = v; return this; }
    public Builder uidValidityPolicy(UidValidityPolicy v) { uidValidityPolicy = v; return this; }
    public Builder postAction(PostAction v) { postAction = v; return this; }
    public Builder useIdle(boolean v) { useIdle = v; return this; }
    public Builder pollInterval(Duration v) { pollInterval = v; return this; }
    public Builder idleRenew(Duration v) { idleRenew = v; return this; }
    public Builder keepalive(Duration v) { keepalive = v; return this; }
    public Builder responseTimeout(Duration v) { responseTimeout = v; return this; }
    public Builder reconnectMin(Duration v) { reconnectMin = v; return this; }
    public Builder reconnectMax(Duration v) { reconnectMax = v; return this; }
    public Builder jitter(double v) { jitter = v; return this; }
    public Builder maxConnections(int v) { maxConnections = v; return this; }
    public Builder batchSize(int v) { batchSize = v; return this; }
    public Builder format(BodyFormat v) { format = v; return this; }
    public Builder cacheDir(Path v) { cacheDir = v; return this; }
    public Builder sizeLimits(SizeLimits v) { sizeLimits = v; return this; }
    /** Quarantine for poison messages; null for none. */
    public Builder quarantine(Quarantine v) { quarantine = v; return this; }
    public Builder stallTimeout(Duration v) { stallTimeout = v; return this; }
    /** Retention of the Document Cache in {@code cacheDir}, applied at start and every cachePruneInterval; null keeps everything. */
    public Builder cacheRetention(CacheRetention v) { cacheRetention = v; return this; }
    public Builder cachePruneInterval(Duration v) { cachePruneInterval = v; return this; }

    public ListenerSettings build() {
      return new ListenerSettings(folders, start, uidValidityPolicy, postAction, useIdle, pollInterval, idleRenew,
          keepalive, responseTimeout, reconnectMin, reconnectMax, jitter, maxConnections, batchSize, format,
          Optional.ofNullable(cacheDir), sizeLimits, Optional.ofNullable(quarantine), stallTimeout,
          Optional.ofNullable(cacheRetention), cachePruneInterval);
    }
  }
}
