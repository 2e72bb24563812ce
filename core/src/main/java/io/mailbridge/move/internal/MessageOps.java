package io.mailbridge.move.internal;

import io.mailbridge.imap.CopyUid;
import io.mailbridge.imap.FolderPaths;
import io.mailbridge.imap.SelectedFolder;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.MessageOutcome.Status;
import io.mailbridge.move.MoveResult;
import io.mailbridge.move.Selection;
import io.mailbridge.imap.MessageSizes;
import io.mailbridge.search.UidSet;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.Set;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Move, copy, flag and expunge selected messages with UID commands on UID sets, one command per
 * batch. Every selected message gets an outcome; only selected UIDs are ever expunged (UID EXPUNGE),
 * except with the explicit plain-EXPUNGE opt-in on servers without UIDPLUS.
 */
public final class MessageOps {
  private static final Logger LOG = LoggerFactory.getLogger(MessageOps.class);

  private MessageOps() {}

  /** What to do: move or copy. */
  public enum Kind { MOVE, COPY }

  /** A move or copy request, independent of the public settings type. */
  public record Request(Kind kind, String from, String to, Selection selection, boolean createTarget,
      Optional<Long> expectedUidValidity, int batchSize, boolean expungeWithoutUidplus,
      Optional<Strategy> forcedStrategy) {}

  /** Moves or copies; {@code forcedStrategy} is for tests (the default follows the capabilities). */
  public static MoveResult transfer(ImapClient imap, Request r) {
    return transfer(imap, r, done -> { });
  }

  /**
   * Moves or copies, handing {@code confirmed} each batch's outcomes once the server answered its
   * command (when nothing later changes them), and the rest at the end: each outcome once.
   */
  public static MoveResult transfer(ImapClient imap, Request r, Consumer<MoveResult> confirmed) {
    Map<String, String> caps = imap.capabilities();
    Strategy strategy = r.forcedStrategy().orElseGet(() -> Strategy.choose(caps));
    if (!strategy.supportedBy(caps)) {
      throw new ConfigException("strategy " + strategy + " is not supported by " + imap.endpoint().address());
    }
    boolean uidplus = caps.containsKey("UIDPLUS");
    // Before SELECT: while the source is open Angus would run LIST/CREATE on a second connection.
    Optional<String> wireTarget = target(imap, r.to(), r.createTarget());
    boolean vanished = r.kind() == Kind.MOVE && strategy == Strategy.MOVE;
    try (SelectedFolder src = SelectedFolder.open(imap, r.from(), vanished)) {
      Prepared p = prepare(src, r.selection(), r.expectedUidValidity());
      String method = r.kind() == Kind.COPY ? "COPY" : strategy.name();
      // Without UIDPLUS a move's outcomes are settled only after the last batch (EXPUNGE or not).
      ConfirmedFeed feed = new ConfirmedFeed(confirmed, r.kind() == Kind.COPY || strategy != Strategy.COPY);
      if (!p.present().isEmpty() && wireTarget.isEmpty()) {
        failAll(p, p.present(), "target folder '" + r.to() + "' does not exist: create it first or ask for it to "
            + "be created (createTarget / --create-target)");
      }
      if (p.present().isEmpty() || wireTarget.isEmpty()) {
        MoveResult none = result(src, Optional.of(r.to()), "NONE", Optional.empty(), p.outcomes(), p.warnings());
        feed.rest(none);
        return none;
      }
      String target = wireTarget.get();
      Recorder metrics = imap.endpoint().recorder();
      // Sizes only when someone counts the bytes: one extra FETCH per 2000 UIDs.
      Map<Long, Long> sizes = metrics.enabled() ? MessageSizes.of(imap.endpoint(), src.folder(), p.present()) : Map.of();
      Optional<Long> targetValidity = Optional.empty();
      List<Long> flaggedNotExpunged = new ArrayList<>();
      for (List<Long> batch : Batches.of(p.present(), r.batchSize())) {
        String set = UidSet.format(batch);
        Optional<CopyUid> copied;
        if (r.kind() == Kind.MOVE && strategy == Strategy.MOVE) {
          SelectedFolder.Reply reply = src.command("UID MOVE", SelectedFolder.setAndMailbox(set, target));
          if (!reply.ok()) {
            failAll(p, batch, refusal("UID MOVE", r.to(), reply));
            continue;
          }
          copied = reply.copyUidFor(batch, p.warnings());
          report(p, batch, copied, Status.MOVED, "");
        } else {
          SelectedFolder.Reply reply = src.command("UID COPY", SelectedFolder.setAndMailbox(set, target));
          if (!reply.ok()) {
            failAll(p, batch, refusal("UID COPY", r.to(), reply));
            continue;
          }
          copied = reply.copyUidFor(batch, p.warnings());
          if (r.kind() == Kind.COPY) {
            report(p, batch, copied, Status.COPIED, "");
          } else {
            // Only what the server says it copied is flagged and expunged (RFC 4315 3: COPYUID).
            List<Long> done = copied.map(CopyUid::source).orElse(batch);
            String doneSet = UidSet.format(done);
            SelectedFolder.Reply stored = src.command("UID STORE", SelectedFolder.storeArgs(doneSet, "+FLAGS.SILENT", List.of("\\Deleted")));
            if (!stored.ok()) {
              report(p, batch, copied, Status.COPIED, "copied to '" + r.to() + "' but the source could not be "
                  + "flagged \\Deleted (" + stored.text() + "): it is still in '" + r.from() + "'");
              continue;
            }
            if (strategy == Strategy.UIDPLUS) {
              // RFC 4315 2.1: UID EXPUNGE removes only these UIDs, never other \Deleted messages.
              SelectedFolder.Reply expunged = src.command("UID EXPUNGE", SelectedFolder.atom(doneSet));
              if (!expunged.ok()) {
                report(p, batch, copied, Status.COPIED, "copied to '" + r.to() + "' and flagged \\Deleted, but "
                    + "UID EXPUNGE failed (" + expunged.text() + ")");
                continue;
              }
              report(p, batch, copied, Status.MOVED, "");
            } else {
              flaggedNotExpunged.addAll(done);
              report(p, batch, copied, Status.MOVED, "");
            }
          }
        }
        if (copied.isPresent()) {
          targetValidity = Optional.of(copied.get().uidValidity());
        }
        feed.batch(src, Optional.of(r.to()), method, copied.map(CopyUid::uidValidity), batch, p.byUid());
      }
      if (!flaggedNotExpunged.isEmpty()) {
        finishWithoutUidplus(src, r, p, flaggedNotExpunged, uidplus);
      }
      MoveResult result = result(src, Optional.of(r.to()), method, targetValidity, p.outcomes(), p.warnings());
      feed.rest(result);
      if (metrics.enabled()) {
        List<Long> done = result.outcomes().stream().filter(o -> o.status().succeeded() && o.uid().isPresent())
            .map(o -> o.uid().get()).toList();
        metrics.moved(r.from(), r.kind().name().toLowerCase(Locale.ROOT), done.size(),
            done.stream().mapToLong(u -> sizes.getOrDefault(u, 0L)).sum());
      }
      return result;
    }
  }

