package io.mailbridge.folder;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.internal.Errors;
import io.mailbridge.connection.internal.ImapClient;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;

/**
 * Folder management on the inbound server.
 *
 * <pre>{@code
 * List<FolderInfo> all = Folders.of(connection).list(true);
 * }</pre>
 */
public final class Folders {
  private final MailConnection connection;

  private Folders(MailConnection connection) {
    this.connection = connection;
  }

  public static Folders of(MailConnection connection) {
    return new Folders(connection);
  }

  /**
   * Lists every folder with its attributes.
   *
   * @param counts also ask STATUS for message and unseen counts (one round trip per folder)
   */
  public List<FolderInfo> list(boolean counts) {
    Endpoint endpoint = connection.requireInbound("folders");
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      Folder[] all = imap.store().getDefaultFolder().list("*");
      List<FolderInfo> out = new ArrayList<>(all.length);
      for (Folder f : all) {
        IMAPFolder folder = (IMAPFolder) f;
        Optional<Integer> messages = Optional.empty();
        Optional<Integer> unseen = Optional.empty();
        boolean selectable = (folder.getType() & Folder.HOLDS_MESSAGES) != 0;
        if (counts && selectable) {
          messages = Optional.of(folder.getMessageCount());
          unseen = Optional.of(folder.getUnreadMessageCount());
        }
        out.add(new FolderInfo(folder.getFullName(), folder.getSeparator(), Arrays.asList(folder.getAttributes()),
            messages, unseen));
      }
      return out;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "LIST", e);
    }
  }
}
