package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.MailDocument;
import io.mailbridge.journal.JournalRecord;
import io.mailbridge.mime.FileNames;
import io.mailbridge.receive.DeadLetter;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.Filter;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code mailbridge receive}: one JSON line per message; filters run on the server. */
@Command(name = "receive", mixinStandardHelpOptions = true,
    description = {"Receive messages from a folder and print one JSON line per message: tracked properties, "
        + "attachment keys and paths, warnings. Filters run on the server (IMAP UID SEARCH); reading never sets "
        + "\\Seen. Dates are IMAP days on the server's received date: --since D is on or after D, --before D is "
        + "strictly before D, --on D is that day.",
        "Example: mailbridge receive --unread --from invoices@x --since 2026-11-01 --max 100 "
            + "--cache-dir ./attachments --then move:Archive"})
public final class ReceiveCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "INBOX", description = "Folder to read (Unicode name; default: ${DEFAULT-VALUE}).")
  String folder;

  @Mixin
  FilterOptions filters;

  @Mixin
  LimitOptions limits;

  // The spelling for receive (move uses --from/--to for folders): same filters as
  // --from-address / --to-address / --cc-address.
  @Option(names = "--from", paramLabel = "TEXT", description = "From header contains TEXT (same as --from-address).")
  void from(String text) {
    filters.fromAddress = text;
  }

  @Option(names = "--to", paramLabel = "TEXT", description = "To header contains TEXT (same as --to-address).")
  void to(String text) {
    filters.toAddress = text;
  }

  @Option(names = "--cc", paramLabel = "TEXT", description = "Cc header contains TEXT (same as --cc-address).")
  void cc(String text) {
    filters.ccAddress = text;
  }

  @Option(names = "--max", paramLabel = "N", description = "At most N messages (default: all).")
  Integer max;

  @Option(names = "--newest-first", description = "Newest (highest UID) first instead of oldest first.")
  boolean newestFirst;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text", description = "Body: text | html | eml (default: ${DEFAULT-VALUE}).")
  BodyFormat format;

  @Option(names = "--out", paramLabel = "DIR", description = "With --format eml: save each raw message as DIR/<uid>.eml.")
  Path out;

  @Option(names = "--no-body", description = "Leave the body text out of the JSON lines.")
  boolean noBody;

  @Option(names = "--all-headers", description = "Add every header field to the JSON lines.")
  boolean allHeaders;

  @Option(names = "--cache-dir", paramLabel = "DIR", description = "Document Cache directory for attachments (default: attachments are hashed, not stored).")
  Path cacheDir;

  @Option(names = "--then", paramLabel = "ACTION", defaultValue = "none", description = "After each message is printed: none | read | flag | delete | move:FOLDER (default: ${DEFAULT-VALUE}).")
  String then;

  @Option(names = "--expunge-all", description = "With --then move:FOLDER or delete on a server without UIDPLUS "
      + "(and MOVE): allow a plain EXPUNGE, which also removes every other message flagged \\Deleted in the folder "
      + "(default: refuse before receiving anything).")
  boolean expungeAll;

  @Mixin
  ThenOptions thenOptions;

  @Mixin
  CacheRetentionOptions retention;

  @Mixin
  JournalOptions journal;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    try (JournalSink sink = journal.open(spec.commandLine().getErr(), connection)) {
      return receive(sink);
    }
  }

  private int receive(JournalSink sink) {
    if (out != null && format != BodyFormat.EML) {
      throw new BadInputException("--out saves raw messages: use it with --format eml");
    }
    ReceiveSettings.Builder s = ReceiveSettings.builder().folder(folder).filter(filter()).format(format)
        .postAction(thenOptions.parse(then, expungeAll)).includeHeaders(allHeaders)
        .order(newestFirst ? ReceiveSettings.Order.NEWEST_FIRST : ReceiveSettings.Order.OLDEST_FIRST)
        .sizeLimits(limits.sizeLimits()).quarantine(limits.quarantine().orElse(null));
    if (max != null) {
      s.maxMessages(max);
    }
    if (cacheDir != null) {
      s.cacheDir(cacheDir);
    }
    if (out != null) {
      try {
        Files.createDirectories(out);
      } catch (IOException e) {
        throw new BadInputException("--out " + out + " cannot be created: " + e.getMessage(), e);
      }
    }
    PrintWriter stderr = spec.commandLine().getErr();
    retention.retention(cacheDir).ifPresent(s::cacheRetention);
    ReceiveSettings settings = s.build();
    // Nothing changes on the server: lines may wait in stdout's buffer (a crash loses nothing a rerun
    // does not print again). Otherwise each line is out before its message is marked, moved or deleted.
    boolean readOnly = !settings.postAction().writes() && settings.quarantine().isEmpty() && settings.peek();
    Progress progress = new Progress(stderr, System.console() != null);
    MailConnection mail = connection.connection(true, false);
    ThenJournal actions = new ThenJournal(sink, settings.postAction(), then, mail.inbound());
    ReceiveResult result;
    try {
      result = run(mail, settings, readOnly, progress, sink, actions);
    } catch (RuntimeException e) {
      throw ThenOptions.explain(e, settings.postAction());
    }
    progress.done();
    result.cachePruned().ifPresent(p -> CacheRetentionOptions.report(cacheDir, p, stderr));
    for (ReceiveResult.Skipped sk : result.skipped()) {
      sink.add(JournalRecords.notDelivered("receive", "skipped", mail.inbound(), folder, result.uidValidity(), sk));
    }
    for (ReceiveResult.Skipped sk : result.skipped()) {
      stderr.println("mailbridge: skipped uid " + sk.uid() + " in " + folder + ": " + sk.reason());
    }
    for (ReceiveResult.Skipped sk : result.oversized()) {
      stderr.println("mailbridge: not downloaded: " + sk.reason());
    }
    for (ReceiveResult.Skipped sk : result.quarantined()) {
      stderr.println("mailbridge: uid " + sk.uid() + " in " + folder + " " + sk.reason());
    }
    stderr.flush();
    // Oversized messages left on the server were asked for (size policy skip): not a failure.
    return result.skipped().isEmpty() && result.quarantined().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
  }

  private ReceiveResult run(MailConnection mail, ReceiveSettings settings, boolean readOnly, Progress progress,
      JournalSink sink, ThenJournal actions) {
    PrintWriter stdout = spec.commandLine().getOut();
    return Receive.of(mail).run(settings, actions.around(new DocumentHandler() {
      @Override
      public void started(int selected, long largeMessagesBytes) {
        progress.start(selected);
      }

      @Override
      public void handle(MailDocument d) {
        // The line and the record carry the same properties: their map is made once per message.
        Map<String, Object> properties = d.properties().toMap();
        Object line = view(d, properties, d.reference() ? null : saveEml(d), !noBody);
        if (readOnly) {
          Json.streamed(stdout, line);
        } else {
          Json.line(stdout, line);
        }
        sink.add(JournalRecord.received("receive", d, properties));
        progress.step();
      }

      @Override
      public void deadLetter(DeadLetter letter) {
        Json.line(stdout, LimitOptions.view(letter));
        sink.add(JournalRecords.quarantined("receive", letter));
        progress.step();
      }
    }));
  }

  Filter filter() {
    return filters.filter().orElse(Filter.all());
  }

  private Path saveEml(MailDocument d) {
    if (out == null) {
      return null;
    }
    long uid = d.properties().uid().orElse(0L);
    Path target = out.resolve(FileNames.sanitize(uid + ".eml", "message.eml"));
    try (InputStream in = d.openContent()) {
      Path tmp = Files.createTempFile(out, ".eml-", ".tmp");
      Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      return target.toAbsolutePath();
    } catch (IOException e) {
      // Thrown from the handler: the message is not accepted, so its --then action does not run.
      throw new BadInputException("cannot save uid " + uid + " to " + target + ": " + e.getMessage(), e);
    }
  }

  /** The JSON line for one received document. */
  static Map<String, Object> view(MailDocument d, Path eml, boolean withBody) {
    return view(d, d.properties().toMap(), eml, withBody);
  }

  /** The JSON line for one received document whose properties' map is {@code properties}. */
  static Map<String, Object> view(MailDocument d, Map<String, Object> properties, Path eml, boolean withBody) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", d.key());
    if (d.reference()) {
      m.put("status", "reference"); // content over a size limit is listed, not stored; the message stays put
    }
    m.putAll(properties);
    List<Map<String, Object>> atts = new ArrayList<>();
    for (Attachment a : d.attachments()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("partPath", a.partPath());
      x.put("fileName", a.fileName());
      x.put("contentType", a.contentType());
      x.put("size", a.size());
      x.put("sha256", a.sha256());
      if (a.inline()) {
        x.put("inline", true);
      }
      a.contentId().ifPresent(v -> x.put("contentId", v));
      a.key().ifPresent(v -> x.put("cacheKey", v));
      a.path().ifPresent(v -> x.put("path", v.toString()));
      a.withheld().ifPresent(v -> {
        x.put("stored", false);
        x.put("notStoredReason", v);
      });
      atts.add(x);
    }
    if (!atts.isEmpty()) {
      m.put("attachments", atts);
    }
    if (eml != null) {
      m.put("emlPath", eml.toString());
    } else if (d.rawFile().isPresent()) {
      m.put("emlPath", d.rawFile().get().toString());
    }
    if (withBody && d.format() != BodyFormat.EML) {
      d.text().ifPresent(t -> m.put(d.format() == BodyFormat.HTML ? "html" : "text", t));
    }
    if (!d.headers().isEmpty()) {
      m.put("headers", d.headers());
    }
    if (!d.warnings().isEmpty()) {
      m.put("warnings", d.warnings());
    }
    return m;
  }

  /** A counter line on stderr, only when a person watches (a terminal). */
  private static final class Progress {
    private final PrintWriter err;
    private final boolean enabled;
    private int total;
    private int done;
    private long last;

    Progress(PrintWriter err, boolean enabled) {
      this.err = err;
      this.enabled = enabled;
    }

    void start(int selected) {
      total = selected;
      print();
    }

    void step() {
      done++;
      long now = System.nanoTime();
      if (now - last > 100_000_000L || done == total) {
        last = now;
        print();
      }
    }

    void done() {
      if (enabled) {
        err.print("\n");
        err.flush();
      }
    }

    private void print() {
      if (enabled) {
        int pct = total == 0 ? 100 : (int) (100L * done / total);
        err.print("\rreceiving " + done + "/" + total + " (" + pct + "%)");
        err.flush();
      }
    }
  }

  /** The {@code --then} action, with the {@code --expunge-all} opt-in (receive and watch). */
  static PostAction postAction(String then, boolean expungeAll) {
    PostAction action = PostAction.parse(then);
    return expungeAll ? action.expungingAll() : action;
  }
}