  // Without UIDPLUS there is no way to expunge only some messages (RFC 3501 6.4.3 EXPUNGE removes all \Deleted).
  private static void finishWithoutUidplus(SelectedFolder src, Request r, Prepared p, List<Long> flagged,
      boolean uidplus) {
    if (r.expungeWithoutUidplus()) {
      SelectedFolder.Reply reply = src.command("EXPUNGE", null);
      p.warnings().add("the server has no UIDPLUS: a plain EXPUNGE was run (as asked), which also removed any other "
          + "message flagged \\Deleted in '" + r.from() + "'");
      if (!reply.ok()) {
        relabel(p, flagged, Status.COPIED, "copied to '" + r.to() + "' and flagged \\Deleted, but EXPUNGE failed ("
            + reply.text() + ")");
      }
    } else {
      p.warnings().add("the server has no MOVE and no UIDPLUS: " + flagged.size() + " message(s) were copied to '"
          + r.to() + "' and flagged \\Deleted in '" + r.from() + "' but not expunged, because EXPUNGE would also remove "
          + "other \\Deleted messages there; expunge yourself or allow it (expungeWithoutUidplus / --expunge-all)");
      relabel(p, flagged, Status.COPIED, "copied to '" + r.to() + "' and flagged \\Deleted in '" + r.from()
          + "'; not expunged (server without UIDPLUS)");
    }
    LOG.debug("move without uidplus folder={} flagged={} expunged={} uidplus={}", r.from(), flagged.size(),
        r.expungeWithoutUidplus(), uidplus);
  }

  /** Adds and removes flags with {@code UID STORE ... FLAGS.SILENT}. */
  public static MoveResult store(ImapClient imap, String folder, Selection selection, Set<String> add,
      Set<String> remove, Optional<Long> expectedUidValidity, int batchSize) {
    try (SelectedFolder src = SelectedFolder.open(imap, folder)) {
      Prepared p = prepare(src, selection, expectedUidValidity);
      for (List<Long> batch : Batches.of(p.present(), batchSize)) {
        String set = UidSet.format(batch);
        String failure = null;
        if (!add.isEmpty()) {
          SelectedFolder.Reply reply = src.command("UID STORE", SelectedFolder.storeArgs(set, "+FLAGS.SILENT", add));
          failure = reply.ok() ? null : "UID STORE +FLAGS refused: " + reply.text();
        }
        if (failure == null && !remove.isEmpty()) {
          SelectedFolder.Reply reply = src.command("UID STORE", SelectedFolder.storeArgs(set, "-FLAGS.SILENT", remove));
          failure = reply.ok() ? null : "UID STORE -FLAGS refused: " + reply.text();
        }
        if (failure != null) {
          failAll(p, batch, failure);
        } else {
          report(p, batch, Optional.empty(), Status.UPDATED, "");
        }
      }
      return result(src, Optional.empty(), p.present().isEmpty() ? "NONE" : "STORE", Optional.empty(), p.outcomes(),
          p.warnings());
    }
  }

