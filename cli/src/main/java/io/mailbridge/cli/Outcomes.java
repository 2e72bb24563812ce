package io.mailbridge.cli;

import io.mailbridge.connection.MailConnection;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.move.MessageOutcome;
import io.mailbridge.move.MoveResult;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a {@link MoveResult}: one JSON line per message on stdout, warnings and a summary on stderr. */
final class Outcomes {
  private Outcomes() {}

  /**
   * Exit 0 when every message got what was asked, else 3 (partial failure). Each message also goes
   * to the journal as one record of {@code operation}.
   */
  static int print(CommandSpec spec, MoveResult r, String operation, MailConnection mail, JournalSink journal) {
    lines(spec, r, operation, mail, journal);
    return summary(spec, r);
  }

  /** One JSON line on stdout and one journal record per outcome of {@code r}. */
  static void lines(CommandSpec spec, MoveResult r, String operation, MailConnection mail, JournalSink journal) {
    // Every line reports what the server has already done, and nothing is changed after it: the
    // lines can go out in blocks (a write call per line was 10,000 for a folder's move) and are
    // all out before this returns.
    var out = spec.commandLine().getOut();
    for (MessageOutcome o : r.outcomes()) {
      Json.streamed(out, view(r, o));
      journal.add(JournalRecords.moved(operation, mail.inbound(), r, o));
    }
    out.flush();
  }

  /** The warnings and, when some message was not done, a summary on stderr; the exit code. */
  static int summary(CommandSpec spec, MoveResult r) {
    var err = spec.commandLine().getErr();
    for (String w : r.warnings()) {
      err.println("mailbridge: warning: " + w);
    }
    long ok = r.succeeded();
    if (ok < r.outcomes().size()) {
      err.println("mailbridge: " + ok + " of " + r.outcomes().size() + " message(s) done; see \"status\" and \"reason\" "
          + "per line");
    }
    err.flush();
    return r.complete() ? ExitCodes.OK : ExitCodes.PARTIAL;
  }

  /** The tracked properties of one message (see {@link MoveResult#properties}). */
  static TrackedProperties properties(MoveResult r, MessageOutcome o) {
    return r.properties(o);
  }

  static Map<String, Object> view(MoveResult r, MessageOutcome o) {
    Map<String, Object> m = new LinkedHashMap<>(properties(r, o).toMap());
    r.target().ifPresent(t -> m.put("target", t));
    m.put("status", o.status().name().toLowerCase(java.util.Locale.ROOT));
    o.newUid().ifPresent(u -> m.put("newUid", u));
    r.targetUidValidity().ifPresent(v -> m.put("targetUidValidity", v));
    if (!o.reason().isEmpty()) {
      m.put("reason", o.reason());
    }
    return m;
  }
}
