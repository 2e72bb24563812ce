package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.MailDocument;
import io.mailbridge.mime.FileNames;
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
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
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

  @Option(names = "--unread", description = "Only unread messages (no \\Seen).")
  boolean unread;

  @Option(names = "--read", description = "Only read messages (\\Seen).")
  boolean read;

  @Option(names = "--flagged", description = "Only flagged messages.")
  boolean flagged;

  @Option(names = "--from", paramLabel = "TEXT", description = "From header contains TEXT.")
  String from;

  @Option(names = "--to", paramLabel = "TEXT", description = "To header contains TEXT.")
  String to;

  @Option(names = "--cc", paramLabel = "TEXT", description = "Cc header contains TEXT.")
  String cc;

  @Option(names = "--subject", paramLabel = "TEXT", description = "Subject contains TEXT.")
  String subject;

  @Option(names = "--header", paramLabel = "NAME:TEXT", description = "Header NAME contains TEXT (repeatable).")
  List<String> headers = new ArrayList<>();

  @Option(names = "--since", paramLabel = "YYYY-MM-DD", description = "Received on or after this day.")
  String since;

  @Option(names = "--before", paramLabel = "YYYY-MM-DD", description = "Received strictly before this day.")
  String before;

  @Option(names = "--on", paramLabel = "YYYY-MM-DD", description = "Received on this day.")
  String on;

  @Option(names = "--larger", paramLabel = "BYTES", description = "Size larger than BYTES.")
  Long larger;

  @Option(names = "--smaller", paramLabel = "BYTES", description = "Size smaller than BYTES.")
  Long smaller;

  @Option(names = "--search", paramLabel = "IMAP", description = "Raw IMAP search keys for experts, e.g. 'OR FROM a FROM b'; combined with the other filters by AND.")
  String search;

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

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    if (out != null && format != BodyFormat.EML) {
      throw new BadInputException("--out saves raw messages: use it with --format eml");
    }
    ReceiveSettings.Builder s = ReceiveSettings.builder().folder(folder).filter(filter()).format(format)
        .postAction(PostAction.parse(then)).includeHeaders(allHeaders)
        .order(newestFirst ? ReceiveSettings.Order.NEWEST_FIRST : ReceiveSettings.Order.OLDEST_FIRST);
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
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    Progress progress = new Progress(stderr, System.console() != null);
    ReceiveResult result = Receive.from(connection.connection(true, false)).run(s.build(), new DocumentHandler() {
      @Override
      public void started(int selected) {
        progress.start(selected);
      }

      @Override
      public void handle(MailDocument d) {
        Json.line(stdout, view(d, saveEml(d)));
        progress.step();
      }
    });
    progress.done();
    for (ReceiveResult.Skipped sk : result.skipped()) {
      stderr.println("mailbridge: skipped uid " + sk.uid() + " in " + folder + ": " + sk.reason());
    }
    stderr.flush();
    return result.skipped().isEmpty() ? ExitCodes.OK : ExitCodes.PARTIAL;
  }

  Filter filter() {
    List<Filter> all = new ArrayList<>();
    if (unread) {
      all.add(Filter.unseen());
    }
    if (read) {
      all.add(Filter.seen());
    }
    if (flagged) {
      all.add(Filter.flagged());
    }
    if (from != null) {
      all.add(Filter.from(from));
    }
    if (to != null) {
      all.add(Filter.to(to));
    }
    if (cc != null) {
      all.add(Filter.cc(cc));
    }
    if (subject != null) {
      all.add(Filter.subject(subject));
    }
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new BadInputException("--header '" + h + "' must be NAME:TEXT, e.g. X-Mailer:Outlook");
      }
      all.add(Filter.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip()));
    }
    if (since != null) {
      all.add(Filter.receivedSince(day("--since", since)));
    }
    if (before != null) {
      all.add(Filter.receivedBefore(day("--before", before)));
    }
    if (on != null) {
      all.add(Filter.receivedOn(day("--on", on)));
    }
    if (larger != null) {
      all.add(Filter.largerThan(larger));
    }
    if (smaller != null) {
      all.add(Filter.smallerThan(smaller));
    }
    if (search != null) {
      all.add(Filter.raw(search));
    }
    return all.isEmpty() ? Filter.all() : all.size() == 1 ? all.get(0) : Filter.and(all);
  }

  private static LocalDate day(String option, String text) {
    try {
      return LocalDate.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new BadInputException(option + " '" + text + "' is not a day like 2026-11-01");
    }
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

  private Map<String, Object> view(MailDocument d, Path eml) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("key", d.key());
    m.putAll(d.properties().toMap());
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
    if (!noBody && d.format() != BodyFormat.EML) {
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
}
