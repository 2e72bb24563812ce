package io.mailbridge.folder;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.imap.FolderPaths;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folder management on the inbound server.
 *
 * <pre>{@code
 * List<FolderInfo> all = Folders.of(connection).list(true);
 * Folders.of(connection).create("Archiv/Überfällig 2026");   // hierarchy with the server's delimiter
 * Folders.of(connection).rename("Archiv/Überfällig 2026", "Archiv/2026");
 * Folders.of(connection).delete("Archiv/2026");
 * }</pre>
 *
 * <p>Names are Unicode; Angus sends them in modified UTF-7 (RFC 3501 5.1.3). The server's hierarchy
 * delimiter inside a name creates hierarchy ({@link FolderInfo#delimiter()} shows which one it is).
 * Names with control characters or the LIST wildcards {@code *} and {@code %} are rejected
 * ({@link FolderNames}).
 */
public final class Folders {
  private static final Logger LOG = LoggerFactory.getLogger(Folders.class);

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
   * <p>With counts, a folder whose STATUS answer the server refuses or breaks keeps its place in
   * the list without counts, and {@link FolderInfo#countsError()} says why; when that answer cost the
   * connection, the other folders are counted over a new one (at most {@value #MAX_RECONNECTS} times).
   *
   * @param counts also ask STATUS for message and unseen counts (one round trip per folder)
   */
  public List<FolderInfo> list(boolean counts) {
    Endpoint endpoint = connection.requireInbound("folders");
    List<FolderInfo> out;
    List<IMAPFolder> selectable = new ArrayList<>();
    ImapClient imap = ImapClient.open(endpoint, new Properties(), false);
    try {
      Folder[] all = imap.store().getDefaultFolder().list("*");
      FolderPaths paths = FolderPaths.of(imap.store());
      java.util.Map<String, List<String>> special = io.mailbridge.imap.SpecialUse.attributes(imap.store());
      out = new ArrayList<>(all.length);
      for (Folder f : all) {
        IMAPFolder folder = (IMAPFolder) f;
        // Some servers (James) report special use only to LIST ... RETURN (SPECIAL-USE), RFC 6154 5.
        List<String> attributes = special.getOrDefault(folder.getFullName(), Arrays.asList(folder.getAttributes()));
        out.add(new FolderInfo(paths.toUser(folder.getFullName()), folder.getSeparator(), attributes,
            Optional.empty(), Optional.empty()));
        selectable.add((folder.getType() & Folder.HOLDS_MESSAGES) != 0 ? folder : null);
      }
    } catch (MessagingException e) {
      imap.close();
      throw Errors.translate(endpoint, "LIST", e);
    } catch (RuntimeException e) {
      imap.close();
      throw e;
    }
    if (!counts) {
      imap.close();
      return out;
    }
    return count(endpoint, imap, out, selectable);
  }

  /** Most new connections {@code list(true)} opens after a STATUS answer cost the one it had. */
  private static final int MAX_RECONNECTS = 3;

  private static List<FolderInfo> count(Endpoint endpoint, ImapClient first, List<FolderInfo> out,
      List<IMAPFolder> selectable) {
    ImapClient imap = first;
    int reconnects = 0;
    String lost = null;
    try {
      for (int i = 0; i < out.size(); i++) {
        IMAPFolder folder = selectable.get(i);
        if (folder == null) {
          continue;
        }
        FolderInfo f = out.get(i);
        if (lost != null) {
          out.set(i, withError(f, "not counted: " + lost));
          continue;
        }
        try {
          IMAPFolder live = imap == first ? folder : (IMAPFolder) imap.store().getFolder(folder.getFullName());
          out.set(i, new FolderInfo(f.name(), f.delimiter(), f.attributes(), Optional.of(live.getMessageCount()),
              Optional.of(live.getUnreadMessageCount())));
        } catch (MessagingException | RuntimeException e) {
          RuntimeException error = e instanceof MessagingException m ? Errors.translate(endpoint, "STATUS " + f.name(), m)
              : (RuntimeException) e;
          if (!(error instanceof io.mailbridge.MailbridgeException)) {
            throw error;
          }
          LOG.info("folder counts missing mailbox={} folder={} error={}", endpoint.auth().user(), f.name(),
              error.getMessage());
          out.set(i, withError(f, error.getMessage()));
          if (!imap.store().isConnected()) {
            imap.close();
            if (reconnects++ < MAX_RECONNECTS) {
              try {
                imap = ImapClient.open(endpoint, new Properties(), false);
              } catch (io.mailbridge.MailbridgeException again) {
                lost = again.getMessage();
              }
            } else {
              lost = "the connection to " + endpoint.address() + " was lost " + reconnects + " times";
            }
          }
        }
      }
      return out;
    } finally {
      imap.close();
    }
  }

  private static FolderInfo withError(FolderInfo f, String error) {
    return new FolderInfo(f.name(), f.delimiter(), f.attributes(), Optional.empty(), Optional.empty(),
        Optional.of(io.mailbridge.connection.ServerText.shown(error)));
  }

  /**
   * Creates a folder (and, on most servers, missing parents). Fails with {@link BadInputException}
   * when it already exists.
   */
  public FolderInfo create(String name) {
    FolderNames.check("folder", name);
    Endpoint endpoint = connection.requireInbound("create folder");
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      FolderPaths paths = FolderPaths.of(imap.store());
      IMAPFolder folder = (IMAPFolder) imap.store().getFolder(paths.toServer(name));
      if (folder.exists()) {
        throw new BadInputException("folder '" + name + "' already exists on " + endpoint.address());
      }
      command(imap, "CREATE " + name, p -> p.create(folder.getFullName()));
      IMAPFolder created = (IMAPFolder) imap.store().getFolder(paths.toServer(name));
      LOG.info("folder created mailbox={} folder={} serverName={}", endpoint.auth().user(), name,
          created.getFullName());
      return new FolderInfo(paths.toUser(created.getFullName()), created.getSeparator(), Arrays.asList(created.getAttributes()),
          Optional.empty(), Optional.empty());
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "CREATE " + name, e);
    }
  }

  /** Renames a folder (its subfolders move with it). INBOX cannot be renamed here. */
  public void rename(String from, String to) {
    FolderNames.check("folder", from);
    FolderNames.check("new folder name", to);
    if ("INBOX".equalsIgnoreCase(from)) {
      throw new BadInputException("renaming INBOX would move all its messages into a new folder (RFC 3501 6.3.5): "
          + "use 'move' instead");
    }
    Endpoint endpoint = connection.requireInbound("rename folder");
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      FolderPaths paths = FolderPaths.of(imap.store());
      IMAPFolder source = (IMAPFolder) imap.store().getFolder(paths.toServer(from));
      if (!source.exists()) {
        throw new BadInputException("folder '" + from + "' does not exist on " + endpoint.address()
            + ": check the name with `mailbridge folders`");
      }
      if (imap.store().getFolder(paths.toServer(to)).exists()) {
        throw new BadInputException("cannot rename '" + from + "' to '" + to + "': a folder with that name exists");
      }
      command(imap, "RENAME " + from, p -> p.rename(paths.toServer(from), paths.toServer(to)));
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "RENAME " + from, e);
    }
  }

  /**
   * Deletes a folder and the messages in it. Servers refuse folders with subfolders (delete those
   * first); INBOX cannot be deleted.
   */
  public void delete(String name) {
    FolderNames.check("folder", name);
    if ("INBOX".equalsIgnoreCase(name)) {
      throw new BadInputException("INBOX cannot be deleted (RFC 3501 6.3.4)");
    }
    Endpoint endpoint = connection.requireInbound("delete folder");
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      String wire = FolderPaths.of(imap.store()).toServer(name);
      if (!imap.store().getFolder(wire).exists()) {
        throw new BadInputException("folder '" + name + "' does not exist on " + endpoint.address()
            + ": check the name with `mailbridge folders`");
      }
      command(imap, "DELETE " + name, p -> p.delete(wire));
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "DELETE " + name, e);
    }
  }

  private interface Call {
    void run(org.eclipse.angus.mail.imap.protocol.IMAPProtocol p) throws org.eclipse.angus.mail.iap.ProtocolException;
  }

  // Angus's IMAPProtocol writes the name in modified UTF-7 and throws with the server's own text on NO.
  private static void command(ImapClient imap, String what, Call call) throws MessagingException {
    try {
      ((IMAPFolder) imap.store().getDefaultFolder()).doCommand(p -> {
        call.run(p);
        return null;
      });
    } catch (MessagingException e) {
      String detail = e.getMessage() == null ? "" : e.getMessage().strip();
      throw new io.mailbridge.ProtocolException("IMAP " + imap.endpoint().address() + ": " + what
          + " refused by the server: " + detail, false, e);
    }
  }
}
