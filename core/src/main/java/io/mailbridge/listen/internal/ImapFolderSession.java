package io.mailbridge.listen.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.receive.internal.PostActions;
import io.mailbridge.receive.internal.ReceiveRun;
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
final class ImapFolderSession implements FolderSession, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImapFolderSession.class);

  private final Endpoint endpoint;
  private final IMAPFolder folder;
  private final ReceiveRun pipeline;
  private final PostActions post;
  private final long uidValidity;
  private final long uidNext;
  private final Announcements announcements = new Announcements(this::wake);
  private volatile org.eclipse.angus.mail.imap.protocol.IMAPProtocol protocol;
  // What had been announced when the last search's view of the folder was fixed.
  private volatile long searched;

  private ImapFolderSession(Endpoint endpoint, IMAPFolder folder, ReceiveRun pipeline, PostActions post,
      long uidValidity, long uidNext) {
    this.endpoint = endpoint;
    this.folder = folder;
    this.pipeline = pipeline;
    this.post = post;
    this.uidValidity = uidValidity;
    this.uidNext = uidNext;
  }

  static ImapFolderSession open(ImapClient imap, String name, ReceiveRun pipeline, PostAction action) {
    return open(imap, name, pipeline, action, false);
  }

  /** With {@code quarantine} the folder is opened read-write, so a poison message can be moved or marked. */
  static ImapFolderSession open(ImapClient imap, String name, ReceiveRun pipeline, PostAction action,
      boolean quarantine) {
    Endpoint endpoint = imap.endpoint();
    IMAPFolder folder = imap.openFolder(io.mailbridge.imap.FolderPaths.serverName(imap.store(), name), action.writes() || quarantine ? Folder.READ_WRITE : Folder.READ_ONLY,
        "create it or fix the folder name (list with `mailbridge folders`)");
    try {
      PostActions post = new PostActions(endpoint, folder, action);
      post.prepare();
      // RFC 3501 2.3.1.1: UIDVALIDITY cannot change while the folder stays selected in this session,
      // so post-actions on this session act on the UIDs of exactly this UIDVALIDITY.
      ImapFolderSession s = new ImapFolderSession(endpoint, folder, pipeline, post, folder.getUIDValidity(),
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

  IMAPFolder folder() {
    return folder;
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
    return UidSearch.run(endpoint, folder, Filter.raw("UID " + (lastUid + 1) + ":*"));
  }

  @Override
  public List<Long> uidsSince(LocalDate day) {
    return UidSearch.run(endpoint, folder, Filter.receivedSince(day));
  }

  @Override
  public List<Long> deliver(List<Long> uids, DocumentHandler handler) {
    List<ReceiveResult.Skipped> skipped = pipeline.deliver(folder, uidValidity, uids, handler);
    for (ReceiveResult.Skipped s : skipped) {
      LOG.warn("listen skipped mailbox={} folder={} uid={} reason={}", endpoint.auth().user(), folder.getFullName(),
          s.uid(), s.reason());
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
  void noop() {
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
   */
  void idle() {
    announcements.arm();
    try {
      if (announcements.since(searched)) {
        return;
      }
      folder.idle(true);
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "IDLE", e);
    } finally {
      announcements.disarm();
    }
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
  public void close() {
    org.eclipse.angus.mail.imap.protocol.IMAPProtocol p = protocol;
    if (p != null) {
      // The protocol may outlive this session in the store's pool.
      p.removeResponseHandler(announcements);
    }
    try {
      if (folder.isOpen()) {
        folder.close(false);
      }
    } catch (MessagingException | IllegalStateException e) {
      LOG.debug("close folder={} error={}", folder.getFullName(), e.toString());
    }
  }
}
