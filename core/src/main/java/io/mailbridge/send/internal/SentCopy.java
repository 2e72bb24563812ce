package io.mailbridge.send.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.internal.Errors;
import io.mailbridge.connection.internal.ImapClient;
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

/** APPENDs a copy of each sent message, marked \Seen, to the Sent folder over one IMAP connection. */
public final class SentCopy implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SentCopy.class);

  private final ImapClient imap;
  private final IMAPFolder folder;

  private SentCopy(ImapClient imap, IMAPFolder folder) {
    this.imap = imap;
    this.folder = folder;
  }

  /** Opens the connection and finds the folder: the given name, else the \Sent special-use one (RFC 6154), else "Sent". */
  public static SentCopy open(Endpoint inbound, Optional<String> name) {
    ImapClient imap = ImapClient.open(inbound, new Properties(), false);
    try {
      IMAPFolder folder = name.isPresent() ? (IMAPFolder) imap.store().getFolder(name.get()) : specialUse(imap);
      if (!folder.exists()) {
        // Created on demand: the user asked for copies in this folder.
        folder.create(Folder.HOLDS_MESSAGES);
      }
      return new SentCopy(imap, folder);
    } catch (MessagingException | RuntimeException e) {
      imap.close();
      throw Errors.translate(inbound, "find the Sent folder", e);
    }
  }

  private static IMAPFolder specialUse(ImapClient imap) throws MessagingException {
    for (Folder f : imap.store().getDefaultFolder().list("*")) {
      IMAPFolder i = (IMAPFolder) f;
      if (Arrays.stream(i.getAttributes()).anyMatch("\\Sent"::equalsIgnoreCase)) {
        return i;
      }
    }
    return (IMAPFolder) imap.store().getFolder("Sent");
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

  public String folderName() {
    return folder.getFullName();
  }

  @Override
  public void close() {
    imap.close();
  }
}
