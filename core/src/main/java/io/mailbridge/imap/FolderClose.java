package io.mailbridge.imap;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

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
    if (folder.getMode() == Folder.READ_ONLY && folder.getStore() instanceof IMAPStore s
        && s.hasCapability("UNSELECT")) {
      folder.doCommand(p -> {
        p.unselect();
        return null;
      });
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
