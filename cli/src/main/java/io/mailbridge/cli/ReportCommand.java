package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.journal.Journal;
import io.mailbridge.journal.JournalQuery;
import io.mailbridge.journal.JournalRecord;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge report}: what the journal says happened to messages. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Query the journal: one JSON line per record (time, operation, outcome, tracked properties, "
        + "document key, Document Cache keys), oldest first; --format table for people. Criteria combine (AND); "
        + "text criteria match part of the value, ignoring case.",
        "Example: mailbridge report --message-id '<invoice-42@billing.example.com>' --format table"})
public final class ReportCommand implements Callable<Integer> {
  /** How records are printed. */
  enum Format { jsonl, table }

  @Option(names = "--journal", paramLabel = "FILE",
      description = "The journal to read (default: $MAILBRIDGE_JOURNAL, else $XDG_STATE_HOME/mailbridge/journal.db, "
          + "~/.local/state/mailbridge/journal.db).")
  String journal;

  @Option(names = "--message-id", paramLabel = "ID", description = "Records of this message (<> optional), also "
      + "those that name it only by its key (a move by UID).")
  String messageId;

  @Option(names = "--subject", paramLabel = "TEXT", description = "Subject contains TEXT.")
  String subject;

  @Option(names = "--from", paramLabel = "ADDRESS", description = "From address contains ADDRESS.")
  String from;

  @Option(names = "--to", paramLabel = "ADDRESS", description = "A To, Cc or Bcc address contains ADDRESS.")
  String to;

  @Option(names = "--folder", paramLabel = "FOLDER", description = "The message was in FOLDER or went to it.")
  String folder;

  @Option(names = "--since", paramLabel = "DATE", description = "At or after DATE: YYYY-MM-DD (local day) or an "
      + "ISO-8601 time such as 2026-11-30T09:00:00Z.")
  String since;

  @Option(names = "--until", paramLabel = "DATE", description = "Before DATE (YYYY-MM-DD: before that day begins).")
  String until;

  @Option(names = "--operation", paramLabel = "OP", description = "send | receive | watch | move | copy | flag | delete.")
  String operation;

  @Option(names = "--outcome", paramLabel = "OUTCOME", description = "e.g. received, sent, moved, failed, missing.")
  String outcome;

  @Option(names = "--limit", paramLabel = "N", defaultValue = "0", description = "Only the newest N matching records "
      + "(default: all).")
  int limit;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "jsonl", description = "jsonl | table (default: "
      + "${DEFAULT-VALUE}).")
  Format format;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if ("off".equalsIgnoreCase(journal == null ? "" : journal.strip())) {
      throw new BadInputException("--journal off: report reads a journal; give its file");
    }
    Path file = JournalOptions.resolve(journal, System.getenv()).orElseThrow(() -> new BadInputException(
        "MAILBRIDGE_JOURNAL is off: give the journal to read with --journal FILE"));
    if (!Files.isRegularFile(file)) {
      throw new BadInputException("no journal at " + file + ": commands write one there unless --journal or "
          + "MAILBRIDGE_JOURNAL says otherwise; give its file with --journal FILE");
    }
    if (limit < 0) {
      throw new BadInputException("--limit " + limit + " must not be negative");
    }
    JournalQuery q = JournalQuery.builder().messageId(messageId).subject(subject).from(from).to(to).folder(folder)
        .operation(operation).outcome(outcome).since(instant("--since", since)).until(instant("--until", until))
        .limit(limit).build();
    List<JournalRecord> records;
    try (Journal j = Journal.open(file)) {
      records = j.query(q);
    }
    PrintWriter out = spec.commandLine().getOut();
    if (format == Format.table) {
      ReportTable.print(out, records);
    } else {
      for (JournalRecord r : records) {
        Json.streamed(out, view(r));
      }
    }
    out.flush();
    return ExitCodes.OK;
  }

  static Instant instant(String option, String text) {
    if (text == null) {
      return null;
    }
    String t = text.strip();
    try {
      if (t.length() == 10) {
        return LocalDate.parse(t).atStartOfDay(ZoneId.systemDefault()).toInstant();
      }
      return OffsetDateTime.parse(t).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(t);
      } catch (DateTimeParseException again) {
        throw new BadInputException(option + " '" + text + "' is not a date: use YYYY-MM-DD or an ISO-8601 time such "
            + "as 2026-11-30T09:00:00Z");
      }
    }
  }

  /** One JSON line: time, operation, outcome, the tracked properties, the keys, the reason. */
  static Map<String, Object> view(JournalRecord r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("time", r.time().toString());
    m.put("operation", r.operation());
    m.put("outcome", r.outcome());
    m.putAll(r.properties());
    r.documentKey().ifPresent(k -> m.put("key", k));
    if (!r.cacheKeys().isEmpty()) {
      m.put("cacheKeys", r.cacheKeys());
    }
    r.cacheDir().ifPresent(d -> m.put("cacheDir", d));
    r.reason().ifPresent(x -> m.put("reason", x));
    return m;
  }
}
