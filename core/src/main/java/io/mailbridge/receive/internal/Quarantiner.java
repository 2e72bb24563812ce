package io.mailbridge.receive.internal;

import io.mailbridge.imap.Arrival;
import io.mailbridge.imap.Fetcher;
import io.mailbridge.imap.RawMessage;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.receive.DeadLetter;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.Quarantine;
import jakarta.mail.Flags;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts one poison message in quarantine, in this order: raw .eml saved (Document Cache or a temp
 * file) -> {@link DocumentHandler#deadLetter} called -> moved to the quarantine folder or marked
 * with the keyword. A crash or a dead-letter handler failure before the move leaves the message
 * where it was, so it is quarantined again on the next run (the dead letter may come twice).
 */
public final class Quarantiner {
  private static final Logger LOG = LoggerFactory.getLogger(Quarantiner.class);

  private final Endpoint endpoint;
  private final IMAPFolder folder;
  private final Quarantine quarantine;
  private final DocumentBuilder documents;
  private final Fetcher fetcher;
  private final int chunkBytes;
  private final Path tempDir;
  private PostActions move;

  Quarantiner(Endpoint endpoint, IMAPFolder folder, Quarantine quarantine, DocumentBuilder documents, Fetcher fetcher,
      int chunkBytes, Path tempDir) {
    this.endpoint = endpoint;
    this.folder = folder;
    this.quarantine = quarantine;
    this.documents = documents;
    this.fetcher = fetcher;
    this.chunkBytes = chunkBytes;
    this.tempDir = tempDir;
  }

  /** Quarantines {@code uid}; returns its dead letter, or empty when it was expunged meanwhile. */
  public Optional<DeadLetter> quarantine(long uid, long uidValidity, DeadLetter.Kind kind, String reason, int attempts,
      DocumentHandler handler) {
    String folderName = folder.getFullName();
    Path raw = saveRaw(uid, uidValidity, folderName);
    if (raw == null) {
      return Optional.empty();
    }
    long size;
    try {
      size = Files.size(raw);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    DeadLetter letter = new DeadLetter(documents.documentKey(folderName, uidValidity, uid), documents.mailbox(),
        folderName, uidValidity, uid, size, kind, reason, attempts, raw, quarantine.describe());
    handler.deadLetter(letter);
    apply(uid);
    LOG.warn("quarantined mailbox={} folder={} uid={} kind={} attempts={} to={} reason={}", endpoint.auth().user(),
        folderName, uid, kind, attempts, quarantine.describe(), reason);
    return Optional.of(letter);
  }

  /** The raw message in the Document Cache when there is one, else in a temp file; null when expunged. */
  private Path saveRaw(long uid, long uidValidity, String folderName) {
    try {
      Path dir = tempDir.resolve("mailbridge-dead-letters");
      Files.createDirectories(dir);
      Path file = Files.createTempFile(dir, "uid-" + uid + "-", ".eml");
      RawMessage meta = fetcher.largeMeta(uid, 0, file, null);
      if (meta == null) {
        Files.deleteIfExists(file);
        return null;
      }
      Arrival arrival = new Arrival();
      fetcher.largeBody(uid, chunkBytes, file, arrival, () -> false);
      DocumentCache cache = documents.cache();
      if (cache == null) {
        return file;
      }
      try (InputStream in = Files.newInputStream(file)) {
        // The key the eml format uses for the same message: storing it again is idempotent.
        DocumentCache.Entry e = cache.put(in, new DocumentCache.PartMeta(new DocumentCache.PartId(documents.mailbox(),
            folderName, uidValidity, uid, "0"), "message.eml", "message/rfc822", "", false, Optional.empty()));
        return e.path();
      } finally {
        Files.deleteIfExists(file);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save the raw message of uid " + uid + " for quarantine: " + e.getMessage(),
          e);
    }
  }

  private void apply(long uid) {
    if (quarantine.mode() == Quarantine.Mode.FOLDER) {
      if (move == null) {
        move = new PostActions(endpoint, folder, PostAction.moveTo(quarantine.name(), true));
        move.prepare();
      }
      move.apply(List.of(uid));
      return;
    }
    try {
      Message[] msgs = Arrays.stream(folder.getMessagesByUID(new long[] {uid})).filter(Objects::nonNull)
          .toArray(Message[]::new);
      if (msgs.length > 0) {
        folder.setFlags(msgs, new Flags(quarantine.name()), true);
      }
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "set keyword " + quarantine.name() + " on uid " + uid, e);
    }
  }
}
