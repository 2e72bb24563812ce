package io.mailbridge.kafka;

import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.kafka.internal.FolderReader;
import io.mailbridge.kafka.internal.ServerKeys;
import io.mailbridge.kafka.internal.SourceMailbox;
import io.mailbridge.kafka.internal.SourceRecords;
import io.mailbridge.kafka.internal.SourceSettings;
import io.mailbridge.kafka.internal.SourceSettings.AttachmentsMode;
import io.mailbridge.kafka.internal.StoredOffsets;
import io.mailbridge.kafka.internal.TaskMetrics;
import io.mailbridge.metrics.Recorder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the folders the connector gave this task and publishes one record per message (shape:
 * {@link io.mailbridge.kafka.internal.SourceRecords}).
 *
 * <p>Offsets and duplicates (at-least-once): the source partition is {@code {mailbox, folder}}, the
 * offset {@code {uidvalidity, uid}}. At start the task reads the committed offset of each folder and
 * continues with UIDs above it (same UIDVALIDITY; otherwise {@code uidvalidity.policy}). Kafka Connect
 * commits offsets only for records the broker acknowledged, every {@code offset.flush.interval.ms};
 * a crash publishes the records since the last commit again, with the same key.
 *
 * <p>Exactly once (KIP-618, worker {@code exactly.once.source.support=enabled}): the worker writes each
 * record and its offset in one producer transaction (boundary {@code poll} by default, or
 * {@code interval}; the connector does not define boundaries). Since the task reads strictly by UID
 * after the committed offset, a record whose transaction was aborted (crash, fencing) is read again and
 * published once; a {@code read_committed} consumer sees every mail exactly once.
 *
 * <p>Heartbeats ({@code heartbeat.topic}): a folder's position can move without a mail record (first
 * start with {@code start=now}, mail expunged before it was read, unreadable mail passed over). The
 * task then writes a heartbeat record carrying the folder's offset, so the position is committed; without
 * heartbeats, a quiet folder has no committed offset and, with {@code start=now}, mail arriving while no
 * task runs is not published.
 *
 * <p>Reading ahead: while Kafka Connect converts and sends the records one poll returned, the task
 * already reads the next batch on its reader thread (one IMAP connection, one batch ahead at most), so
 * the server and the producer work at the same time. A batch read ahead but not handed over when the
 * task stops was never offered to Connect: its offsets are not committed and the next task reads it
 * again.
 *
 * <p>Post-actions run only for records Kafka acknowledged ({@link #commitRecord}), on the task's next
 * visit of the folder after the acknowledgement, so a message is never moved or deleted before its
 * record is safe (a record dropped by a transform counts as handled). With exactly once, the worker calls {@code commitRecord}
 * only after the record's transaction committed, so a post-action never follows an aborted record.
 * Post-actions acknowledged after the task's last poll (stop, rebalance, crash) are completed by the
 * next task: at start it applies the post-action to every message still in the folder between the
 * offset's {@code from} (where this connector started publishing the folder) and its {@code uid}; mail
 * older than the start position is never touched. Heartbeats never trigger a post-action.
 *
 * <p>Several mailboxes ({@code mailboxes}): a task given more than one visits them in turn, with one IMAP connection at a time (opened for the visit, closed after it), so a task never
 * holds more than one connection. A temporary failure of one mailbox does not hold the others up.
 *
 * <p>An unreachable server: a failure that retrying may cure (refused, timed out, dropped) is retried
 * after a backoff ({@code imap.connect.retry.backoff.ms}, doubling up to {@code poll.interval.ms});
 * once a mailbox has failed for {@code imap.connect.retry.max.duration.ms} without a success the task
 * fails with the reason, so the connector's status shows it. A wrong password, a missing folder or
 * an unknown host fail the task at once.
 */
public final class ImapSourceTask extends SourceTask {
  private static final Logger LOG = LoggerFactory.getLogger(ImapSourceTask.class);
  /**
   * Longest one {@link #poll()} waits for the poll interval. Kafka Connect stops (or pauses) a source
   * task only between two polls: it calls {@link #stop()} on the task's own thread after poll returned,
   * and gives up on a task still polling after {@code task.shutdown.graceful.timeout.ms} (5 s by
   * default), which holds up every rebalance, connector deletion and reconfiguration of the worker.
   * An idle task therefore hands control back this often and waits out the rest of the interval
   * over the next polls, without visiting the server before the interval is over.
   */
  static final Duration MAX_POLL_WAIT = Duration.ofMillis(500);

  private final Map<Map<String, String>, FolderReader> readers = new HashMap<>();
  private final List<SourceAccount> accounts = new ArrayList<>();
  private final CountDownLatch stopping = new CountDownLatch(1);
  /** After a visit that found nothing: the mailboxes are not visited again before this System.nanoTime(). */
  private long idleUntil;
  private boolean idle;
  /**
   * Every IMAP exchange after start() runs on this one thread: the next visit of the mailboxes starts
   * as soon as poll() handed a batch over, so mail is fetched and parsed while Connect converts and
   * sends the batch before.
   */
  private ExecutorService reader;
  /** The visit under way on the reader thread, null when none. */
  private Future<Visit> pending;
  private TaskMetrics metrics;
  private Path tempCache;
  private int nextAccount;

  @Override
  public String version() {
    return Versions.VERSION;
  }

  @Override
  public void start(Map<String, String> props) {
    ImapSourceConfig config = new ImapSourceConfig(props);
    List<SourceMailbox> mailboxes = config.sources();
    metrics = TaskMetrics.start("imap-source-task-metrics", props);
    SourceSettings shared = mailboxes.get(0).settings();
    Optional<Path> store = shared.cacheDir();
    if (store.isEmpty() && shared.attachments() != AttachmentsMode.REFERENCE) {
      try {
        // Inline bytes are read from the stored part; without a user cache they live here until stop().
        tempCache = Files.createTempDirectory("mailbridge-imap-source-");
        store = Optional.of(tempCache);
      } catch (IOException e) {
        throw new ConnectException("cannot create a temporary attachment directory (" + e + "): set "
            + ImapSourceConfig.ATTACHMENTS_CACHE_DIR, e);
      }
    }
    OffsetStorageReader offsets = context.offsetStorageReader();
    for (SourceMailbox m : mailboxes) {
      SourceSettings settings = m.settings().withImap(m.settings().imap().toBuilder().metrics(metrics.metrics())
          .build());
      SourceAccount a = new SourceAccount(settings, m.name(), ServerKeys.clock(config, "imap", settings.pollInterval()));
      List<Map<String, String>> partitions = settings.folders().stream()
          .map(f -> SourceRecords.partition(settings.mailbox(), f)).toList();
      Map<Map<String, String>, Map<String, Object>> stored = StoredOffsets.read(offsets, partitions);
      for (String f : settings.folders()) {
        Map<String, String> p = SourceRecords.partition(settings.mailbox(), f);
        FolderReader r = new FolderReader(settings, f, stored.get(p), store);
        readers.put(p, r);
        a.order.add(r);
      }
      accounts.add(a);
    }
    for (SourceAccount a : accounts) {
      try {
        for (FolderReader r : a.order) {
          r.open();
        }
        // Fail fast: bad login, missing folder or move target stop the task here with the reason.
        a.imap = connect(a);
        for (FolderReader r : a.order) {
          r.check(a.imap);
        }
        if (accounts.size() > 1) {
          a.close(); // one connection at a time: the mailboxes are visited in turn
        }
      } catch (MailbridgeException e) {
        a.close();
        if (!e.isRetriable()) {
          stop();
          throw new ConnectException(a.reason(e), e);
        }
        // Server unreachable for now: poll() reconnects (and checks again by reading the folders),
        // until the outage outlasts imap.connect.retry.max.duration.ms.
        try {
          Duration wait = a.failed(e);
          LOG.warn("imap source cannot reach the server at start mailbox={} reason={}; retrying in {} ms",
              a.settings.mailbox(), a.reason(e), wait.toMillis());
        } catch (ConnectException bound) {
          stop();
          throw bound;
        }
      }
      LOG.info("imap source task started mailbox={} folders={} topic={}", a.settings.mailbox(), a.settings.folders(),
          a.settings.topic());
    }
  }

  /** What one visit of the mailboxes read, and the last retriable failure it met. */
  private record Visit(List<SourceRecord> records, String retriable, Throwable cause) {}

  private static ImapClient connect(SourceAccount a) {
    return ImapClient.open(a.settings.imap(), new Properties(), false);
  }

  @Override
  public List<SourceRecord> poll() throws InterruptedException {
    if (stopping.getCount() == 0) {
      return null;
    }
    if (pending == null) {
      if (idle) {
        long left = idleUntil - System.nanoTime();
        if (left > 0) {
          stopping.await(Math.min(left, MAX_POLL_WAIT.toNanos()), TimeUnit.NANOSECONDS);
          if (stopping.getCount() == 0 || idleUntil - System.nanoTime() > 0) {
            return null;
          }
        }
        idle = false;
      }
      pending = reader().submit(this::visitAll);
    }
    Visit v;
    try {
      v = pending.get();
    } catch (ExecutionException e) {
      pending = null;
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new ConnectException("imap source visit failed: " + e.getCause(), e.getCause());
    }
    pending = null;
    if (!v.records().isEmpty()) {
      pending = reader().submit(this::visitAll); // the next batch is read while Connect sends this one
      return v.records();
    }
    // Nothing new: wait the poll interval, or less when a failing mailbox is due again first; this
    // poll waits at most MAX_POLL_WAIT of it, the next ones the rest.
    long waitNanos = accounts.get(0).settings.pollInterval().toNanos();
    for (SourceAccount a : accounts) {
      if (a.outage.failing()) {
        waitNanos = Math.min(waitNanos, Math.max(0, a.retryAt - System.nanoTime()));
      }
    }
    idleUntil = System.nanoTime() + waitNanos;
    idle = true;
    stopping.await(Math.min(waitNanos, MAX_POLL_WAIT.toNanos()), TimeUnit.NANOSECONDS);
    if (v.retriable() != null) {
      // Kafka Connect logs it and polls again at once: the wait above keeps an outage from busy looping.
      throw new RetriableException(v.retriable(), v.cause());
    }
    return null;
  }

  private ExecutorService reader() {
    if (reader == null) {
      reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "mailbridge-imap-source-reader");
        t.setDaemon(true);
        return t;
      });
    }
    return reader;
  }

  /** One visit of every mailbox (reader thread); throws ConnectException when the task must fail. */
  private Visit visitAll() {
    List<SourceRecord> out = new ArrayList<>();
    String retriable = null;
    Throwable cause = null;
    // Each visit starts one mailbox further than the last, so none starves.
    for (int k = 0; k < accounts.size() && stopping.getCount() > 0; k++) {
      SourceAccount a = accounts.get((nextAccount + k) % accounts.size());
      if (a.outage.failing() && System.nanoTime() - a.retryAt < 0) {
        continue; // backing off: the other mailboxes go on
      }
      try {
        visit(a, out);
        a.outage.ok();
      } catch (MailbridgeException e) {
        a.settings.imap().recorder().error("", "source", Recorder.kind(e));
        a.close();
        if (!e.isRetriable()) {
          throw new ConnectException(a.reason(e), e);
        }
        // The records read so far are fine; the failing folder is retried after the backoff.
        Duration wait = a.failed(e);
        LOG.warn("imap source poll interrupted mailbox={} reason={}; retrying in {} ms", a.settings.mailbox(),
            a.reason(e), wait.toMillis());
        retriable = a.reason(e);
        cause = e;
      } finally {
        if (accounts.size() > 1) {
          a.close();
        }
      }
    }
    nextAccount = (nextAccount + 1) % accounts.size();
    purgePrivateCache();
    return new Visit(out, retriable, cause);
  }

  /** Reads every folder of one mailbox, starting one further each time so no folder starves. */
  private void visit(SourceAccount a, List<SourceRecord> out) {
    if (a.imap == null && !a.keep(connect(a))) {
      return; // stopped while connecting
    }
    for (int i = 0; i < a.order.size() && stopping.getCount() > 0; i++) {
      a.order.get((a.next + i) % a.order.size()).poll(a.imap, out);
    }
    a.next = (a.next + 1) % a.order.size();
  }

  /**
   * Kafka Connect is done with this record (written and acknowledged, or dropped by a transform when
   * {@code metadata} is null): its message's post-action may run (next visit of its folder).
   */
  @Override
  public void commitRecord(SourceRecord record, RecordMetadata metadata) {
    // A dropped record counts as handled, as its offset will be committed too: the same rule as the
    // restart catch-up (FolderReader), which cannot tell dropped records from written ones.
    FolderReader r = readers.get(record.sourcePartition());
    // Only a mail record acknowledges its message: a heartbeat's uid may name mail that was passed
    // over (unreadable), an attachment record comes before its mail record.
    if (r != null && SourceRecords.isMail(record)) {
      Map<String, ?> o = record.sourceOffset();
      r.acknowledged(((Number) o.get("uidvalidity")).longValue(), ((Number) o.get("uid")).longValue());
    }
  }

  @Override
  public void stop() {
    stopping.countDown();
    if (reader != null) {
      // A visit under way ends at its next folder; past the wait, closing its connection ends it.
      reader.shutdown();
      try {
        if (!reader.awaitTermination(MAX_POLL_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          reader.shutdownNow();
        }
      } catch (InterruptedException e) {
        reader.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    for (SourceAccount a : accounts) {
      a.shut();
      a.order.forEach(FolderReader::close);
    }
    if (metrics != null) {
      metrics.close();
      metrics = null;
    }
    if (tempCache != null) {
      try (Stream<Path> files = Files.walk(tempCache)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        LOG.debug("temporary cache {} left behind: {}", tempCache, e.toString());
      }
    }
  }

  /**
   * Inline bytes are in the records now: empties the private cache so it does not grow with every
   * attachment. Only files go; the directories stay, as the cache remembers the ones it made.
   */
  private void purgePrivateCache() {
    if (tempCache == null) {
      return;
    }
    Path scratch = tempCache.resolve(".tmp"); // the pipeline's own temporary files
    try (Stream<Path> files = Files.walk(tempCache)) {
      files.filter(Files::isRegularFile).filter(p -> !p.startsWith(scratch)).forEach(p -> p.toFile().delete());
    } catch (IOException | java.io.UncheckedIOException e) {
      LOG.debug("private cache {} not emptied: {}", tempCache, e.toString());
    }
  }

  /** The private attachment directory of inline mode without a user cache (for tests). */
  Optional<Path> privateCache() {
    return Optional.ofNullable(tempCache);
  }

}
