package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.MailDocument;
import io.mailbridge.journal.JournalRecord;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.listen.ConnectionBudget;
import io.mailbridge.listen.Health;
import io.mailbridge.listen.JsonFileStateStore;
import io.mailbridge.listen.Listener;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.listen.RateLimit;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.PostAction;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge watch}: new mail as it arrives, crash-safe, as JSON Lines or to a command. */
@Command(name = "watch", mixinStandardHelpOptions = true,
    description = {"Watch folders and hand each new message over as it arrives: one JSON line on stdout, or to "
        + "--exec. New mail is decided by a watermark (UIDVALIDITY + last UID per folder) in the --state file, never "
        + "by \\Seen. Order per batch: handed over -> watermark saved -> --then action. A crash re-delivers at most "
        + "the batch in flight (dedupe on \"key\"); actions left undone run at the next start. Uses IMAP IDLE when "
        + "offered, else polls. SIGTERM finishes the batch in hand, then exits.",
        "Example: mailbridge watch --folder INBOX --then move:Processed --state ./state.json --exec 'jq .subject'",
        "Many:    mailbridge watch --mailboxes mailboxes.yaml --server-connections 4 --state ./state.json",
        "Status:  mailbridge watch --status --state ./state.json"})
public final class WatchCommand implements Callable<Integer> {
  /** How often the running watcher writes its health next to the state file. */
  static final Duration HEALTH_EVERY = Duration.ofSeconds(2);

  @Mixin
  ConnectionOptions connection;

  @Mixin
  LimitOptions limits;

  @Option(names = "--folder", paramLabel = "FOLDER", defaultValue = "INBOX", split = ",",
      description = "Folder to watch; repeat (or comma-separate) for several (default: ${DEFAULT-VALUE}).")
  List<String> folders;

  @Option(names = "--state", paramLabel = "FILE", defaultValue = "./mailbridge-state.json",
      description = "State file with the watermarks, replaced atomically (default: ${DEFAULT-VALUE}). Health goes to "
          + "FILE.health.json.")
  Path state;

  @Option(names = "--then", paramLabel = "ACTION", defaultValue = "none",
      description = "After a message is handed over and its watermark saved: none | read | flag | delete | "
          + "move:FOLDER (default: ${DEFAULT-VALUE}).")
  String then;

  @Option(names = "--expunge-all", description = "With --then move:FOLDER or delete on a server without UIDPLUS "
      + "(and MOVE): allow a plain EXPUNGE, which also removes every other message flagged \\Deleted in the folder "
      + "(default: refuse before receiving anything).")
  boolean expungeAll;

  @Option(names = "--exec", paramLabel = "CMD",
      description = "Run `sh -c CMD` per message with its JSON line on stdin; a non-zero exit refuses the message "
          + "(re-delivered after a backoff). Default: print JSON Lines on stdout.")
  String exec;

  @Option(names = "--start", paramLabel = "WHEN", defaultValue = "now",
      description = "First start only (no saved state): now | all | YYYY-MM-DD (received on or after) "
          + "(default: ${DEFAULT-VALUE}).")
  String start;

  @Option(names = "--uidvalidity", paramLabel = "POLICY", defaultValue = "fail",
      description = "When a folder's UIDVALIDITY changed: rescan (deliver it again) | skip (new mail only) | fail "
          + "(default: ${DEFAULT-VALUE}).")
  String uidValidity;

  @Option(names = "--poll", paramLabel = "DURATION", defaultValue = "30s",
      description = "Poll interval without IDLE (default: ${DEFAULT-VALUE}).")
  String poll;

  @Option(names = "--no-idle", description = "Poll even when the server offers IDLE.")
  boolean noIdle;

  @Option(names = "--keepalive", paramLabel = "DURATION", defaultValue = "60s",
      description = "NOOP check of an idling connection (default: ${DEFAULT-VALUE}).")
  String keepalive;

