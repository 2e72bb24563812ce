package io.mailbridge.cli;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.JournalRecord;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.PostAction;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Journals the {@code --then} action of a receive or watch when the server has done it: a document
 * handed over waits here until the library reports its post-action applied, then becomes a move,
 * flag or delete record with the time it happened. A post-action left pending by a stopped watch
 * and completed at the next start is journaled from its UID alone (the document went to the
 * earlier run).
 */
final class ThenJournal {
  private final JournalSink sink;
  private final PostAction action;
  private final String then;
  private final Optional<Endpoint> imap;
  /** Records waiting for their action, by folder, UIDVALIDITY and UID. */
  private final Map<String, JournalRecord> waiting = new ConcurrentHashMap<>();

  ThenJournal(JournalSink sink, PostAction action, String then, Optional<Endpoint> imap) {
    this.sink = sink;
    this.action = action;
    this.then = then == null ? "" : then;
    this.imap = imap;
  }

  /** A handler that hands documents to {@code inner} and journals the post-action once it ran. */
  DocumentHandler around(DocumentHandler inner) {
    return new DocumentHandler.Forwarding(inner) {
      @Override
      public void handle(MailDocument document) {
        super.handle(document); // a refusal throws: no action follows
        handed(document);
      }

      @Override
      public void postActionApplied(String folder, long uidValidity, List<Long> uids) {
        super.postActionApplied(folder, uidValidity, uids);
        applied(folder, uidValidity, uids);
      }
    };
  }

  /** An accepted document: its action's record waits for the action. */
  void handed(MailDocument d) {
    if (!sink.enabled() || !action.writes() || d.reference()) {
      return; // a reference keeps its message on the server untouched
    }
    TrackedProperties p = d.properties();
    if (p.uid().isPresent() && p.uidValidity().isPresent()) {
      waiting.put(id(p.folder().orElse(""), p.uidValidity().get(), p.uid().get()),
          JournalRecords.postAction(action, then, d));
    }
  }

  /** The action ran on these UIDs: their records go to the journal, stamped now. */
  void applied(String folder, long uidValidity, List<Long> uids) {
    if (!sink.enabled()) {
      return;
    }
    Instant now = Instant.now();
    for (long uid : uids) {
      JournalRecord r = waiting.remove(id(folder, uidValidity, uid));
      if (r == null) {
        TrackedProperties p = TrackedProperties.builder().folder(folder).uid(uid).uidValidity(uidValidity).build();
        r = JournalRecords.postAction(action, then, p, imap.map(e -> JournalRecord.documentKey(e.auth().user(),
            e.host(), e.port(), folder, uidValidity, uid)).orElse(null));
      }
      sink.add(new JournalRecord(now, r.operation(), r.outcome(), r.properties(), r.documentKey(), r.cacheKeys(),
          r.cacheDir(), r.reason()));
    }
  }

  private static String id(String folder, long uidValidity, long uid) {
    return folder + '\u0000' + uidValidity + '\u0000' + uid;
  }
}
