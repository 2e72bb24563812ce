package io.mailbridge.move;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.move.internal.MessageOps;
import io.mailbridge.search.Filter;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Marks selected messages read/unread, flagged/unflagged, or sets custom keywords, with
 * {@code UID STORE +FLAGS.SILENT / -FLAGS.SILENT} on UID sets (one command per batch and direction).
 *
 * <pre>{@code
 * Flags.of(connection).change("INBOX", Selection.uids(12, 13), Set.of("\\Seen", "$Processed"), Set.of());
 * Flags.of(connection).markRead("INBOX", Selection.filter(Filter.subject("Invoice")));
 * Flags.of(connection).change(FlagSettings.builder().folder("INBOX").selection(Selection.uids(12))
 *     .add("$Processed").remove("\\Seen").build());
 * }</pre>
 */
public final class Flags {
  /** Flags a client may set (RFC 3501 2.3.2; \Recent is server-owned). */
  public static final List<String> SYSTEM_FLAGS = List.of("\\Seen", "\\Answered", "\\Flagged", "\\Deleted", "\\Draft");

  private final MailConnection connection;

  private Flags(MailConnection connection) {
    this.connection = connection;
  }

  public static Flags of(MailConnection connection) {
    return new Flags(connection);
  }

  /** Sets \Seen. */
  public MoveResult markRead(String folder, Selection selection) {
    return change(folder, selection, Set.of("\\Seen"), Set.of());
  }

  /** Removes \Seen. */
  public MoveResult markUnread(String folder, Selection selection) {
    return change(folder, selection, Set.of(), Set.of("\\Seen"));
  }

  /** Adds the flags/keywords in {@code add} and removes those in {@code remove}. */
  public MoveResult change(String folder, Selection selection, Set<String> add, Set<String> remove) {
    return change(folder, selection, add, remove, Optional.empty());
  }

  /**
   * As {@link #change(String, Selection, Set, Set)}, refusing (every message reported failed) when
   * the folder's UIDVALIDITY is not {@code expectedUidValidity}.
   */
  public MoveResult change(String folder, Selection selection, Set<String> add, Set<String> remove,
      Optional<Long> expectedUidValidity) {
    return change(new FlagSettings(folder, selection, add, remove, expectedUidValidity,
        MoveSettings.DEFAULT_BATCH_SIZE));
  }

  /** Adds and removes the flags and keywords the settings name, on the selected messages. */
  public MoveResult change(FlagSettings settings) {
    Endpoint endpoint = connection.requireInbound("flags");
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
      return MessageOps.store(imap, settings.folder(), settings.selection(), settings.add(), settings.remove(),
          settings.expectedUidValidity(), settings.batchSize());
    }
  }

  /** Something to change, and no flag both added and removed. */
  static void checkChange(Set<String> add, Set<String> remove) {
    if (add.isEmpty() && remove.isEmpty()) {
      throw new BadInputException("no flag to add or remove: give e.g. \\Seen, \\Flagged or a keyword like $Done");
    }
    for (String f : add) {
      if (remove.contains(f)) {
        throw new BadInputException("flag " + f + " is both added and removed: choose one");
      }
    }
  }

  /** Checks and normalizes flags: system flags case-insensitively, keywords as IMAP atoms. */
  static Set<String> normalize(Set<String> flags) {
    Set<String> out = new LinkedHashSet<>();
    for (String f : flags) {
      if (f == null || f.isBlank()) {
        throw new BadInputException("a flag is empty: give \\Seen, \\Flagged or a keyword like $Done");
      }
      String s = f.strip();
      if (s.startsWith("\\")) {
        String sys = SYSTEM_FLAGS.stream().filter(x -> x.equalsIgnoreCase(s)).findFirst()
            .orElseThrow(() -> new BadInputException("flag " + s + " is not a settable system flag: use one of "
                + String.join(" ", SYSTEM_FLAGS) + " (\\Recent is set by the server) or a keyword without '\\'"));
        out.add(sys);
      } else {
        Filter.keyword(s); // validates: RFC 3501 flag-keyword is an atom
        if (s.toLowerCase(Locale.ROOT).equals("nil")) {
          throw new BadInputException("keyword NIL is reserved in IMAP: choose another name");
        }
        out.add(s);
      }
    }
    return out;
  }
}