  @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "10m",
      description = "Health says STALLED (and /health 503) when a folder has been delivering this long without "
          + "handing a message over or saving its watermark (default: ${DEFAULT-VALUE}).")
  String stallTimeout;

  @Option(names = "--batch", paramLabel = "N", defaultValue = "100",
      description = "Messages per batch (handed over, then saved, then --then) (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10",
      description = "IMAP connections at most; more folders are spread over them and polled (default: ${DEFAULT-VALUE}).")
  int maxConnections;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "text",
      description = "Body: text | html | eml (default: ${DEFAULT-VALUE}).")
  BodyFormat format;

  @Option(names = "--no-body", description = "Leave the body text out of the JSON lines.")
  boolean noBody;

  @Option(names = "--cache-dir", paramLabel = "DIR",
      description = "Document Cache directory for attachments (default: hashed, not stored).")
  Path cacheDir;

  @Option(names = "--grace", paramLabel = "DURATION", defaultValue = "30s",
      description = "On SIGTERM, time to finish the batch in hand (default: ${DEFAULT-VALUE}).")
  String grace;

  @Option(names = "--metrics-port", paramLabel = "PORT",
      description = "Serve GET /metrics (Prometheus text format) and GET /health (the watcher's health as JSON; 200 "
          + "when healthy, else 503) on this port; 0 picks a free one (printed on stderr). Default: no endpoint.")
  Integer metricsPort;

  @Option(names = "--metrics-host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
      description = "Address the metrics endpoint binds to (default: ${DEFAULT-VALUE}, loopback only).")
  String metricsHost;

  @Option(names = "--mailboxes", paramLabel = "FILE",
      description = "Watch several mailboxes: a YAML file with a 'mailboxes:' list, each with name, user, imap, "
          + "passwordFile or passwordEnv, folders, maxConnections, rateLimit, state (default state: --state with "
          + "-NAME before the extension). JSON lines get a \"mailbox\" field. Replaces --folder and the connection "
          + "options; the other options apply to every mailbox.")
  Path mailboxes;

  @Option(names = "--server-connections", paramLabel = "N",
      description = "At most N IMAP connections open at once per server (host:port), over all mailboxes; when more "
          + "are wanted they take turns, each held at least --poll (default: no limit but --max-connections per "
          + "mailbox).")
  Integer serverConnections;

  @Option(names = "--rate-limit", paramLabel = "N",
      description = "At most N messages fetched and handed over per second, per mailbox, e.g. 20 or 0.5 (default: "
          + "no limit; a mailbox's rateLimit overrides it).")
  String rateLimit;

  @Mixin
  ThenOptions thenOptions;

  @Mixin
  CacheRetentionOptions retention;

  @Mixin
  JournalOptions journal;

  @Option(names = "--status", description = "Print the watermarks of --state and the running watcher's last health "
      + "as one JSON object, then exit.")
  boolean status;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (status) {
      return printStatus();
    }
    ListenerSettings settings = ListenerSettings.builder().folders(folders).start(StartPosition.parse(start))
        .uidValidityPolicy(policy(uidValidity)).postAction(thenOptions.parse(then, expungeAll)).useIdle(!noIdle)
        .pollInterval(Settings.parseDuration("--poll", poll)).keepalive(Settings.parseDuration("--keepalive", keepalive))
        .stallTimeout(Settings.parseDuration("--stall-timeout", stallTimeout))
        .batchSize(batch).maxConnections(maxConnections).format(format).cacheDir(cacheDir)
        .sizeLimits(limits.sizeLimits()).quarantine(limits.quarantine().orElse(null))
        .cacheRetention(retention.retention(cacheDir).orElse(null)).build();
    if (connection.readTimeout != null) {
      // What a watcher waits at most for an answer is the keepalive plus this.
      settings = settings.toBuilder().responseTimeout(Settings.parseDuration("--read-timeout", connection.readTimeout))
          .build();
    }
    Duration graceTime = Settings.parseDuration("--grace", grace);
    MetricsEndpoint metrics = metricsPort == null ? null : MetricsEndpoint.start(metricsHost, metricsPort);
    sink = journal.open(spec.commandLine().getErr(), connection);
    try {
      return watch(settings, graceTime, metrics);
    } finally {
      sink.close();
      if (metrics != null) {
        metrics.close();
      }
    }
  }

  /** The journal; closed by the shutdown hook too, so that SIGTERM writes what was handed over. */
  private JournalSink sink = JournalSink.off();

  private int watch(ListenerSettings settings, Duration graceTime, MetricsEndpoint metrics)
      throws InterruptedException {
    PrintWriter stderr = spec.commandLine().getErr();
    ConnectionBudget budget = serverConnections == null ? null : ConnectionBudget.perServer(serverConnections);
    Optional<RateLimit> rate = Optional.ofNullable(rateLimit).map(r -> Mailboxes.rateLimit("--rate-limit", r));
    List<Listener> listeners = new ArrayList<>();
    String watching;
    if (mailboxes != null) {
      refuseSingleMailboxOptions();
      List<String> names = new ArrayList<>();
      for (Mailboxes.Entry e : Mailboxes.read(mailboxes, state, System.getenv())) {
        ListenerSettings s = settings.toBuilder().folders(e.folders())
            .maxConnections(e.maxConnections().orElse(maxConnections)).build();
        listeners.add(listener(withMetrics(e.connection(), metrics), s, e.state(), e.name(), budget, e.rateLimit().or(() -> rate)));
        names.add(e.name() + " " + String.join(", ", s.folders()) + " (state " + e.state().toAbsolutePath() + ")");
      }
      watching = String.join("; ", names);
    } else {
      listeners.add(listener(withMetrics(connection.connection(true, false), metrics), settings, state, null, budget, rate));
      watching = String.join(", ", settings.folders()) + " (state " + state.toAbsolutePath() + ")";
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stopAll(listeners, graceTime);
      sink.close();
      writeHealth(health(listeners));
      stopped.countDown();
    }, "mailbridge-watch-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    if (metrics != null) {
      metrics.health(() -> health(listeners));
      stderr.println("mailbridge: metrics on " + metrics.url() + "/metrics, health on " + metrics.url() + "/health");
    }
    listeners.forEach(Listener::start);
    stderr.println("mailbridge: watching " + watching + "; stop with Ctrl-C or SIGTERM");
    stderr.flush();
    while (!stopped.await(HEALTH_EVERY.toMillis(), TimeUnit.MILLISECONDS)) {
      Health h = health(listeners);
      writeHealth(h);
      if (!h.folders().isEmpty() && h.folders().stream().allMatch(f -> f.status() == Health.Status.FAILED)) {
        Runtime.getRuntime().removeShutdownHook(hook);
        stopAll(listeners, graceTime);
        String why = h.folders().get(0).lastError().orElse("failed");
        if (settings.postAction() instanceof PostAction.Move m && why.contains(m.missingTarget())) {
          why = ThenOptions.advice(m, why.substring(why.indexOf(m.missingTarget())));
        }
        stderr.println("mailbridge: watch stopped: " + why);
        stderr.flush();
        Optional<Throwable> failure = listeners.stream().map(Listener::failure).flatMap(Optional::stream).findFirst();
        return why.contains("UIDVALIDITY") || why.contains("does not exist") ? ExitCodes.BAD_INPUT
            : failure.map(ExitCodes::of).orElse(ExitCodes.CONNECTION);
      }
    }
    return ExitCodes.OK;
  }

  private Listener listener(MailConnection mail, ListenerSettings s, Path stateFile, String name,
      ConnectionBudget budget, Optional<RateLimit> rate) {
    PrintWriter stdout = spec.commandLine().getOut();
    // The line and the record carry the same properties: their map is made once per message.
    DocumentHandler documents = exec == null ? d -> {
      Map<String, Object> properties = d.properties().toMap();
      Map<String, Object> line = view(d, properties, name);
      synchronized (stdout) {
        Json.line(stdout, line);
      }
      sink.add(JournalRecord.received("watch", d, properties));
    } : d -> {
      Map<String, Object> properties = d.properties().toMap();
      run(exec, d, properties, name);
      sink.add(JournalRecord.received("watch", d, properties)); // accepted: --exec exited 0
    };
    // Dead letters always go to stdout as JSON lines, told apart by "type":"dead-letter".
    DocumentHandler handler = DocumentHandler.withDeadLetters(documents, letter -> {
      Map<String, Object> line = tagged(LimitOptions.view(letter), name);
      synchronized (stdout) {
        Json.line(stdout, line);
      }
      sink.add(JournalRecords.quarantined("watch", letter));
    });
    ThenJournal actions = new ThenJournal(sink, s.postAction(), then, mail.inbound());
    Listener.Builder b = Listener.of(mail).settings(s).stateStore(JsonFileStateStore.open(stateFile))
        .handler(actions.around(handler));
    if (budget != null) {
      b.connectionBudget(budget);
    }
    rate.ifPresent(b::rateLimit);
    return b.build();
  }

  /**
   * The JSON line of a document whose properties' map is {@code properties}; with --mailboxes
   * tagged with the mailbox's name first.
   */
  private Map<String, Object> view(MailDocument d, Map<String, Object> properties, String name) {
    return tagged(ReceiveCommand.view(d, properties, null, !noBody), name);
  }

  private static Map<String, Object> tagged(Map<String, Object> v, String name) {
    if (name == null) {
      return v;
    }
    Map<String, Object> tagged = new LinkedHashMap<>();
    tagged.put("mailbox", name);
    tagged.putAll(v);
    return tagged;
  }

  /** --mailboxes names folders and logins per mailbox: the single-mailbox options would be ignored, so refuse them. */
  private void refuseSingleMailboxOptions() {
    for (String o : List.of("--folder", "--profile", "--imap-host", "--imap-port", "--user", "--password-file")) {
      if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
        throw new BadInputException(o + " cannot be combined with --mailboxes: give it per mailbox in "
            + mailboxes + " (folders, user, imap.host, imap.port, passwordFile)");
      }
    }
  }

  private static MailConnection withMetrics(MailConnection mail, MetricsEndpoint metrics) {
    return metrics == null ? mail : mail.toBuilder().metrics(metrics.metrics()).build();
  }

  /** Stops every listener at once, each with the full grace period. */
  private static void stopAll(List<Listener> listeners, Duration grace) {
    List<Thread> threads = new ArrayList<>();
    for (Listener l : listeners) {
      Thread t = new Thread(() -> l.stop(grace), "mailbridge-watch-stop");
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static Health health(List<Listener> listeners) {
    List<Health.FolderHealth> folders = new ArrayList<>();
    boolean running = !listeners.isEmpty();
    for (Listener l : listeners) {
      Health h = l.health();
      running &= h.running();
      folders.addAll(h.folders());
    }
    return new Health(running, folders, Instant.now());
  }

  private static UidValidityPolicy policy(String text) {
    try {
      return UidValidityPolicy.valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new BadInputException("--uidvalidity '" + text + "' is unknown: use rescan, skip or fail", e);
    }
  }

  /** Runs the --exec command with the document's JSON line on stdin; a non-zero exit refuses it. */
  private void run(String cmd, MailDocument d, Map<String, Object> properties, String name) {
    try {
      Process p = new ProcessBuilder("sh", "-c", cmd).redirectOutput(ProcessBuilder.Redirect.INHERIT)
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(Json.mapper().writeValueAsBytes(view(d, properties, name)));
        in.write('\n');
      } catch (IOException e) {
        // the command need not read its input
      }
      int code = p.waitFor();
      if (code != 0) {
        throw new IllegalStateException("--exec exited with " + code + " for " + d.key());
      }
    } catch (IOException e) {
      throw new IllegalStateException("--exec cannot run 'sh -c': " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while --exec ran", e);
    }
  }

  private void writeHealth(Health h) {
    WatchStatus.writeHealth(state, h);
  }

  private int printStatus() throws IOException {
    return WatchStatus.print(spec.commandLine().getOut(), state, mailboxes);
  }
}
