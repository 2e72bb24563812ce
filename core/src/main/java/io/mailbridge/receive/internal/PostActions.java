package io.mailbridge.receive.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.internal.Errors;
import io.mailbridge.receive.PostAction;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies a {@link PostAction} to accepted UIDs, a batch at a time (one command per action). */
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

  /** Checks (or creates) the move target before anything is read, so a typo fails fast. */
  public void prepare() {
    if (!(action instanceof PostAction.Move m)) {
      return;
    }
    try {
      target = (IMAPFolder) folder.getStore().getFolder(m.folder());
      if (!target.exists()) {
        if (!m.createIfMissing()) {
          throw new BadInputException("move target folder '" + m.folder() + "' does not exist on " + endpoint.address()
              + ": create it, or ask for it to be created (moveTo(folder, true))");
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

  /** Applies the action to these accepted UIDs; returns how many messages it touched. */
  public int apply(List<Long> uids) {
    if (uids.isEmpty() || action instanceof PostAction.None) {
      return 0;
    }
    try {
      long[] u = uids.stream().mapToLong(Long::longValue).toArray();
      Message[] msgs = Arrays.stream(folder.getMessagesByUID(u)).filter(Objects::nonNull).toArray(Message[]::new);
      if (msgs.length == 0) {
        return 0;
      }
      if (action instanceof PostAction.MarkRead) {
        folder.setFlags(msgs, new Flags(Flags.Flag.SEEN), true);
      } else if (action instanceof PostAction.Flag) {
        folder.setFlags(msgs, new Flags(Flags.Flag.FLAGGED), true);
      } else if (action instanceof PostAction.Delete) {
        folder.setFlags(msgs, new Flags(Flags.Flag.DELETED), true);
        expunge(msgs);
      } else if (action instanceof PostAction.Move) {
        if (folder.getStore() instanceof org.eclipse.angus.mail.imap.IMAPStore s && s.hasCapability("MOVE")) {
          folder.moveMessages(msgs, target); // RFC 6851 UID MOVE: atomic
        } else {
          folder.copyMessages(msgs, target);
          folder.setFlags(msgs, new Flags(Flags.Flag.DELETED), true);
          expunge(msgs);
        }
      }
      LOG.debug("post-action action={} folder={} messages={}", action, folder.getFullName(), msgs.length);
      return msgs.length;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "post-action " + action + " in " + folder.getFullName(), e);
    }
  }

  private void expunge(Message[] msgs) throws MessagingException {
    if (folder.getStore() instanceof org.eclipse.angus.mail.imap.IMAPStore s && s.hasCapability("UIDPLUS")) {
      folder.expunge(msgs); // RFC 4315 UID EXPUNGE: only these messages
    } else {
      LOG.warn("server has no UIDPLUS: EXPUNGE removes every \\Deleted message in folder={}", folder.getFullName());
      folder.expunge();
    }
  }
}