  /** Flags \Deleted and expunges exactly the selection (UIDPLUS), or as the opt-in allows without it. */
  public static MoveResult expunge(ImapClient imap, String folder, Selection selection,
      Optional<Long> expectedUidValidity, int batchSize, boolean expungeWithoutUidplus) {
    boolean uidplus = imap.capabilities().containsKey("UIDPLUS");
    try (SelectedFolder src = SelectedFolder.open(imap, folder)) {
      Prepared p = prepare(src, selection, expectedUidValidity);
      List<Long> flagged = new ArrayList<>();
      for (List<Long> batch : Batches.of(p.present(), batchSize)) {
        String set = UidSet.format(batch);
        SelectedFolder.Reply stored = src.command("UID STORE", SelectedFolder.storeArgs(set, "+FLAGS.SILENT", List.of("\\Deleted")));
        if (!stored.ok()) {
          failAll(p, batch, "UID STORE +FLAGS (\\Deleted) refused: " + stored.text());
          continue;
        }
        if (uidplus) {
          SelectedFolder.Reply expunged = src.command("UID EXPUNGE", SelectedFolder.atom(set));
          if (expunged.ok()) {
            report(p, batch, Optional.empty(), Status.EXPUNGED, "");
          } else {
            report(p, batch, Optional.empty(), Status.UPDATED, "flagged \\Deleted but UID EXPUNGE failed: "
                + expunged.text());
          }
        } else {
          flagged.addAll(batch);
        }
      }
      if (!flagged.isEmpty()) {
        if (expungeWithoutUidplus) {
          SelectedFolder.Reply reply = src.command("EXPUNGE", null);
          p.warnings().add("the server has no UIDPLUS: a plain EXPUNGE was run (as asked), which also removed any "
              + "other message flagged \\Deleted in '" + folder + "'");
          relabelOrReport(p, flagged, reply.ok() ? Status.EXPUNGED : Status.UPDATED,
              reply.ok() ? "" : "flagged \\Deleted but EXPUNGE failed: " + reply.text());
        } else {
          p.warnings().add("the server has no UIDPLUS: " + flagged.size() + " message(s) were flagged \\Deleted but "
              + "not expunged, because EXPUNGE would also remove other \\Deleted messages; allow it with "
              + "expungeWithoutUidplus / --expunge-all");
          relabelOrReport(p, flagged, Status.UPDATED, "flagged \\Deleted; not expunged (server without UIDPLUS)");
        }
      }
      return result(src, Optional.empty(), p.present().isEmpty() ? "NONE" : uidplus ? "UIDPLUS" : "STORE",
          Optional.empty(), p.outcomes(), p.warnings());
    }
  }

  /** Creates the target when asked; returns its wire name, or empty when it does not exist. */
  private static Optional<String> target(ImapClient imap, String name, boolean create) {
    try {
      IMAPFolder target = FolderPaths.folder(imap.store(), name);
      if (!target.exists()) {
        if (!create) {
          return Optional.empty();
        }
        if (!target.create(Folder.HOLDS_MESSAGES)) {
          throw new io.mailbridge.ProtocolException("IMAP " + imap.endpoint().address() + ": target folder '" + name
              + "' could not be created: check the name and your rights on the server", false, null);
        }
        LOG.info("folder created mailbox={} folder={}", imap.endpoint().auth().user(), name);
      }
      // RFC 3501 5.1.3: mailbox names go out in modified UTF-7.
      return Optional.of(BASE64MailboxEncoder.encode(target.getFullName()));
    } catch (MessagingException e) {
      throw Errors.translate(imap.endpoint(), "LIST/CREATE " + name, e);
    }
  }

  private record Prepared(List<Long> present, Map<Long, String> messageIds, Map<Long, MessageOutcome> byUid,
      List<MessageOutcome> unmatched, List<String> warnings) {
    List<MessageOutcome> outcomes() {
      // Ascending UID: sort the keys as primitives, then look the outcomes up (no boxed comparisons).
      long[] uids = new long[byUid.size()];
      int i = 0;
      for (long uid : byUid.keySet()) {
        uids[i++] = uid;
      }
      Arrays.sort(uids);
      List<MessageOutcome> out = new ArrayList<>(uids.length + unmatched.size());
      for (long uid : uids) {
        out.add(byUid.get(uid));
      }
      out.addAll(unmatched);
      return out;
    }
  }

