package io.mailbridge.kafka.internal;

import io.mailbridge.ProtocolException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.receive.internal.PostActions;
import io.mailbridge.receive.internal.ReceiveRun;
import io.mailbridge.search.Filter;
import io.mailbridge.imap.UidSearch;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.kafka.connect.source.SourceRecord;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One folder of a source task: its watermark ({@code uidValidity}, {@code lastUid}), the Receive
 * pipeline for it, and the UIDs Kafka acknowledged whose post-action is still to run.
 *
 * <p>Offset semantics: {@code lastUid} is the highest UID handed to Kafka Connect (in memory, it
 * runs ahead of the committed offset). Kafka Connect commits a record's offset only after the
 * producer acknowledged it and every earlier record of the task; on restart the task continues after
 * the committed offset, so records in flight at a crash are published again (same key). New mail is
 * UIDs above {@code lastUid}, valid only for the same UIDVALIDITY (RFC 3501 2.3.1.1).
 */
public final class FolderReader {
  private static final Logger LOG = LoggerFactory.getLogger(FolderReader.class);

  /** An acknowledged record: its post-action may run. */
  private record Acked(long uidValidity, long uid) {}

  private final SourceSettings settings;
  private final String folder;
  private final Map<String, String> partition;
  private final Map<String, Object> storedOffset;
  private final ReceiveRun pipeline;
  private final SourceRecords records;
  private final ConcurrentLinkedQueue<Acked> acked = new ConcurrentLinkedQueue<>();
  private long uidValidity = -1;
  private long lastUid = -1;
  /** UIDs above this one (same UIDVALIDITY) are published by this connector; see SourceRecords#offset. */
  private long fromUid = -1;
  /** The offset last handed to Kafka Connect in a record (mail or heartbeat), null before the first. */
  private Map<String, Long> handed;

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
    this.records = new SourceRecords(settings);
    this.pipeline = new ReceiveRun(settings.imap(), settings.receive().toBuilder().folder(folder)
        .cacheDir(storeDir.orElse(null)).build(), false).operation("source");
  }

  /** Prepares the Receive pipeline (cache, parser threads); released by {@link #close()}. */
  public void open() {
    pipeline.open();
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
    IMAPFolder f = select(imap);
    close(f);
  }

  /**
   * Runs the post-action on acknowledged UIDs, then hands at most {@code batch.size} new messages as
   * records to {@code out}; returns how many records were added.
   */
  public int poll(ImapClient imap, List<SourceRecord> out) {
    IMAPFolder f = select(imap);
    try {
      long uv = f.getUIDValidity();
      watermark(f, uv);
      applyPostActions(imap.endpoint(), f, uv);
      long last = lastUid;
      // Taken before the search: every UID below it was assigned before the search ran (RFC 3501 2.3.1.1).
      long uidNext = f.getUIDNext();
      // RFC 3501 6.4.8: "n:*" always matches the highest UID even when it is below n, so filter here.
      List<Long> uids = UidSearch.run(imap.endpoint(), f, withFilter("UID " + (last + 1) + ":*")).stream()
          .filter(u -> u > last).limit(settings.batchSize()).toList();
      if (uids.isEmpty()) {
        // No message left between lastUid and UIDNEXT (expunged before being read, or, with filter.*,
        // not matching): moving past them keeps the position honest for heartbeats.
        if (uidNext - 1 > lastUid) {
          lastUid = uidNext - 1;
        }
        return heartbeat(out);
      }
      List<SourceRecord> batch = new ArrayList<>();
      long[] previous = {last}; // the position before each mail: the offset of its attachment records
      List<ReceiveResult.Skipped> skipped = pipeline.deliver(f, uv, uids, doc -> {
        long uid = doc.properties().uid().orElseThrow();
        batch.addAll(records.attachmentRecords(doc, partition, uv, previous[0], fromUid));
        batch.add(records.toRecord(doc, partition, uv, uid, fromUid));
        previous[0] = uid;
      });
      for (ReceiveResult.Skipped s : skipped) {
        LOG.warn("imap source skipped mailbox={} folder={} uid={} reason={}", settings.mailbox(), folder, s.uid(),
            s.reason());
      }
      // Skipped (unreadable) messages are passed over like FolderSync does; they carry no record.
      lastUid = uids.get(uids.size() - 1);
      out.addAll(batch);
      if (!batch.isEmpty()) {
        handed = offsetOf(batch.get(batch.size() - 1));
      }
      LOG.debug("imap source polled mailbox={} folder={} records={} lastUid={}", settings.mailbox(), folder,
          batch.size(), lastUid);
      return batch.size() + heartbeat(out);
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "read folder '" + folder + "'", e);
    } finally {
      close(f);
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
    Map<String, Long> now = SourceRecords.offset(uidValidity, lastUid, fromUid);
    if (now.equals(handed)) {
      return 0;
    }
    SourceRecord beat = records.heartbeat(partition, uidValidity, lastUid, fromUid);
    out.add(beat);
    handed = now;
    LOG.debug("imap source heartbeat mailbox={} folder={} uidValidity={} uid={}", settings.mailbox(), folder,
        uidValidity, lastUid);
    return 1;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Long> offsetOf(SourceRecord r) {
    return (Map<String, Long>) r.sourceOffset();
  }

  /** Decides the watermark on first use (stored offset or start position) and on a UIDVALIDITY change. */
  private void watermark(IMAPFolder f, long uv) throws MessagingException {
    if (uidValidity == uv) {
      return;
    }
    if (uidValidity < 0 && storedOffset != null) {
      long storedUv = ((Number) storedOffset.get("uidvalidity")).longValue();
      long storedUid = ((Number) storedOffset.get("uid")).longValue();
      if (storedUv == uv) {
        uidValidity = uv;
        lastUid = storedUid;
        Object from = storedOffset.get("from");
        fromUid = from == null ? storedUid : ((Number) from).longValue();
        handed = SourceRecords.offset(uv, storedUid, fromUid); // already committed: no heartbeat needed
        catchUp(f);
        LOG.info("imap source resumes mailbox={} folder={} uidValidity={} after uid={}", settings.mailbox(), folder,
            uv, storedUid);
        return;
      }
      changed(f, storedUv, uv);
      return;
    }
    if (uidValidity >= 0) {
      changed(f, uidValidity, uv);
      return;
    }
    long last;
    StartPosition start = settings.start();
    if (start instanceof StartPosition.All) {
      last = 0;
    } else if (start instanceof StartPosition.Since since) {
      List<Long> uids = UidSearch.run(settings.imap(), f, Filter.receivedSince(since.day()));
      last = uids.isEmpty() ? highestUid(f) : uids.get(0) - 1;
    } else {
      last = highestUid(f);
    }
    uidValidity = uv;
    lastUid = last;
    fromUid = last;
    LOG.info("imap source first start mailbox={} folder={} uidValidity={} start={} lastUid={}", settings.mailbox(),
        folder, uv, startText(start), last);
  }

  /** The start position as the {@code start} key spells it: now, all or the day. */
  static String startText(StartPosition start) {
    if (start instanceof StartPosition.Since since) {
      return since.day().toString();
    }
    return start instanceof StartPosition.All ? "all" : "now";
  }

  private void changed(IMAPFolder f, long oldUv, long uv) throws MessagingException {
    String what = "UIDVALIDITY of mailbox=" + settings.mailbox() + " folder=" + folder + " changed from " + oldUv
        + " to " + uv + " (folder recreated or server index rebuilt): stored UIDs mean nothing now";
    acked.clear(); // UIDs of the old UIDVALIDITY name other messages now
    switch (settings.uidValidityPolicy()) {
      case FAIL -> throw new ProtocolException(what + "; uidvalidity.policy=fail: set uidvalidity.policy=rescan "
          + "(publish the folder again) or skip (only new mail) and restart the task", false, null);
      case RESCAN -> {
        LOG.warn("imap source {}; uidvalidity.policy=rescan: publishing the whole folder again", what);
        lastUid = 0;
        fromUid = 0;
      }
      default -> {
        lastUid = highestUid(f);
        fromUid = lastUid;
        LOG.warn("imap source {}; uidvalidity.policy=skip: continuing after uid {}", what, lastUid);
      }
    }
    uidValidity = uv;
  }

  /**
   * After a restart: every message in {@code fromUid < uid <= lastUid} still in the folder had its
   * record committed (Kafka Connect commits an offset only after the record and all before it were
   * acknowledged), but its post-action may have been lost with the previous task (acknowledged after
   * that task's last poll). Queue them; they run before the first search. Idempotent: moved or
   * deleted messages are simply no longer found.
   */
  private void catchUp(IMAPFolder f) {
    if (!settings.postAction().writes() || lastUid <= fromUid) {
      return;
    }
    long from = fromUid;
    long to = lastUid;
    // With filter.*, only what matches was published: what did not match is never acted on.
    List<Long> left = UidSearch.run(settings.imap(), f, withFilter("UID " + (from + 1) + ":" + to)).stream()
        .filter(u -> u > from && u <= to).toList();
    if (!left.isEmpty()) {
      LOG.info("imap source completes post-actions left by the previous task mailbox={} folder={} uids={}",
          settings.mailbox(), folder, left.size());
    }
    left.forEach(u -> acked.add(new Acked(uidValidity, u)));
  }

  /** A UID range, narrowed by the connector's filter.* keys when there are any. */
  private Filter withFilter(String uidRange) {
    Filter range = Filter.raw(uidRange);
    Filter user = settings.receive().filter();
    return user instanceof Filter.All ? range : Filter.and(range, user);
  }

  private long highestUid(IMAPFolder f) throws MessagingException {
    long next = f.getUIDNext();
    if (next > 0) {
      return next - 1;
    }
    List<Long> all = UidSearch.run(settings.imap(), f, Filter.all());
    return all.isEmpty() ? 0 : all.get(all.size() - 1);
  }

  private void applyPostActions(Endpoint endpoint, IMAPFolder f, long uv) {
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
    PostActions post = new PostActions(endpoint, f, settings.postAction());
    post.prepare();
    int n = post.apply(uids);
    LOG.info("imap source post-action mailbox={} folder={} action={} acked={} applied={}", settings.mailbox(), folder,
        settings.postAction(), uids.size(), n);
  }

  private IMAPFolder select(ImapClient imap) {
    IMAPFolder f = imap.openFolder(folder, settings.postAction().writes() ? Folder.READ_WRITE : Folder.READ_ONLY,
        "create it or fix the folders key");
    // Checks the move target every time: it may have been deleted since.
    new PostActions(imap.endpoint(), f, settings.postAction()).prepare();
    return f;
  }

  private void close(IMAPFolder f) {
    try {
      if (f.isOpen()) {
        f.close(false);
      }
    } catch (MessagingException | IllegalStateException e) {
      LOG.debug("close folder={} error={}", folder, e.toString());
    }
  }

  public void close() {
    pipeline.close();
  }
}
