package io.mailbridge.cli;

import io.mailbridge.move.Selection;
import io.mailbridge.search.Filter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Which messages: {@code --uids}, {@code --message-id}, filter flags, or {@code --all}; exactly one kind. */
public final class SelectionOptions {
  @Option(names = "--uids", paramLabel = "SET", description = "UIDs and ranges, e.g. 12,15:40.")
  String uids;

  @Option(names = "--message-id", paramLabel = "ID", description = "Message-ID header (repeatable; <> optional).")
  List<String> messageIds = new ArrayList<>();

  @Option(names = "--all", description = "Every message in the folder (needed when no other selection is given).")
  boolean all;

  @Option(names = "--uid-validity", paramLabel = "N",
      description = "Refuse when the folder's UIDVALIDITY is not N (the UIDs were read under N). Default: no check.")
  Long uidValidity;

  @Mixin
  FilterOptions filter;

  /** The selection, or a usage error naming the choices. */
  public Selection selection() {
    Optional<Filter> f = filter.filter();
    int kinds = (uids != null ? 1 : 0) + (messageIds.isEmpty() ? 0 : 1) + (f.isPresent() || all ? 1 : 0);
    if (kinds == 0) {
      throw new io.mailbridge.BadInputException("no messages selected: give --uids, --message-id, filter flags "
          + "(--subject, --before, ...) or --all");
    }
    if (kinds > 1) {
      throw new io.mailbridge.BadInputException("give only one kind of selection: --uids, --message-id, or filter "
          + "flags / --all");
    }
    if (uids != null) {
      return Selection.uidSet(uids);
    }
    if (!messageIds.isEmpty()) {
      return Selection.messageIds(messageIds);
    }
    return Selection.filter(f.orElse(Filter.all()));
  }

  public Optional<Long> uidValidity() {
    return Optional.ofNullable(uidValidity);
  }
}
