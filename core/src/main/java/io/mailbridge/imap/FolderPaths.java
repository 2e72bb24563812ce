package io.mailbridge.imap;

import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import jakarta.mail.StoreClosedException;
import java.util.Locale;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;

/**
 * Folder names as users write them ({@code Archive/2026}: {@code /} between levels, no namespace
 * prefix) and as a server spells them ({@code INBOX.Archive.2026} on Courier). The server's personal
 * namespace prefix and its delimiter come from NAMESPACE (RFC 2342), else from {@code LIST "" ""};
 * Angus asks once per connection.
 *
 * <p>INBOX and its children are never prefixed (RFC 3501 5.1: INBOX is the same on every server).
 * A name that already starts with the prefix is taken as the server's own spelling. A name that
 * contains the server's delimiter keeps it: on a server whose delimiter is {@code .},
 * {@code Archive.2026} is a subfolder too.
 */
public final class FolderPaths {
  private final String prefix;
  private final char delimiter;

  FolderPaths(String prefix, char delimiter) {
    this.prefix = prefix;
    this.delimiter = delimiter;
  }

  /** The personal namespace of the connected store. */
  public static FolderPaths of(IMAPStore store) throws MessagingException {
    Folder[] personal = store.getPersonalNamespaces();
    Folder ns = personal.length > 0 ? personal[0] : store.getDefaultFolder();
    char delimiter = ns.getSeparator();
    String full = ns.getFullName();
    // Angus gives the namespace folder without its trailing delimiter ("INBOX" for "INBOX.").
    String prefix = full.isEmpty() ? "" : full + delimiter;
    return new FolderPaths(prefix, delimiter == 0 ? '/' : delimiter);
  }

  /**
   * The server's name for a folder the user names, asking the store's namespace only when the name
   * could differ (INBOX never does). When the server cannot say, the name is used as given.
   */
  public static String serverName(IMAPStore store, String userName) {
    if (userName.equalsIgnoreCase("INBOX")) {
      return userName;
    }
    try {
      return of(store).toServer(userName);
    } catch (MessagingException e) {
      return userName;
    }
  }

  /**
   * The store's folder for a folder the user names ({@link #serverName}). A connection lost on the
   * way is a {@link StoreClosedException}, as for any other command: Angus itself would answer
   * the next call with an unchecked "Not connected".
   */
  public static IMAPFolder folder(IMAPStore store, String userName) throws MessagingException {
    String name = serverName(store, userName);
    if (!store.isConnected()) {
      throw new StoreClosedException(store, "the connection was lost while resolving folder '" + userName + "'");
    }
    try {
      return (IMAPFolder) store.getFolder(name);
    } catch (IllegalStateException notConnected) {
      throw new StoreClosedException(store, notConnected.getMessage());
    }
  }

  /** The server's name for a folder the user names. */
  public String toServer(String userName) {
    String upper = userName.toUpperCase(Locale.ROOT);
    boolean inbox = upper.equals("INBOX") || upper.startsWith("INBOX/") || upper.startsWith("INBOX" + delimiter);
    String mapped = delimiter == '/' ? userName : userName.replace('/', delimiter);
    if (inbox || prefix.isEmpty() || mapped.startsWith(prefix)) {
      return mapped;
    }
    return prefix + mapped;
  }

  /** The name shown to the user for a server's folder name. */
  public String toUser(String serverName) {
    String name = serverName;
    if (!prefix.isEmpty() && name.startsWith(prefix) && name.length() > prefix.length()) {
      name = name.substring(prefix.length());
    } else if (!prefix.isEmpty() && !name.equalsIgnoreCase("INBOX")
        && !name.toUpperCase(Locale.ROOT).startsWith("INBOX" + delimiter)) {
      return name; // another namespace (shared, other users): shown as the server spells it
    }
    return delimiter == '/' ? name : name.replace(delimiter, '/');
  }

  /** The server's delimiter between levels. */
  public char delimiter() {
    return delimiter;
  }

  /** The personal namespace prefix, e.g. {@code INBOX.} on Courier, empty on most servers. */
  public String prefix() {
    return prefix;
  }
}
