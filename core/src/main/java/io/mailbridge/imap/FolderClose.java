package io.mailbridge.imap;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * Leaves a selected folder without expunging anything. Angus ends a read-only folder with
 * {@code CLOSE}, which RFC 3501 6.4.2 says expunges nothing after EXAMINE; Apache James 3.8 expunges
 * every \Deleted message there anyway, also those another client flagged. So a read-only folder on
 * a server with UNSELECT (RFC 3691) is left with UNSELECT first.
 */
public final class FolderClose {
  private FolderClose() {}

  /** Closes the folder when it is open; never expunges. */
  public static void close(IMAPFolder folder) throws MessagingException {
    if (!folder.isOpen()) {
      return;
    }
    // The capability is asked on the folder's own connection: the store's hasCapability needs a
    // connection of the store's, which opens a second one while the folder holds the pooled one.
    if (folder.getMode() == Folder.READ_ONLY && Boolean.TRUE.equals(folder.doCommand(p -> {
      if (!p.hasCapability("UNSELECT")) {
        return false;
      }
      p.unselect();
      return true;
    }))) {
      try {
        folder.close(false); // Angus still sends CLOSE: refused, as nothing is selected any more
      } catch (MessagingException nothingSelected) {
        // the folder is released all the same
      }
      return;
    }
    folder.close(false);
  }
}
