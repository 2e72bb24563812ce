package io.mailbridge.receive;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A message put in quarantine ({@link Quarantine}), handed to {@link DocumentHandler#deadLetter}
 * after its raw .eml was saved and before it is moved or marked on the server.
 *
 * @param key the document key the message would have had (RFC 5092 IMAP URL, as {@code MailDocument.key()})
 * @param mailbox the account, {@code user@host:port}
 * @param folder the folder it was read from
 * @param uidValidity the folder's UIDVALIDITY
 * @param uid its UID
 * @param size its RFC822.SIZE in bytes
 * @param kind why it is poison
 * @param reason the parse error, or the handler's last exception message
 * @param attempts handler attempts made (0 for an unparseable message)
 * @param eml the raw message: in the Document Cache (key {@code <message>/0}, as the eml format
 *     stores it) when a cache directory is set, else a file in the system temp directory that the
 *     dead-letter handler owns (delete it when done)
 * @param quarantine where it goes: {@code folder:NAME} or {@code keyword:NAME}
 */
public record DeadLetter(String key, String mailbox, String folder, long uidValidity, long uid, long size, Kind kind,
    String reason, int attempts, Path eml, String quarantine) {
  public DeadLetter {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(eml, "eml");
  }

  /** Why a message was quarantined. */
  public enum Kind {
    /** The MIME parser could not read it (see the receive parse limits). */
    UNPARSEABLE,
    /** The handler threw on it {@code maxAttempts} times. */
    REJECTED
  }
}