  private static Prepared prepare(SelectedFolder src, Selection selection, Optional<Long> expectedUidValidity) {
    long validity = src.uidValidity();
    Map<Long, MessageOutcome> byUid = new HashMap<>();
    List<MessageOutcome> unmatched = new ArrayList<>();
    if (expectedUidValidity.isPresent() && expectedUidValidity.get() != validity) {
      // RFC 3501 2.3.1.1: after a UIDVALIDITY change old UIDs may name other messages; touch nothing.
      String reason = "UIDVALIDITY of '" + src.name() + "' is " + validity + ", not the expected "
          + expectedUidValidity.get() + ": the UIDs were read before the folder was recreated and may now name other "
          + "messages; read the UIDs again";
      if (selection instanceof Selection.Uids u) {
        for (long uid : u.uids()) {
          byUid.put(uid, new MessageOutcome(Optional.of(uid), Optional.empty(), Status.FAILED, Optional.empty(), reason));
        }
      } else {
        Selections.Resolved r = Selections.resolve(src, selection);
        for (long uid : r.present()) {
          byUid.put(uid, new MessageOutcome(Optional.of(uid), Optional.ofNullable(r.messageIds().get(uid)),
              Status.FAILED, Optional.empty(), reason));
        }
        unmatched.addAll(r.missing());
      }
      return new Prepared(List.of(), Map.of(), byUid, unmatched, new ArrayList<>(List.of(reason)));
    }
    Selections.Resolved r = Selections.resolve(src, selection);
    byUid = new HashMap<>((int) ((r.present().size() + r.missing().size()) / 0.75f) + 1);
    for (MessageOutcome m : r.missing()) {
      if (m.uid().isPresent()) {
        byUid.put(m.uid().get(), m);
      } else {
        unmatched.add(m);
      }
    }
    return new Prepared(r.present(), r.messageIds(), byUid, unmatched, new ArrayList<>());
  }

  private static void report(Prepared p, List<Long> batch, Optional<CopyUid> copied, Status status, String reason) {
    if (copied.isPresent() && copied.get().source().equals(batch)) {
      // The usual answer: every UID of the batch copied, in the batch's order; no lookup table needed.
      List<Long> target = copied.get().target();
      for (int i = 0; i < batch.size(); i++) {
        long uid = batch.get(i);
        p.byUid().put(uid, new MessageOutcome(Optional.of(uid), Optional.ofNullable(p.messageIds().get(uid)), status,
            Optional.of(target.get(i)), reason));
      }
      return;
    }
    Map<Long, Long> map = copied.map(CopyUid::mapping).orElse(Map.of());
    for (long uid : batch) {
      Optional<String> id = Optional.ofNullable(p.messageIds().get(uid));
      if (copied.isPresent() && !map.containsKey(uid)) {
        // UID commands silently skip UIDs that vanished meanwhile (RFC 3501 6.4.8); COPYUID shows which.
        p.byUid().put(uid, new MessageOutcome(Optional.of(uid), id, Status.MISSING, Optional.empty(),
            "UID " + uid + " disappeared before the command ran: expunged, or moved by another client"));
      } else {
        p.byUid().put(uid, new MessageOutcome(Optional.of(uid), id, status, Optional.ofNullable(map.get(uid)), reason));
      }
    }
  }

  private static void relabel(Prepared p, List<Long> uids, Status status, String reason) {
    for (long uid : uids) {
      MessageOutcome o = p.byUid().get(uid);
      if (o != null) {
        p.byUid().put(uid, new MessageOutcome(o.uid(), o.messageId(), status, o.newUid(), reason));
      }
    }
  }

  private static void relabelOrReport(Prepared p, List<Long> uids, Status status, String reason) {
    report(p, uids, Optional.empty(), status, reason);
  }

  private static void failAll(Prepared p, List<Long> batch, String reason) {
    for (long uid : batch) {
      p.byUid().put(uid, new MessageOutcome(Optional.of(uid), Optional.ofNullable(p.messageIds().get(uid)),
          Status.FAILED, Optional.empty(), reason));
    }
  }

  private static String refusal(String command, String target, SelectedFolder.Reply reply) {
    if (reply.tryCreate()) {
      return "target folder '" + target + "' does not exist (" + command + " answered TRYCREATE): create it or ask "
          + "for it to be created (createTarget / --create-target)";
    }
    return command + " to '" + target + "' refused: " + reply.text();
  }

  private static MoveResult result(SelectedFolder src, Optional<String> target, String method,
      Optional<Long> targetValidity, List<MessageOutcome> outcomes, List<String> warnings) {
    return new MoveResult(src.name(), target, method, src.uidValidity(), targetValidity, outcomes, warnings);
  }
}
