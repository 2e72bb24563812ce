package io.mailbridge.kafka.internal;

import io.mailbridge.connection.ImapClient;
import io.mailbridge.listen.FolderCursor;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.receive.IncrementalReceive;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folder of a source task: its records and offsets, read through core's incremental receive
 * (a {@link FolderCursor} for the watermark and the UIDVALIDITY policy, an {@link IncrementalReceive}
 * for the batches and post-actions), and the UIDs Kafka acknowledged whose post-action is still to
 * run.
 *
 * <p>Offset semantics: the cursor's {@code lastUid} is the highest UID handed to Kafka Connect (in
 * memory, it runs ahead of the committed offset). Kafka Connect commits a record's offset only after
 * the producer acknowledged it and every earlier record of the task; on restart the task continues
 * after the committed offset, so records in flight at a crash are published again (same key).
 */
public final class FolderReader {
  private static final Logger LOG = LoggerFactory.getLogger(FolderReader.class);
  private static final String MISSING_FOLDER = "create it or fix the folders key";
  /**
   * Most messages of the first batch after the task started: the first records reach Kafka after a
   * short fetch, and the task reads the next (full) batch while Connect sends them, instead of
   * fetching a whole large batch before Kafka sees anything.
   */
  static final int FIRST_BATCH = 100;

  /** An acknowledged record: its post-action may run. */
  private record Acked(long uidValidity, long uid) {}

  private final SourceSettings settings;
  private final String folder;
  private final Map<String, String> partition;
  private final Map<String, Object> storedOffset;
  private final Optional<Path> storeDir;
  private final SourceRecords records;
  private final FolderCursor cursor;
  private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
  private IncrementalReceive pipeline;
  /** UIDs above this one (same UIDVALIDITY) are published by this connector; see SourceRecords#offset. */
  private long fromUid = -1;
  /** The offset last handed to Kafka Connect in a record (mail or heartbeat), null before the first. */
  private Map<String, Long> handed;
  /** Whether this folder already handed mail over since the task started. */
  private boolean started;

  /**
   * @param storeDir where the pipeline stores attachments: the user's cache directory, or the task's
   *     private temporary one in inline mode, or empty (attachments only hashed)
   */
  public FolderReader(SourceSettings settings, String folder, Map<String, Object> storedOffset,
      Optional<Path> storeDir) {
    this.settings = settings;
    this.folder = folder;
    this.partition = SourceRecords.partition(settings.mailbox(), folder);
    this.storedOffset = storedOffset;
    this.storeDir = storeDir;
    this.records = new SourceRecords(settings);
    this.cursor = new FolderCursor(settings.start(), settings.uidValidityPolicy(), "imap source",
        "mailbox=" + settings.mailbox() + " folder=" + folder, "uidvalidity.policy=fail: set uidvalidity.policy="
        + "rescan (publish the folder again) or skip (only new mail) and restart the task");
  }

  /** Prepares the Receive pipeline (cache, parser threads); released by {@link #close()}. */
  public void open() {
    pipeline = IncrementalReceive.open(settings.imap(), settings.receive().toBuilder().folder(folder)
        .cacheDir(storeDir.orElse(null)).build(), "source");
  }

  public Map<String, String> partition() {
    return partition;
  }

  public String folder() {
    return folder;
  }

  /** Called by the task from {@code commitRecord}: Kafka has the record, its post-action may run. */
  public void acknowledged(long uidValidity, long uid) {
    acked.add(new Acked(uidValidity, uid));
  }

  /** Checks that the folder and the move target exist (task start: fail fast). */
  public void check(ImapClient imap) {
    select(imap).close();
  }

  /**
   * Runs the post-action on acknowledged UIDs, then hands at most {@code batch.size} new messages as
   * records to {@code out}; returns how many records were added.
   */
  public int poll(ImapClient imap, List<SourceRecord> out) {
    try (IncrementalReceive.Selected s = select(imap)) {
      long uv = s.uidValidity();
      watermark(s);
      applyPostActions(s, uv);
      long last = cursor.position().lastUid();
      int limit = started ? settings.batchSize() : Math.min(FIRST_BATCH, settings.batchSize());
      List<Long> uids = cursor.next(s, limit);
      if (uids.isEmpty()) {
        // No message left between lastUid and UIDNEXT (SELECT's, so assigned before the search ran;
        // expunged before being read, or, with filter.*, not matching): moving past them keeps the
        // position honest for heartbeats.
        cursor.advance(s.uidNext() - 1);
        return heartbeat(out);
      }
      List<SourceRecord> batch = new ArrayList<>();
      long[] previous = {last}; // the position before each mail: the offset of its attachment records
      // Skipped (unreadable) messages are passed over like the Listener does; they carry no record.
      s.deliver(uids, doc -> {
        long uid = doc.properties().uid().orElseThrow();
        batch.addAll(records.attachmentRecords(doc, partition, uv, previous[0], fromUid));
        batch.add(records.toRecord(doc, partition, uv, uid, fromUid));
        previous[0] = uid;
      });
      cursor.advance(uids.get(uids.size() - 1));
      started = true;
      out.addAll(batch);
      if (!batch.isEmpty()) {
        handed = offsetOf(batch.get(batch.size() - 1));
      }
      LOG.debug("imap source polled mailbox={} folder={} records={} lastUid={}", settings.mailbox(), folder,
          batch.size(), cursor.position().lastUid());
      return batch.size() + heartbeat(out);
    }
  }

