package io.mailbridge.move;

import io.mailbridge.BadInputException;
import io.mailbridge.search.Filter;
import io.mailbridge.search.UidSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Which messages of a folder an operation ({@link Move}, {@link Flags}, {@link Delete}) acts on:
 * UIDs, a {@link Filter} (the same server-side {@code UID SEARCH} Receive uses), or Message-IDs.
 *
 * <pre>{@code
 * Selection.uids(12, 15, 16);
 * Selection.uids(UidSet.parse("12,15:40"));
 * Selection.filter(Filter.and(Filter.subject("Invoice"), Filter.receivedBefore(LocalDate.of(2026, 1, 1))));
 * Selection.messageIds(List.of("<abc@example.com>"));
 * }</pre>
 */
public sealed interface Selection {

  /** These UIDs (duplicates removed, sorted). UIDs that no longer exist are reported as missing. */
  static Selection uids(List<Long> uids) {
    return new Uids(uids);
  }

  /** These UIDs. */
  static Selection uids(long... uids) {
    return new Uids(java.util.Arrays.stream(uids).boxed().toList());
  }

  /** A UID set such as {@code 1:500,502,510:700}. */
  static Selection uidSet(String set) {
    return new Uids(UidSet.parse(set));
  }

  /** Every message the filter matches at the time of the operation. */
  static Selection filter(Filter filter) {
    return new ByFilter(filter);
  }

  /** Messages whose Message-ID header is one of these (angle brackets optional). */
  static Selection messageIds(List<String> messageIds) {
    return new MessageIds(messageIds);
  }

  /** Selection by UID. */
  record Uids(List<Long> uids) implements Selection {
    public Uids {
      Objects.requireNonNull(uids, "uids");
      if (uids.isEmpty()) {
        throw new BadInputException("selection has no UIDs: give at least one UID, e.g. 12 or 15:40");
      }
      for (Long u : uids) {
        if (u == null || u < 1 || u > 4294967295L) {
          throw new BadInputException("UID " + u + " is out of range 1-4294967295");
        }
      }
      uids = List.copyOf(new TreeSet<>(uids));
    }
  }

  /** Selection by server-side search. */
  record ByFilter(Filter filter) implements Selection {
    public ByFilter {
      Objects.requireNonNull(filter, "filter");
    }
  }

  /** Selection by Message-ID header. */
  record MessageIds(List<String> messageIds) implements Selection {
    public MessageIds {
      Objects.requireNonNull(messageIds, "messageIds");
      if (messageIds.isEmpty()) {
        throw new BadInputException("selection has no Message-IDs: give at least one, e.g. <id@example.com>");
      }
      for (String id : messageIds) {
        if (id == null || id.isBlank()) {
          throw new BadInputException("a Message-ID in the selection is empty");
        }
        if (id.indexOf('\r') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\0') >= 0) {
          throw new BadInputException("Message-ID '" + id.strip() + "' contains CR, LF or NUL: remove them");
        }
      }
      messageIds = List.copyOf(messageIds);
    }
  }
}
