package io.mailbridge.imap;

import io.mailbridge.connection.Endpoint;
import java.util.List;
import java.util.Map;
import org.eclipse.angus.mail.imap.IMAPFolder;

/** RFC822.SIZE of messages by UID, for other features (the bytes Move reports as metrics). */
public final class MessageSizes {
  private MessageSizes() {}

  /** The size of each UID of the selected {@code folder} that still exists ({@code UID FETCH (UID RFC822.SIZE)}). */
  public static Map<Long, Long> of(Endpoint endpoint, IMAPFolder folder, List<Long> uids) {
    return new Fetcher(endpoint, folder, true).sizes(uids);
  }
}
