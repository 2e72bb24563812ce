package io.mailbridge.send.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.imap.SelectedFolder;
import io.mailbridge.imap.UidSearch;
import io.mailbridge.search.Filter;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.AppendUID;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.UIDSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sent folder over one IMAP connection: APPENDs a copy of each sent message, marked \Seen, and
 * looks up Message-IDs already there.
 *
 * <p>Opened for both copies and lookups, the copy is written <em>before</em> the message is sent,
 * with a mark saying its send is not confirmed yet ({@link #UNCONFIRMED}, or \Draft on a server
 * that keeps no keywords); the sender then {@link #confirm confirms} it once the SMTP server
 * accepted the message, or {@link #withdraw withdraws} it when the server refused it. A process that
 * dies anywhere between the two leaves a marked copy, which {@link #find} reports as such: the Sent
 * folder never lacks a message that may have gone out, and a later send of the same Message-ID is
 * not repeated on a guess.
 */
public final class SentCopy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SentCopy.class);

  /** The keyword of a copy written before its send, removed once the server accepted the message. */
  public static final String UNCONFIRMED = "$MailbridgeUnconfirmed";

  private final ImapClient imap;
  private final IMAPFolder folder;
  private final boolean exists;
  // Set only when copies are written before the send: the flag that marks them unconfirmed.
  private final Flags mark;

  private SentCopy(ImapClient imap, IMAPFolder folder, boolean exists, Flags mark) {
    this.imap = imap;
    this.folder = folder;
    this.exists = exists;
    this.mark = mark;
  }

  /**
   * Opens the connection and finds the folder: the given name, else the \Sent special-use one
   * (RFC 6154), else "Sent". With {@code copies} a missing folder is created; with {@code lookups}
   * the folder is opened read-only (EXAMINE) for {@link #find}. With both, it is opened read-write
   * (SELECT): copies are then written before their send and confirmed after it.
   */
  public static SentCopy open(Endpoint inbound, Optional<String> name, boolean copies, boolean lookups) {
    ImapClient imap = ImapClient.open(inbound, new Properties(), false);
    try {
      IMAPFolder folder = name.isPresent() ? io.mailbridge.imap.FolderPaths.folder(imap.store(), name.get()) : specialUse(imap);
      boolean exists = folder.exists();
      if (!exists && copies) {
        // Created on demand: the user asked for copies in this folder.
        folder.create(Folder.HOLDS_MESSAGES);
        exists = true;
      }
      Flags mark = null;
      if (exists && lookups) {
        folder.open(copies ? Folder.READ_WRITE : Folder.READ_ONLY);
        if (copies) {
          mark = mark(folder.getPermanentFlags());
        }
      }
      return new SentCopy(imap, folder, exists, mark);
    } catch (MessagingException | RuntimeException e) {
      imap.close();
      throw Errors.translate(inbound, "find the Sent folder", e);
    }
  }

  /** The keyword where the folder keeps keywords (PERMANENTFLAGS with \* or the keyword), else \Draft. */
  static Flags mark(Flags permanent) {
    if (permanent != null && (permanent.contains(Flags.Flag.USER) || permanent.contains(UNCONFIRMED))) {
      return new Flags(UNCONFIRMED);
    }
    return new Flags(Flags.Flag.DRAFT);
  }

  /** How {@code mark} reads in the folder: {@link #UNCONFIRMED}, or \Draft; empty for none. */
  static String name(Flags mark) {
    return mark == null ? "" : String.join(" ", SelectedFolder.flagNames(mark));
  }

  /** The mark of the copies written before their send, as the folder shows it; only with {@link #copiesFirst}. */
  public String markName() {
    return name(mark);
  }

  private static IMAPFolder specialUse(ImapClient imap) throws MessagingException {
    java.util.Optional<String> sent = io.mailbridge.imap.SpecialUse.find(imap.store(), "\\Sent");
    if (sent.isPresent()) {
      return (IMAPFolder) imap.store().getFolder(sent.get());
    }
    return io.mailbridge.imap.FolderPaths.folder(imap.store(), "Sent");
  }

  /** Whether copies are written before their send ({@link #appendUnconfirmed}) rather than after it. */
  public boolean copiesFirst() {
    return mark != null;
  }

  /** Appends the message exactly as composed, after it was sent. */
  public void append(Composer.Composed c) {
    try {
      c.message().setFlags(new Flags(Flags.Flag.SEEN), true);
      folder.appendMessages(new Message[] {c.message()});
      LOG.debug("imap appended messageId={} folder={}", c.properties().messageId(), folder.getFullName());
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "APPEND to " + folder.getFullName(), e);
    }
  }

  /**
   * Appends the message exactly as composed, before it is sent, marked \Seen and unconfirmed; returns
   * its UID: the server's APPENDUID (RFC 4315), else the newest copy with that Message-ID. A server
   * that dropped the flags given with the APPEND gets them by a STORE. Only with copies first.
   */
  public long appendUnconfirmed(Composer.Composed c) {
    String id = c.properties().messageId();
    try {
      Flags flags = new Flags(Flags.Flag.SEEN);
      flags.add(mark);
      c.message().setFlags(flags, true);
      int before = folder.getMessageCount();
      AppendUID[] appended = folder.appendUIDMessages(new Message[] {c.message()});
      if (folder.getMessageCount() == before) {
        // Some servers tell the selected session of the new message only at its next command
        // (Courier), or only once the folder is selected again (Mailutils), and ignore a UID STORE
        // on a UID the session has not seen yet.
        folder.doCommand(p -> {
          p.noop();
          return null;
        });
        if (folder.getMessageCount() == before) {
          folder.close(false);
          folder.open(Folder.READ_WRITE);
        }
      }
      long uid;
      if (appended != null && appended.length == 1 && appended[0] != null
          && appended[0].uidvalidity == folder.getUIDValidity()) {
        uid = appended[0].uid;
      } else {
        Found newest = null;
        for (Found f : copies(id)) {
          if (!f.deleted() && (newest == null || f.uid() > newest.uid())) {
            newest = f;
          }
        }
        if (newest == null) {
          throw new MessagingException("the appended copy of " + id + " is not in the folder");
        }
        uid = newest.uid();
        if (!newest.flags().contains(mark) || !newest.flags().contains(Flags.Flag.SEEN)) {
          store(uid, "+FLAGS", flags);
        }
      }
      LOG.debug("imap appended unconfirmed messageId={} folder={} uid={}", id, folder.getFullName(), uid);
      return uid;
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "APPEND to " + folder.getFullName(), e);
    }
  }

  /** The server accepted the message: its copy loses the unconfirmed mark. */
  public void confirm(long uid) {
    store(uid, "-FLAGS", mark);
  }

  /**
   * The server refused the message (nothing was sent): its copy is flagged \Deleted, which {@link
   * #find} ignores, and removed with UID EXPUNGE (RFC 4315) where the server has UIDPLUS. Without it
   * the copy stays flagged: a plain EXPUNGE would also remove other clients' \Deleted messages.
   */
  public void withdraw(long uid) {
    store(uid, "+FLAGS", new Flags(Flags.Flag.DELETED));
    if (SelectedFolder.hasCapability(imap.endpoint(), folder, "UIDPLUS")) {
      try {
        // Through Angus's own command, so its message cache learns of the EXPUNGE.
        folder.doCommand(p -> {
          p.uidexpunge(UIDSet.createUIDSets(new long[] {uid}));
          return null;
        });
      } catch (MessagingException e) {
        throw Errors.translate(imap.endpoint(), "UID EXPUNGE in " + folder.getFullName(), e);
      }
    }
  }

  /**
   * A copy of a message in the folder, and the mark saying its send was not confirmed
   * ({@link #UNCONFIRMED} or {@code \Draft}), if it has one.
   */
  public record Copy(long uid, Optional<String> unconfirmed) {}

  /**
   * The copy in the folder whose Message-ID is exactly {@code messageId}, if any: one {@code UID
   * SEARCH HEADER Message-ID} (a substring match on the server), then the Message-ID of each hit
   * compared exactly. Copies flagged \Deleted are ignored; a confirmed copy wins over an unconfirmed
   * one (marked {@link #UNCONFIRMED} or \Draft: a draft is no record of a send either). Only on a
   * folder opened with {@code lookups}.
   */
  public Optional<Copy> find(String messageId) {
    if (!exists) {
      return Optional.empty();
    }
    String id = messageId.strip();
    try {
      Copy found = null;
      for (Found f : copies(id)) {
        if (f.deleted()) {
          continue;
        }
        Optional<String> mark = f.flags().contains(UNCONFIRMED) ? Optional.of(UNCONFIRMED)
            : f.flags().contains(Flags.Flag.DRAFT) ? Optional.of("\\Draft") : Optional.empty();
        if (mark.isEmpty()) {
          return Optional.of(new Copy(f.uid(), mark));
        }
        found = found == null ? new Copy(f.uid(), mark) : found;
      }
      return Optional.ofNullable(found);
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "look up " + id + " in " + folder.getFullName(), e);
    }
  }

  private record Found(long uid, Flags flags) {
    boolean deleted() {
      return flags.contains(Flags.Flag.DELETED);
    }
  }

  /** Every message in the folder whose Message-ID is exactly {@code id}, with its flags. */
  private List<Found> copies(String id) throws MessagingException {
    List<Found> out = new java.util.ArrayList<>();
    for (long uid : UidSearch.run(imap.endpoint(), folder, Filter.messageId(id))) {
      Message m = folder.getMessageByUID(uid);
      String[] found = m == null ? null : m.getHeader("Message-ID");
      if (found != null && Arrays.stream(found).anyMatch(v -> v.strip().equals(id))) {
        out.add(new Found(uid, m.getFlags()));
      }
    }
    return out;
  }

  // Not .SILENT: the server's FETCH of the new flags keeps Angus's copy of them (read by find) current.
  private void store(long uid, String item, Flags flags) {
    reply("UID STORE", SelectedFolder.storeArgs(Long.toString(uid), item, flags));
  }

  private void reply(String command, org.eclipse.angus.mail.iap.Argument args) {
    SelectedFolder.Reply r = SelectedFolder.command(imap.endpoint(), folder, folder.getFullName(), command, args);
    if (!r.ok()) {
      throw new io.mailbridge.ProtocolException(imap.endpoint().address() + ": " + command + " in "
          + folder.getFullName() + " refused: " + io.mailbridge.connection.ServerText.shown(r.text(), 200), false, null);
    }
  }

  public String folderName() {
    return folder.getFullName();
  }

  @Override
  public void close() {
    try {
      if (folder.isOpen()) {
        folder.close(false);
      }
    } catch (MessagingException e) {
      // the connection is closed next anyway
    }
    imap.close();
  }
}
