package io.mailbridge.receive.internal;

import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.imap.Fetcher;
import io.mailbridge.imap.RawMessage;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.receive.ReceiveSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.apache.james.mime4j.MimeException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the documents of one receive (or of one incremental batch) over one by one, in UID order,
 * and applies post-actions to the accepted ones per batch. Messages are parsed on the pipeline's
 * parser threads, a run of messages per task; what became of each is a {@link Parsed}.
 */
final class Delivery {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiveRun.class);
  /**
   * Messages of a batch parsed by one task, handed over together: a task, a future and a wake-up of
   * the handing thread per message cost measurably more CPU and wall time on many small messages.
   */
  private static final int PARSE_RUN = 32;

  /** What a delivery borrows from its pipeline. */
  record Tools(Endpoint endpoint, ReceiveSettings settings, DocumentBuilder documents, ExecutorService parsers,
      Path tempDir, Recorder metrics, String operation) {}

  /** What became of one fetched message. */
  sealed interface Parsed {
    /** Built into a document. */
    record Document(DocumentBuilder.Built built) implements Parsed {}

    /** Not parseable, or the Document Cache failed (a {@link MailbridgeException}: the run stops). */
    record Failed(Exception cause) implements Parsed {}
  }

  private final Endpoint endpoint;
  private final ReceiveSettings settings;
  private final DocumentBuilder documents;
  private final ExecutorService parsers;
  private final Recorder metrics;
  private final String operation;
  private final String folderName;
  private final long uidValidity;
  private final DocumentHandler handler;
  private final PostActions post;
  private final Quarantiner quarantiner;
  /** Whether a refused document is offered again and quarantined here (Receive) or the refusal propagates. */
  private final boolean retryRefusals;
  private final List<Long> pending = new ArrayList<>();
  final List<ReceiveResult.Skipped> skipped = new ArrayList<>();
  final List<ReceiveResult.Skipped> oversized = new ArrayList<>();
  final List<ReceiveResult.Skipped> quarantined = new ArrayList<>();
  /** Part paths (with the reason) not to store, per UID, decided by the size limits. */
  final Map<Long, Map<String, String>> withheld = new java.util.concurrent.ConcurrentHashMap<>();
  int accepted;
  int postActions;
  long fetchWaitNanos;
  long parseNanos;
  long handlerNanos;

  Delivery(Tools tools, IMAPFolder folder, long uidValidity, DocumentHandler handler, PostActions post,
      Fetcher fetcher, boolean retryRefusals) {
    this.endpoint = tools.endpoint();
    this.settings = tools.settings();
    this.documents = tools.documents();
    this.parsers = tools.parsers();
    this.metrics = tools.metrics();
    this.operation = tools.operation();
    this.folderName = folder.getFullName();
    this.uidValidity = uidValidity;
    this.handler = handler;
    this.post = post;
    this.retryRefusals = retryRefusals && settings.quarantine().isPresent();
    this.quarantiner = settings.quarantine().map(q -> new Quarantiner(endpoint, folder, q, documents, fetcher,
        settings.chunkBytes(), tools.tempDir())).orElse(null);
  }

  /** A message over the message limit: a document from its header and structure, never post-actioned. */
  void reference(long uid, SizeGate.Reference r, Fetcher fetcher) {
    RawMessage header = fetcher.headerOnly(uid);
    if (header == null) {
      skipped.add(new ReceiveResult.Skipped(uid, "expunged before it could be fetched"));
      return;
    }
    Parsed built;
    try {
      if (r.textPart() != null && settings.format() != io.mailbridge.document.BodyFormat.EML) {
        byte[] text = fetcher.section(uid, r.textPart().path());
        if (text != null) {
          r = r.withText(documents.referenceText(r.textPart(), text));
        }
      }
      built = new Parsed.Document(documents.build(header, folderName, uidValidity, Map.of(), r));
    } catch (IOException | MimeException | RuntimeException e) {
      built = new Parsed.Failed(e);
    }
    hand(uid, built);
    flushPostActions();
  }

  void smallBatch(List<Long> uids, List<RawMessage> fetched) {
    Map<Long, RawMessage> byUid = new HashMap<>();
    for (RawMessage m : fetched) {
      byUid.put(m.uid(), m);
    }
    List<RawMessage> ordered = new ArrayList<>(uids.size());
    for (long uid : uids) {
      ordered.add(byUid.remove(uid)); // null: the server sent no body for it
    }
    // Parse (and write attachments) on a few threads, a run of messages per task, and hand over
    // strictly in order on this one.
    List<Future<Parsed[]>> parsed = new ArrayList<>(ordered.size() / PARSE_RUN + 1);
    for (int from = 0; from < ordered.size(); from += PARSE_RUN) {
      List<RawMessage> run = ordered.subList(from, Math.min(ordered.size(), from + PARSE_RUN));
      parsed.add(parsers.submit(() -> {
        Parsed[] built = new Parsed[run.size()];
        for (int k = 0; k < built.length; k++) {
          RawMessage m = run.set(k, null); // drop each reference once used: the batch buffer can go
          built[k] = m == null ? null : buildOrError(m);
        }
        return built;
      }));
    }
    try {
      for (int r = 0; r < parsed.size(); r++) {
        Parsed[] built = await(parsed.get(r));
        parsed.set(r, null);
        for (int k = 0; k < built.length; k++) {
          long uid = uids.get(r * PARSE_RUN + k);
          if (built[k] == null) {
            skipped.add(new ReceiveResult.Skipped(uid, "the server returned no body (expunged meanwhile or unreadable)"));
          } else {
            hand(uid, built[k]);
          }
        }
      }
    } finally {
      for (Future<Parsed[]> f : parsed) {
        if (f != null) {
          f.cancel(false);
        }
      }
    }
    flushPostActions();
  }

  private Parsed[] await(Future<Parsed[]> f) {
    long t0 = System.nanoTime();
    try {
      return f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while parsing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Error err) {
        throw err; // buildOrError returns every exception: only an Error gets here
      }
      throw new IllegalStateException("parsing failed: " + e.getCause(), e.getCause());
    } finally {
      parseNanos += System.nanoTime() - t0;
    }
  }

  private Parsed buildOrError(RawMessage m) {
    try {
      return new Parsed.Document(documents.build(m, folderName, uidValidity,
          withheld.isEmpty() ? Map.of() : withheld.getOrDefault(m.uid(), Map.of()), null));
    } catch (IOException | MimeException | RuntimeException e) {
      return new Parsed.Failed(e);
    }
  }

  void large(List<RawMessage> fetched) {
    if (fetched.isEmpty()) {
      return; // expunged meanwhile
    }
    RawMessage m = fetched.get(0);
    boolean keep = false;
    try {
      keep = deliver(m);
    } finally {
      if (m.arrival() != null) {
        m.arrival().abandon(); // the parser stopped early or failed: let the fetch drop the rest
      }
      if (!keep) {
        deleteQuietly(m.file());
      }
    }
    flushPostActions();
  }

  /** Returns true when the message's temp file now belongs to the document (kept). */
  private boolean deliver(RawMessage m) {
    long t0 = System.nanoTime();
    Parsed built = buildOrError(m);
    parseNanos += System.nanoTime() - t0;
    return hand(m.uid(), built);
  }

  /** Hands a built document over, or records why it could not be built; true when a temp file is kept. */
  private boolean hand(long uid, Parsed parsed) {
    if (parsed instanceof Parsed.Failed failed) {
      Exception e = failed.cause();
      if (e instanceof MailbridgeException m) {
        throw m; // the cache failed: stop, nothing more is marked or moved
      }
      String reason = "cannot be parsed: " + e.getMessage();
      if (quarantiner != null) {
        quarantine(uid, io.mailbridge.receive.DeadLetter.Kind.UNPARSEABLE, reason, 0);
        return false;
      }
      LOG.warn("skipped mailbox={} folder={} uid={} reason={}", endpoint.auth().user(), settings.folder(), uid,
          e.toString());
      skipped.add(new ReceiveResult.Skipped(uid, reason));
      metrics.error(folderName, operation, "unparseable");
      return false;
    }
    DocumentBuilder.Built b = ((Parsed.Document) parsed).built();
    long t1 = System.nanoTime();
    int attempts = 0;
    while (true) {
      try {
        handler.handle(b.document());
        break;
      } catch (RuntimeException e) {
        if (!retryRefusals) {
          throw e;
        }
        attempts++;
        int max = settings.quarantine().get().maxAttempts();
        LOG.warn("handler refused mailbox={} folder={} uid={} attempt={}/{} error={}", endpoint.auth().user(),
            settings.folder(), uid, attempts, max, e.toString());
        if (attempts >= max) {
          handlerNanos += System.nanoTime() - t1;
          quarantine(uid, io.mailbridge.receive.DeadLetter.Kind.REJECTED, e.toString(), attempts);
          return false;
        }
      }
    }
    handlerNanos += System.nanoTime() - t1;
    accepted++;
    metrics.received(folderName, operation, b.document().properties().size().orElse(0L));
    // A document with withheld content keeps its message on the server as it is: no post-action.
    if (!b.document().reference()) {
      pending.add(uid);
    }
    return b.keepsFile();
  }

  private void quarantine(long uid, io.mailbridge.receive.DeadLetter.Kind kind, String reason, int attempts) {
    if (quarantiner.quarantine(uid, uidValidity, kind, reason, attempts, handler).isPresent()) {
      quarantined.add(new ReceiveResult.Skipped(uid, "quarantined (" + kind.name().toLowerCase(java.util.Locale.ROOT)
          + ") to " + settings.quarantine().get().describe() + ": " + reason));
    } else {
      skipped.add(new ReceiveResult.Skipped(uid, "expunged before it could be quarantined"));
    }
  }

  void flushPostActions() {
    if (!pending.isEmpty()) {
      List<Long> uids = new ArrayList<>(pending);
      pending.clear();
      postActions += post.apply(uids);
      PostActions.tell(handler, post.acts(), folderName, uidValidity, uids);
    }
  }

  private static void deleteQuietly(Path p) {
    if (p == null) {
      return; // passed through memory, no file
    }
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
