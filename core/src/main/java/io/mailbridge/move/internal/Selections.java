package io.mailbridge.move.internal;

import io.mailbridge.imap.SelectedFolder;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.MessageOutcome.Status;
import io.mailbridge.move.Selection;
import io.mailbridge.search.Filter;
import io.mailbridge.search.UidSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** A {@link Selection} resolved against a selected folder: the UIDs that exist, outcomes for the rest. */
final class Selections {
  // Longest UID set sent in one UID SEARCH; Dovecot's default line limit is 64 KiB.
  private static final int MAX_SEARCH_SET_CHARS = 16_000;

  private Selections() {}

  /** The selection resolved against the folder: what exists, and outcomes for what does not. */
  record Resolved(List<Long> present, Map<Long, String> messageIds, List<MessageOutcome> missing) {}

  /** One UID SEARCH (one per Message-ID when selecting by Message-ID). */
  static Resolved resolve(SelectedFolder folder, Selection selection) {
    String name = folder.name();
    if (selection instanceof Selection.Uids u) {
      String set = UidSet.format(u.uids());
      String searchSet = set.length() <= MAX_SEARCH_SET_CHARS ? set
          : u.uids().get(0) + ":" + u.uids().get(u.uids().size() - 1);
      Set<Long> found = new HashSet<>(folder.search(Filter.raw("UID " + searchSet)));
      List<Long> present = new ArrayList<>();
      List<MessageOutcome> missing = new ArrayList<>();
      for (long uid : u.uids()) {
        if (found.contains(uid)) {
          present.add(uid);
        } else {
          missing.add(missing(uid, null, "UID " + uid + " is not in folder '" + name
              + "': expunged, or moved by another client"));
        }
      }
      return new Resolved(present, Map.of(), missing);
    }
    if (selection instanceof Selection.ByFilter f) {
      return new Resolved(folder.search(f.filter()), Map.of(), List.of());
    }
    Selection.MessageIds ids = (Selection.MessageIds) selection;
    TreeSet<Long> present = new TreeSet<>();
    Map<Long, String> byUid = new LinkedHashMap<>();
    List<MessageOutcome> missing = new ArrayList<>();
    for (String id : ids.messageIds()) {
      List<Long> uids = folder.search(Filter.messageId(id));
      if (uids.isEmpty()) {
        missing.add(new MessageOutcome(Optional.empty(), Optional.of(id.strip()), Status.MISSING, Optional.empty(),
            "no message with Message-ID " + id.strip() + " in folder '" + name + "'"));
      }
      for (long uid : uids) {
        present.add(uid);
        byUid.putIfAbsent(uid, id.strip());
      }
    }
    return new Resolved(new ArrayList<>(present), byUid, missing);
  }

  static MessageOutcome missing(long uid, String messageId, String reason) {
    return new MessageOutcome(Optional.of(uid), Optional.ofNullable(messageId), Status.MISSING, Optional.empty(),
        reason);
  }
}