  /**
   * Adds a heartbeat record when heartbeats are on and the folder's position differs from the offset
   * last handed to Kafka Connect (first start, expunged or unreadable mail passed over, UIDVALIDITY
   * change); returns 1 if it did.
   */
  private int heartbeat(List<SourceRecord> out) {
    if (settings.heartbeatTopic().isEmpty()) {
      return 0;
    }
    FolderCursor.Position at = cursor.position();
    Map<String, Long> now = SourceRecords.offset(at.uidValidity(), at.lastUid(), fromUid);
    if (now.equals(handed)) {
      return 0;
    }
    out.add(records.heartbeat(partition, at.uidValidity(), at.lastUid(), fromUid));
    handed = now;
    LOG.debug("imap source heartbeat mailbox={} folder={} uidValidity={} uid={}", settings.mailbox(), folder,
        at.uidValidity(), at.lastUid());
    return 1;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> offsetOf(SourceRecord r) {
    return (Map<String, Long>) r.sourceOffset();
  }

  /**
   * Places the cursor on first use (the stored offset, else the start position) and again when the
   * folder's UIDVALIDITY changed while the task ran.
   */
  private void watermark(IncrementalReceive.Selected s) {
    FolderCursor.Position at = cursor.position();
    if (at != null && at.uidValidity() == s.uidValidity()) {
      return;
    }
    Optional<FolderCursor.Position> saved = Optional.ofNullable(at);
    if (at == null && storedOffset != null) {
      saved = Optional.of(new FolderCursor.Position(((Number) storedOffset.get("uidvalidity")).longValue(),
          ((Number) storedOffset.get("uid")).longValue()));
    }
    FolderCursor.Position placed = cursor.place(s, saved);
    if (cursor.origin() == FolderCursor.Origin.RESUMED) {
      Object from = storedOffset.get("from");
      fromUid = from == null ? placed.lastUid() : ((Number) from).longValue();
      handed = SourceRecords.offset(placed.uidValidity(), placed.lastUid(), fromUid); // committed: no heartbeat
      catchUp(s);
      LOG.info("imap source resumes mailbox={} folder={} uidValidity={} after uid={}", settings.mailbox(), folder,
          placed.uidValidity(), placed.lastUid());
      return;
    }
    acked.clear(); // UIDs of the old UIDVALIDITY name other messages now
    fromUid = placed.lastUid();
  }

  /** The start position as the {@code start} key spells it: now, all or the day. */
  static String startText(StartPosition start) {
    return start.text();
  }

  /**
   * After a restart: every message in {@code fromUid < uid <= lastUid} still in the folder had its
   * record committed (Kafka Connect commits an offset only after the record and all before it were
   * acknowledged), but its post-action may have been lost with the previous task (acknowledged after
   * that task's last poll). Queue them; they run before the first search. Idempotent: moved or
   * deleted messages are simply no longer found. With filter.*, only what matches was published:
   * what did not match is never acted on (the session's searches are narrowed by the filter).
   */
  private void catchUp(IncrementalReceive.Selected s) {
    if (!settings.postAction().writes()) {
      return;
    }
    List<Long> left = cursor.handedOverSince(s, fromUid);
    if (!left.isEmpty()) {
      LOG.info("imap source completes post-actions left by the previous task mailbox={} folder={} uids={}",
          settings.mailbox(), folder, left.size());
    }
    long uv = cursor.position().uidValidity();
    left.forEach(u -> acked.add(new Acked(uv, u)));
  }

  private void applyPostActions(IncrementalReceive.Selected s, long uv) {
    if (!settings.postAction().writes()) {
      acked.clear();
      return;
    }
    List<Long> uids = new ArrayList<>();
    for (Acked a; (a = acked.poll()) != null; ) {
      if (a.uidValidity() == uv) {
        uids.add(a.uid());
      }
    }
    if (uids.isEmpty()) {
      return;
    }
    s.postAction(uids);
    LOG.info("imap source post-action mailbox={} folder={} action={} acked={}", settings.mailbox(), folder,
        settings.postAction(), uids.size());
  }

  /** Selects the folder; checks the move target every time: it may have been deleted since. */
  private IncrementalReceive.Selected select(ImapClient imap) {
    return pipeline.select(imap, folder, settings.postAction(), false, MISSING_FOLDER);
  }

  public void close() {
    if (pipeline != null) {
      pipeline.close();
    }
  }
}
