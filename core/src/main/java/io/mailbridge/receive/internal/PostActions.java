package io.mailbridge.receive.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.PostAction;
import io.mailbridge.imap.SelectedFolder;
import io.mailbridge.search.UidSet;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.util.List;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a {@link PostAction} to accepted UIDs, a batch at a time (one UID command per action). */
public final class PostActions {
  private static final Logger LOG = LoggerFactory.getLogger(PostActions.class);

  private final Endpoint endpoint;
  private final IMAPFolder folder;
  private final PostAction action;
  private IMAPFolder target;

  public PostActions(Endpoint endpoint, IMAPFolder folder, PostAction action) {
    this.endpoint = endpoint;
    this.folder = folder;
    this.action = action;
  }

  /** Whether there is an action to apply. */
  public boolean acts() {
    return !(action instanceof PostAction.None);
  }

  /**
   * Tells the handler that the post-action ran on these UIDs (when there is one). It has happened,
   * so a failing handler only gets a log line.
   */
  public static void tell(DocumentHandler handler, boolean acted, String folder, long uidValidity, List<Long> uids) {
    if (!acted || uids.isEmpty()) {
      return;
    }
    try {
      handler.postActionApplied(folder, uidValidity, List.copyOf(uids));
    } catch (RuntimeException e) {
      LOG.warn("post-action handler failed folder={} uids={} error={}", folder, uids.size(), e.toString());
    }
  }

  /**
   * Checks (or creates) the move target before anything is read, so a typo fails fast; and refuses a
   * move or delete that could only end in a plain EXPUNGE the caller did not allow.
   */
  public void prepare() {
    refuseUnscopedExpunge();
    if (!(action instanceof PostAction.Move m)) {
      return;
    }
    try {
      IMAPStore store = (IMAPStore) folder.getStore();
      target = io.mailbridge.imap.FolderPaths.folder(store, m.folder());
      if (!target.exists()) {
        if (!m.createIfMissing()) {
          throw new BadInputException(m.missingTarget() + " on " + endpoint.address()
              + ": create it (Folders.create), or let the post-action create it (PostAction.moveTo(folder, true))");
        }
        if (!target.create(Folder.HOLDS_MESSAGES)) {
          throw new BadInputException("move target folder '" + m.folder() + "' cannot be created on "
              + endpoint.address());
        }
      }
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "check move target '" + m.folder() + "'", e);
    }
  }

  /**
   * Applies the action to these accepted UIDs with one UID command each (two or three for a delete
   * or a move without MOVE); returns how many UIDs it was applied to. UIDs expunged meanwhile are
   * ignored by the server. No Angus message objects: mapping UIDs to them cost a FETCH per batch, and
   * Angus's cache renumbered itself once per EXPUNGE the move caused.
   */
  public int apply(List<Long> uids) {
    if (uids.isEmpty() || action instanceof PostAction.None) {
      return 0;
    }
    String set = UidSet.format(uids);
    if (action instanceof PostAction.MarkRead) {
      store(set, "\\Seen");
    } else if (action instanceof PostAction.Flag) {
      store(set, "\\Flagged");
    } else if (action instanceof PostAction.Delete) {
      store(set, "\\Deleted");
      expunge(set);
    } else if (action instanceof PostAction.Move) {
      String wire = BASE64MailboxEncoder.encode(target.getFullName());
      if (has("MOVE")) {
        ok("UID MOVE", SelectedFolder.setAndMailbox(set, wire)); // RFC 6851: atomic
      } else {
        ok("UID COPY", SelectedFolder.setAndMailbox(set, wire));
        store(set, "\\Deleted");
        expunge(set);
      }
    }
    LOG.debug("post-action action={} folder={} messages={}", action, folder.getFullName(), uids.size());
    return uids.size();
  }

  // RFC 3501 6.4.3: EXPUNGE removes every message flagged \Deleted, also those another client
  // flagged and meant to keep (undelete); only UID EXPUNGE (RFC 4315) or MOVE (RFC 6851) are scoped.
  private void refuseUnscopedExpunge() {
    boolean expunges = action instanceof PostAction.Delete || action instanceof PostAction.Move;
    if (!expunges || action.expungesAll() || has("UIDPLUS") || action instanceof PostAction.Move && has("MOVE")) {
      return;
    }
    String what = action instanceof PostAction.Move ? "move to '" + ((PostAction.Move) action).folder() + "'"
        : "delete";
    throw new BadInputException("post-action " + what + " refused before receiving anything: " + endpoint.address()
        + " supports neither " + (action instanceof PostAction.Move ? "MOVE nor " : "") + "UIDPLUS, so the only way "
        + "to remove the messages from '" + folder.getFullName() + "' is a plain EXPUNGE, which also removes every "
        + "other message flagged \\Deleted there (by any client). Allow that with --expunge-all (Kafka source: "
        + "post.action.expunge.all=true; library: expungingAll()), "
        + "or choose a post-action that does not remove messages (read, flag)");
  }

  private void store(String set, String flag) {
    ok("UID STORE", SelectedFolder.storeArgs(set, "+FLAGS.SILENT", List.of(flag)));
  }

  private void expunge(String set) {
    if (has("UIDPLUS")) {
      ok("UID EXPUNGE", SelectedFolder.atom(set)); // RFC 4315: only these messages
    } else {
      // Only reached when the caller allowed it (refuseUnscopedExpunge).
      LOG.warn("server has no UIDPLUS: EXPUNGE removes every \\Deleted message in folder={} (allowed by the "
          + "post-action {})", folder.getFullName(), action);
      ok("EXPUNGE", null);
    }
  }

  private boolean has(String capability) {
    return SelectedFolder.hasCapability(endpoint, folder, capability);
  }

  private void ok(String command, Argument args) {
    SelectedFolder.Reply r = SelectedFolder.command(endpoint, folder, folder.getFullName(), command, args);
    if (!r.ok()) {
      throw Errors.translate(endpoint, "post-action " + action + " in " + folder.getFullName(),
          new MessagingException(command + " refused: " + r.text()));
    }
  }
}
