package io.mailbridge.receive.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.IncrementalReceive;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.search.Filter;
import io.mailbridge.imap.UidSearch;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.time.LocalDate;
import java.util.List;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A folder selected on a live Angus connection: search, the Receive pipeline, post-actions. */
public final class ImapFolderSession implements IncrementalReceive.Selected {
  private static final Logger LOG = LoggerFactory.getLogger(ImapFolderSession.class);

  private final Endpoint endpoint;
  private final IMAPFolder folder;
  private final ReceiveRun pipeline;
  private final Filter filter;
  private final PostActions post;
  private final long uidValidity;
  private final long uidNext;
  private final Announcements announcements = new Announcements(this::wake);
  private volatile org.eclipse.angus.mail.imap.protocol.IMAPProtocol protocol;
  // What had been announced when the last search's view of the folder was fixed.
  private volatile long searched;
  /** The keepalive's NOOP was sent since the last IDLE began: then it, not the server, ended the IDLE. */
  private volatile boolean keptAlive;

  private ImapFolderSession(Endpoint endpoint, IMAPFolder folder, ReceiveRun pipeline, Filter filter,
      PostActions post, long uidValidity, long uidNext) {
    this.endpoint = endpoint;
    this.folder = folder;
    this.pipeline = pipeline;
    this.filter = filter;
    this.post = post;
    this.uidValidity = uidValidity;
    this.uidNext = uidNext;
  }

  /**
   * Selects {@code name} read-write when the post-action writes or {@code readWrite} asks (a
   * quarantine moves or marks), and checks the post-action's target.
   */
  public static ImapFolderSession open(ImapClient imap, String name, ReceiveRun pipeline, Filter filter,
      PostAction action, boolean readWrite, String missingAdvice) {
    Endpoint endpoint = imap.endpoint();
    IMAPFolder folder = imap.openFolder(io.mailbridge.imap.FolderPaths.serverName(imap.store(), name), action.writes() || readWrite ? Folder.READ_WRITE : Folder.READ_ONLY, missingAdvice);
    try {
      PostActions post = new PostActions(endpoint, folder, action);
      post.prepare();
      // RFC 3501 2.3.1.1: UIDVALIDITY cannot change while the folder stays selected in this session,
      // so post-actions on this session act on the UIDs of exactly this UIDVALIDITY.
      ImapFolderSession s = new ImapFolderSession(endpoint, folder, pipeline, filter, post, folder.getUIDValidity(),
          Math.max(0, folder.getUIDNext()));
      folder.doCommand(p -> {
        p.addResponseHandler(s.announcements);
        s.protocol = p;
        return null;
      });
      return s;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "open folder '" + name + "'", e);
    }
  }

  @Override
  public long uidValidity() {
    return uidValidity;
  }

  @Override
  public long uidNext() {
    return uidNext;
  }

  @Override
  public List<Long> uidsAfter(long lastUid) {
    // RFC 3501 6.1.2/7.3.1: a server may report new messages only in answer to NOOP (Courier does:
    // its UID SEARCH looks at the folder as of the last NOOP/SELECT), so every check asks it first.
    noop();
    // RFC 3501 7.3.1: mail announced by the NOOP is visible to the search; anything announced later
    // (in the search's own answer or after) may not be in its result.
    searched = announcements.mark();
    long last = lastUid;
    // RFC 3501 6.4.8: "n:*" always matches the highest UID even when it is below n, so filter here.
    return UidSearch.run(endpoint, folder, narrowed("UID " + (lastUid + 1) + ":*")).stream()
        .filter(u -> u > last).toList();
  }

  @Override
  public List<Long> uidsBetween(long fromExclusive, long toInclusive) {
    if (toInclusive <= fromExclusive) {
      return List.of();
    }
    return UidSearch.run(endpoint, folder, narrowed("UID " + (fromExclusive + 1) + ":" + toInclusive)).stream()
        .filter(u -> u > fromExclusive && u <= toInclusive).toList();
  }

  /** A UID range, narrowed by the reader's filter when it has one. */
  private Filter narrowed(String uidRange) {
    Filter range = Filter.raw(uidRange);
    return filter instanceof Filter.All ? range : Filter.and(range, filter);
  }

  @Override
  public List<Long> uidsSince(LocalDate day) {
    return UidSearch.run(endpoint, folder, Filter.receivedSince(day));
  }

  @Override
  public List<Long> deliver(List<Long> uids, DocumentHandler handler) {
    List<ReceiveResult.Skipped> skipped = pipeline.deliver(folder, uidValidity, uids, handler);
    for (ReceiveResult.Skipped s : skipped) {
      LOG.warn("{} skipped mailbox={} folder={} uid={} reason={}", pipeline.operation(), endpoint.auth().user(),
          folder.getFullName(), s.uid(), s.reason());
    }
    return skipped.stream().map(ReceiveResult.Skipped::uid).toList();
  }

  @Override
  public void postAction(List<Long> uids) {
    post.apply(uids);
  }

  @Override
  public void quarantine(long uid, String reason, int attempts, DocumentHandler deadLetters) {
    pipeline.quarantine(folder, uidValidity, uid, reason, attempts, deadLetters);
  }

  /** Sends NOOP; from another thread this also ends a running IDLE first (Angus aborts it with DONE). */
  @Override
  public void noop() {
    try {
      folder.doCommand(p -> {
        p.noop();
        return null;
      });
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "NOOP", e);
    }
  }

  /**
   * Waits in IDLE (RFC 2177) until the server sends something or another thread ends it; returns at
   * once when new mail was announced since the last search (it will not be announced again).
   *
   * @return true unless the keepalive's NOOP ended it (the server sent something, or we stop)
   */
  @Override
  public boolean idle() {
    keptAlive = false;
    announcements.arm();
    try {
      if (announcements.since(searched)) {
        return true;
      }
      folder.idle(true);
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "IDLE", e);
    } finally {
      announcements.disarm();
    }
    return !keptAlive;
  }

  /** Ends a running IDLE from another thread (the IDLE's own thread is blocked reading). */
  private void wake() {
    Thread t = new Thread(() -> {
      try {
        noop();
      } catch (RuntimeException e) {
        LOG.debug("listen wake-up NOOP failed error={}", e.toString());
      }
    }, "mailbridge-listen-wake");
    t.setDaemon(true);
    t.start();
  }

  @Override
  public void keepalive() {
    keptAlive = true;
    noop();
  }

  /** Leaves the folder without expunging anything (UNSELECT where a read-only CLOSE would, see FolderClose). */
  @Override
  public void close() {
    org.eclipse.angus.mail.imap.protocol.IMAPProtocol p = protocol;
    if (p != null) {
      // The protocol may outlive this session in the store's pool.
      p.removeResponseHandler(announcements);
    }
    try {
      io.mailbridge.imap.FolderClose.close(folder);
    } catch (MessagingException | IllegalStateException e) {
      LOG.debug("close folder={} error={}", folder.getFullName(), e.toString());
    }
  }
}
