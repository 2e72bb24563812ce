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
 * @param countsError why the counts are missing although they were asked for (the server refused or
 *     broke its STATUS answer for this folder); empty when they are there or were not asked for
 */
public record FolderInfo(String name, char delimiter, List<String> attributes, Optional<Integer> messages,
    Optional<Integer> unseen, Optional<String> countsError) {
  public FolderInfo {
    attributes = List.copyOf(attributes);
  }

  /** A folder whose counts are there or were not asked for. */
  public FolderInfo(String name, char delimiter, List<String> attributes, Optional<Integer> messages,
      Optional<Integer> unseen) {
    this(name, delimiter, attributes, messages, unseen, Optional.empty());
  }

  /** The RFC 6154 special use ({@code \Sent}, {@code \Trash}, {@code \Archive}...), if any. */
  public Optional<String> specialUse() {
    return attributes.stream()
        .filter(a -> List.of("\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash")
            .stream().anyMatch(a::equalsIgnoreCase))
        .findFirst();
  }
}
