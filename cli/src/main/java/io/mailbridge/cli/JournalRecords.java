package io.mailbridge.cli;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.JournalRecord;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.MoveResult;
import io.mailbridge.document.MailDocument;
import io.mailbridge.receive.DeadLetter;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.send.SendResult;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** What the commands' results become in the journal: one record per message. */
final class JournalRecords {
  private JournalRecords() {}

  static JournalRecord sent(SendResult r) {
    return JournalRecord.of("send", r.status().name().toLowerCase(Locale.ROOT), r.properties(), null, List.of(),
        r.error().map(Throwable::getMessage).orElse(null));
  }

  /**
   * A message of a move, copy, flag change or delete. Its properties name the folder it came from
   * ({@code fromFolder}) and, for a move or copy, the folder it went to ({@code folder}); the document
   * key is its key in the source folder, the one a receive from there gave it.
   */
  static JournalRecord moved(String operation, Optional<Endpoint> imap, MoveResult r, MessageOutcome o) {
    TrackedProperties p = Outcomes.properties(r, o);
    String key = o.uid().flatMap(uid -> imap.map(e -> JournalRecord.documentKey(e.auth().user(), e.host(), e.port(),
        r.folder(), r.uidValidity(), uid))).orElse(null);
    return new JournalRecord(Instant.now(), operation, o.status().name().toLowerCase(Locale.ROOT), p.toMap(),
        Optional.ofNullable(key), List.of(), Optional.empty(), Optional.ofNullable(o.reason()));
  }

  /**
   * The {@code --then} action applied to a received document: {@code move} (outcome {@code moved}, from
   * its folder to the target), {@code flag} ({@code updated}: read or flagged) or {@code delete}
   * ({@code expunged}); its properties are the document's, with {@code fromFolder} and {@code folder}
   * saying where it went.
   */
  static JournalRecord postAction(PostAction action, String then, MailDocument d) {
    return postAction(action, then, d.properties(), d.key());
  }

  /** The {@code --then} action applied to a message with these properties and document key. */
  static JournalRecord postAction(PostAction action, String then, TrackedProperties properties, String key) {
    TrackedProperties.Builder p = properties.toBuilder();
    String source = properties.folder().orElse("");
    String operation;
    String outcome;
    if (action instanceof PostAction.Move m) {
      p.fromFolder(source).folder(m.folder());
      operation = "move";
      outcome = "moved";
    } else if (action instanceof PostAction.Delete) {
      operation = "delete";
      outcome = "expunged";
    } else {
      operation = "flag";
      outcome = "updated";
    }
    return new JournalRecord(Instant.now(), operation, outcome, p.build().toMap(), Optional.ofNullable(key), List.of(),
        Optional.empty(), Optional.of("--then " + then.strip()));
  }

  /** A message put in quarantine. */
  static JournalRecord quarantined(String operation, DeadLetter l) {
    TrackedProperties p = TrackedProperties.builder().folder(l.folder()).fromFolder(l.folder()).uid(l.uid())
        .uidValidity(l.uidValidity()).size(l.size()).build();
    return new JournalRecord(Instant.now(), operation, "quarantined", p.toMap(), Optional.of(l.key()), List.of(),
        Optional.empty(), Optional.of(l.kind().name().toLowerCase(Locale.ROOT) + ": " + l.reason() + " (to "
            + l.quarantine() + ")"));
  }

  /** A message a receive or watch could not deliver: skipped (unreadable), or quarantined. */
  static JournalRecord notDelivered(String operation, String outcome, Optional<Endpoint> imap, String folder,
      long uidValidity, ReceiveResult.Skipped s) {
    TrackedProperties p = TrackedProperties.builder().folder(folder).fromFolder(folder).uid(s.uid())
        .uidValidity(uidValidity).build();
    String key = imap.map(e -> JournalRecord.documentKey(e.auth().user(), e.host(), e.port(), folder, uidValidity,
        s.uid())).orElse(null);
    return new JournalRecord(Instant.now(), operation, outcome, p.toMap(), Optional.ofNullable(key), List.of(),
        Optional.empty(), Optional.of(s.reason()));
  }
}
