package io.mailbridge.receive;

import io.mailbridge.BadInputException;
import java.util.Locale;

/**
 * What Receive and the Listener do with a message above {@link SizeLimits#maxMessageBytes()} or
 * with an attachment above {@link SizeLimits#maxAttachmentBytes()}. Decided from the server's
 * {@code RFC822.SIZE} and {@code BODYSTRUCTURE} before the message body is downloaded.
 */
public enum SizePolicy {
  /**
   * Not downloaded, not handed over, no post-action: the message stays on the server as it was and
   * is reported ({@link ReceiveResult#oversized()}, a WARN log line). The Listener's watermark
   * moves past it.
   */
  SKIP,
  /**
   * The operation stops with a {@link io.mailbridge.BadInputException} naming the UID, the size and
   * the limit. Documents before it were handed over as usual; nothing after it is touched, and the
   * Listener's watermark stays below it.
   */
  FAIL,
  /**
   * The message stays on the server and a document is handed over that lists the oversized
   * attachments without their content ({@link io.mailbridge.document.Attachment#withheld()}). For a
   * message above the message limit only its header and structure are downloaded; for an attachment
   * above the attachment limit the rest of the message is received and stored normally.
   */
  REFERENCE;

  /** Parses {@code skip | fail | reference} (the CLI's {@code --size-policy}). */
  public static SizePolicy parse(String text) {
    String t = text == null ? "" : text.strip().toUpperCase(Locale.ROOT);
    try {
      return valueOf(t);
    } catch (IllegalArgumentException e) {
      throw new BadInputException("size policy '" + text + "' is unknown: use skip, fail or reference", e);
    }
  }
}
