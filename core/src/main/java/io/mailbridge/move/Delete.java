package io.mailbridge.move;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.folder.FolderNames;
import io.mailbridge.move.internal.MessageOps;
import jakarta.mail.MessagingException;
import java.util.Optional;
import java.util.Properties;
import io.mailbridge.imap.FolderPaths;
import io.mailbridge.imap.SpecialUse;

/**
 * Deletes selected messages: moves them to the server's \Trash folder (RFC 6154 special use) when
 * there is one, or expunges them when asked ({@code expunge = true}, or inside the Trash itself).
 * Expunging uses {@code UID EXPUNGE} (RFC 4315) so nothing unselected is removed.
 *
 * <pre>{@code
 * MoveResult r = Delete.of(connection).delete("INBOX", Selection.uids(42), false); // to Trash
 * MoveResult gone = Delete.of(connection).delete(DeleteSettings.builder().folder("INBOX")
 *     .selection(Selection.uids(43)).expunge(true).build());
 * }</pre>
 */
public final class Delete {
  private final MailConnection connection;

  private Delete(MailConnection connection) {
    this.connection = connection;
  }

  public static Delete of(MailConnection connection) {
    return new Delete(connection);
  }

  /**
   * @param expunge delete permanently instead of moving to Trash
   */
  public MoveResult delete(String folder, Selection selection, boolean expunge) {
    return delete(folder, selection, expunge, Optional.empty(), false);
  }

  /**
   * @param expunge delete permanently instead of moving to Trash
   * @param expectedUidValidity refuse (every message reported failed) when the folder's UIDVALIDITY differs
   * @param expungeWithoutUidplus on a server without UIDPLUS, allow a plain EXPUNGE that also removes
   *     other \Deleted messages (default false: messages are only flagged \Deleted)
   */
  public MoveResult delete(String folder, Selection selection, boolean expunge, Optional<Long> expectedUidValidity,
      boolean expungeWithoutUidplus) {
    return delete(new DeleteSettings(folder, selection, expunge, expectedUidValidity, MoveSettings.DEFAULT_BATCH_SIZE,
        expungeWithoutUidplus));
  }

  /** Deletes the selected messages as the settings say: to \Trash, or expunged. */
  public MoveResult delete(DeleteSettings settings) {
    String folder = settings.folder();
    Selection selection = settings.selection();
    boolean expunge = settings.expunge();
    Optional<Long> expectedUidValidity = settings.expectedUidValidity();
    boolean expungeWithoutUidplus = settings.expungeWithoutUidplus();
    Endpoint endpoint = connection.requireInbound("delete");
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      Optional<String> trash = expunge ? Optional.empty() : trash(imap);
      if (!expunge && trash.isEmpty()) {
        throw new BadInputException("the server has no \\Trash folder (RFC 6154) for 'delete' to move to: delete "
            + "permanently with expunge (--expunge), or move to a folder of your choice with 'move'");
      }
      if (trash.isPresent() && !trash.get().equals(folder)) {
        return MessageOps.transfer(imap, new MessageOps.Request(MessageOps.Kind.MOVE, folder, trash.get(), selection,
            false, expectedUidValidity, settings.batchSize(), expungeWithoutUidplus, Optional.empty()));
      }
      return MessageOps.expunge(imap, folder, selection, expectedUidValidity, settings.batchSize(),
          expungeWithoutUidplus);
    }
  }

  /**
   * The \Trash folder (RFC 6154, asked with RETURN (SPECIAL-USE) where the server wants it); on a
   * server without SPECIAL-USE, a folder named Trash in the personal namespace (Courier's default).
   */
  private static Optional<String> trash(ImapClient imap) {
    try {
      FolderPaths paths = FolderPaths.of(imap.store());
      Optional<String> marked = SpecialUse.find(imap.store(), "\\Trash");
      if (marked.isPresent()) {
        return Optional.of(paths.toUser(marked.get()));
      }
      if (!imap.store().hasCapability("SPECIAL-USE") && imap.store().getFolder(paths.toServer("Trash")).exists()) {
        return Optional.of("Trash");
      }
      return Optional.empty();
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "LIST", e);
    }
  }

}
