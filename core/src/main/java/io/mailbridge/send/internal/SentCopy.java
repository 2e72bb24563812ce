package io.mailbridge.send.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.search.Filter;
import io.mailbridge.imap.UidSearch;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.util.Arrays;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Sent folder over one IMAP connection: APPENDs a copy of each sent message, marked \Seen, and
 * looks up Message-IDs already there.
 */
public final class SentCopy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SentCopy.class);

  private final ImapClient imap;
  private final IMAPFolder folder;
  private final boolean exists;

  private SentCopy(ImapClient imap, IMAPFolder folder, boolean exists) {
    this.imap = imap;
    this.folder = folder;
    this.exists = exists;
  }

  /**
   * Opens the connection and finds the folder: the given name, else the \Sent special-use one
   * (RFC 6154), else "Sent". With {@code copies} a missing folder is created; with {@code lookups}
   * the folder is opened read-only (EXAMINE) for {@link #find}.
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
      if (exists && lookups) {
        folder.open(Folder.READ_ONLY);
      }
      return new SentCopy(imap, folder, exists);
    } catch (MessagingException | RuntimeException e) {
      imap.close();
      throw Errors.translate(inbound, "find the Sent folder", e);
    }
  }

  private static IMAPFolder specialUse(ImapClient imap) throws MessagingException {
    java.util.Optional<String> sent = io.mailbridge.imap.SpecialUse.find(imap.store(), "\\Sent");
    if (sent.isPresent()) {
      return (IMAPFolder) imap.store().getFolder(sent.get());
    }
    return io.mailbridge.imap.FolderPaths.folder(imap.store(), "Sent");
  }

  /** Appends the message exactly as composed. */
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
   * The UID of a message in the folder whose Message-ID is exactly {@code messageId}, if any: one
   * {@code UID SEARCH HEADER Message-ID} (a substring match on the server), then the Message-ID of
   * each hit compared exactly. Only on a folder opened with {@code lookups}.
   */
  public Optional<Long> find(String messageId) {
    if (!exists) {
      return Optional.empty();
    }
    String id = messageId.strip();
    try {
      for (long uid : UidSearch.run(imap.endpoint(), folder, Filter.messageId(id))) {
        Message m = folder.getMessageByUID(uid);
        String[] found = m == null ? null : m.getHeader("Message-ID");
        if (found != null && Arrays.stream(found).anyMatch(v -> v.strip().equals(id))) {
          return Optional.of(uid);
        }
      }
      return Optional.empty();
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "look up " + id + " in " + folder.getFullName(), e);
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
