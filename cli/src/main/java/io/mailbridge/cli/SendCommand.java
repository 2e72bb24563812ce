package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.send.Attachment;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code mailbridge send}: one message from flags, or a batch of JSON Lines from stdin with
 * {@code --batch}; one JSON line per message on stdout (tracked properties, status, accepted and
 * rejected recipients, server reply).
 */
@Command(name = "send", mixinStandardHelpOptions = true,
    description = {"Send one message built from the flags, or with --batch one message per JSON line read from stdin, "
        + "over one SMTP connection. Prints one JSON line per message: tracked properties, status "
        + "(SENT, PARTIAL, FAILED, UNKNOWN, ALREADY_SENT), accepted and rejected recipients, the server's reply.",
        "Batch line: {\"from\":..,\"to\":[..],\"cc\":[..],\"bcc\":[..],\"replyTo\":[..],\"subject\":..,\"text\":..,"
            + "\"html\":..,\"attachments\":[{\"path\":..,\"name\":..,\"contentType\":..,\"contentId\":..}],"
            + "\"headers\":{..},\"priority\":\"high\",\"messageId\":..}",
        "Exit 0 when every message went to every recipient (now, or before: ALREADY_SENT), 3 when any did not, 4 for "
            + "bad input (nothing sent)."})
public final class SendCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--from", paramLabel = "ADDRESS", description = "Sender, e.g. 'Bob <bob@example.com>' (default: the SMTP login).")
  String from;

  @Option(names = "--to", paramLabel = "ADDRESS", description = "Recipient; repeat or separate with commas.")
  List<String> to = new ArrayList<>();

  @Option(names = "--cc", paramLabel = "ADDRESS", description = "Copy recipient; repeatable.")
  List<String> cc = new ArrayList<>();

  @Option(names = "--bcc", paramLabel = "ADDRESS", description = "Blind copy recipient (never in the headers); repeatable.")
  List<String> bcc = new ArrayList<>();

  @Option(names = "--reply-to", paramLabel = "ADDRESS", description = "Reply-To address; repeatable.")
  List<String> replyTo = new ArrayList<>();

  @Option(names = "--subject", paramLabel = "TEXT", description = "Subject (any Unicode; one line).", defaultValue = "")
  String subject;

  @Option(names = "--text", paramLabel = "TEXT", description = "Plain text body.")
  String text;

  @Option(names = "--text-file", paramLabel = "FILE", description = "Plain text body from a UTF-8 file.")
  Path textFile;

  @Option(names = "--html", paramLabel = "HTML", description = "HTML body (with a text body: multipart/alternative).")
  String html;

  @Option(names = "--html-file", paramLabel = "FILE", description = "HTML body from a UTF-8 file.")
  Path htmlFile;

  @Option(names = "--attach", paramLabel = "PATH[;type=T][;name=N][;cid=ID]",
      description = "Attach a file, streamed from disk; repeatable. type: Content-Type (default: --content-type); "
          + "name: File Name shown (default: the file's name); cid: inline part referenced from the HTML as cid:ID.")
  List<String> attach = new ArrayList<>();

  @Option(names = "--content-type", paramLabel = "TYPE|auto", defaultValue = "application/binary",
      description = "Content-Type of every attachment given none (--attach without type=, a batch attachment "
          + "without contentType): a MIME type, or auto to guess it from the file name (then application/binary when "
          + "the name says nothing). Default: ${DEFAULT-VALUE}. Inline images (cid) are always "
          + "typed from their name.")
  String contentType;

  @Option(names = "--header", paramLabel = "NAME:VALUE", description = "Extra header field; repeatable.")
  List<String> header = new ArrayList<>();

  @Option(names = "--priority", paramLabel = "LEVEL", description = "high | normal | low (X-Priority and Importance).")
  Email.Priority priority;

  @Option(names = "--message-id", paramLabel = "<ID@DOMAIN>", description = "Message-ID (default: <random@sender-domain>).")
  String messageId;

  @Option(names = "--batch", description = "Read messages as JSON Lines from stdin (the message flags then give defaults "
      + "for from only).")
  boolean batch;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
      description = "Attempts per message for temporary failures (4xx, connection lost before the data was "
          + "complete); default ${DEFAULT-VALUE}. A message whose data was sent is never resent.")
  int maxAttempts;

  @Option(names = "--copy-to-sent", description = "Also append each sent message (\\Seen) to the Sent folder over IMAP.")
  boolean copyToSent;

  @Option(names = "--sent-folder", paramLabel = "FOLDER", description = "Folder for --copy-to-sent (default: the \\Sent special-use folder, else 'Sent').")
  String sentFolder;

  @Option(names = "--skip-if-already-sent", description = "Do not send a message whose --message-id (or batch "
      + "\"messageId\") is already in the Sent folder (--sent-folder) or was sent earlier in this run: it is reported "
      + "ALREADY_SENT. Makes a resend safe; use with --copy-to-sent, or with a server that files sent mail itself.")
  boolean skipIfAlreadySent;

  @Option(names = "--no-pipelining", description = "Send one SMTP command at a time even where the server offers "
      + "PIPELINING and CHUNKING (for a server that advertises them but mishandles them).")
  boolean noPipelining;

  @Option(names = "--no-chunking", description = "Send each message with DATA even where the server offers CHUNKING "
      + "(by default a batch goes as BDAT transactions, many in flight at once, RFC 3030).")
  boolean noChunking;

  @Mixin
  JournalOptions journal;

  @Spec
  CommandSpec spec;

  /** Where batch lines come from; stdin unless a test replaces it. */
  InputStream stdin = System.in;

  @Override
  public Integer call() throws IOException {
    boolean auto = contentType.strip().equalsIgnoreCase("auto");
    if (!auto) {
      try {
        SendSettings.builder().attachmentContentType(contentType).build();
      } catch (io.mailbridge.ConfigException e) {
        throw new BadInputException("--content-type '" + contentType + "' is not a MIME type such as application/pdf, "
            + "nor auto");
      }
    }
    SendSettings settings = SendSettings.builder().maxAttempts(maxAttempts).copyToSent(copyToSent)
        .sentFolder(sentFolder).skipIfAlreadySent(skipIfAlreadySent).contentTypeFromName(auto)
        .pipelining(!noPipelining).chunking(!noPipelining && !noChunking).attachmentContentType(auto ? SendSettings.DEFAULT_ATTACHMENT_CONTENT_TYPE : contentType).build();
    Send send = Send.of(connection.connection(copyToSent || skipIfAlreadySent, true), settings);
    int[] exit = {ExitCodes.OK};
    try (Send.Session session = send.session()) {
      List<Email> emails = batch ? readWhileConnecting(session) : List.of(fromFlags());
      send(session, emails, exit);
    }
    return exit[0];
  }

  private void send(Send.Session session, List<Email> emails, int[] exit) {
    try (JournalSink sink = journal.open(spec.commandLine().getErr(), connection)) {
      SentLines lines = new SentLines(spec, sink);
      try {
        session.send(emails, lines::accept);
      } finally {
        lines.close(); // every line handed over is written before the exit code is read or an error shown
        if (!lines.allOk()) {
          exit[0] = ExitCodes.PARTIAL;
        }
      }
      lines.rethrow();
    }
  }

  /**
   * Reads the batch while another thread opens the SMTP connection (connect, STARTTLS, login): a
   * cold process takes about as long to read a thousand lines as the server takes to greet, shake
   * hands and log in, and the first message then leaves without waiting for both in turn. Nothing
   * is sent before every line was read and checked, and bad input is reported before a failed
   * login. A transient connection failure is left to the send, which connects again under
   * --max-attempts.
   */
  private List<Email> readWhileConnecting(Send.Session session) throws IOException {
    FutureTask<Void> login = new FutureTask<>(session::connect, null);
    Thread t = new Thread(login, "smtp-connect");
    t.setDaemon(true);
    t.start();
    List<Email> emails;
    try {
      emails = SendBatch.read(stdin, from);
    } finally {
      // The session is closed after this, and must not be while the other thread uses it.
      awaitDone(login);
    }
    try {
      login.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof MailbridgeException m && !m.isRetriable()) {
        throw m;
      }
    } catch (InterruptedException e) {
      throw new IllegalStateException("unreachable: the task is done", e);
    }
    return emails;
  }

  private static void awaitDone(FutureTask<Void> task) {
    boolean interrupted = false;
    while (!task.isDone()) {
      try {
        task.get();
      } catch (InterruptedException e) {
        interrupted = true;
      } catch (ExecutionException e) {
        break;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  Email fromFlags() throws IOException {
    if (text != null && textFile != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --text or --text-file, not both");
    }
    if (html != null && htmlFile != null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --html or --html-file, not both");
    }
    Email.Builder b = Email.builder().from(from).to(to).cc(cc).bcc(bcc).subject(subject).priority(priority)
        .messageId(messageId);
    replyTo.forEach(b::replyTo);
    b.text(textFile != null ? readFile("--text-file", textFile) : text);
    b.html(htmlFile != null ? readFile("--html-file", htmlFile) : html);
    for (String a : attach) {
      b.attach(attachment(a));
    }
    for (String h : header) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--header '" + h + "' must be NAME:VALUE");
      }
      b.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
    }
    return b.build();
  }

  /** Largest --text-file or --html-file: a body, not an attachment. */
  static final int MAX_BODY_FILE_BYTES = 16 << 20;

  private static String readFile(String option, Path file) {
    try {
      return new String(LocalFiles.read(file, MAX_BODY_FILE_BYTES, why -> new BadInputException(option + " " + why
          + ": send a large text as an attachment (--attach)")), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new BadInputException(option + " " + file + " cannot be read (" + e.getMessage() + "): check the path");
    }
  }

  /** {@code report.pdf} or {@code data.csv;type=text/csv;name=export.csv;cid=logo}. */
  static Attachment attachment(String spec) {
    String[] parts = spec.split(";");
    Attachment a = Attachment.file(Path.of(parts[0].strip()));
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      int eq = p.indexOf('=');
      String key = eq < 0 ? p : p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      String value = eq < 0 ? "" : p.substring(eq + 1).strip();
      switch (key) {
        case "type" -> a = a.contentType(value);
        case "name" -> a = a.name(value);
        case "cid" -> a = a.inline(value);
        default -> throw new BadInputException("--attach '" + spec + "': unknown setting '" + p + "': use type=, "
            + "name= or cid=");
      }
    }
    return a;
  }

  static Map<String, Object> view(SendResult r) {
    Map<String, Object> m = new LinkedHashMap<>(r.properties().toMap());
    m.put("status", r.status().name());
    m.put("accepted", r.accepted());
    if (!r.rejected().isEmpty()) {
      List<Map<String, Object>> rejected = new ArrayList<>();
      for (SendResult.Rejection x : r.rejected()) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("address", x.address());
        e.put("code", x.code());
        e.put("reply", x.reply());
        rejected.add(e);
      }
      m.put("rejected", rejected);
    }
    if (!r.serverReply().isEmpty()) {
      m.put("serverReply", r.serverReply());
    }
    m.put("attempts", r.attempts());
    if (!r.warnings().isEmpty()) {
      m.put("warnings", r.warnings());
    }
    r.error().ifPresent(ex -> m.put("error", error(ex)));
    return m;
  }

  private static Map<String, Object> error(MailbridgeException ex) {
    Map<String, Object> err = new LinkedHashMap<>();
    err.put("type", ex.getClass().getSimpleName());
    if (ex instanceof ConnectionException ce) {
      err.put("reason", ce.reason().name());
    }
    err.put("message", ex.getMessage());
    err.put("retriable", ex.isRetriable());
    return err;
  }
}
