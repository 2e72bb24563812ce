package io.mailbridge.folder;

import java.util.List;
import java.util.Optional;

/**
 * One folder of a mailbox.
 *
 * @param name full name in Unicode (modified UTF-7 is only used on the wire)
 * @param delimiter the server's hierarchy delimiter, e.g. {@code /} or {@code .}
 * @param attributes LIST attributes, including RFC 6154 special-use ones such as {@code \Sent}
 * @param messages message count from STATUS, when asked for
 * @param unseen unseen count from STATUS, when asked for
 */
public record FolderInfo(String name, char delimiter, List<String> attributes, Optional<Integer> messages,
    Optional<Integer> unseen) {
  public FolderInfo {
    attributes = List.copyOf(attributes);
  }

  /** The RFC 6154 special use ({@code \Sent}, {@code \Trash}, {@code \Archive}...), if any. */
  public Optional<String> specialUse() {
    return attributes.stream()
        .filter(a -> List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")
            .stream().anyMatch(a::equalsIgnoreCase))
        .findFirst();
  }
}
