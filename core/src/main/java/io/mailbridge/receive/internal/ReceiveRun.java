package io.mailbridge.receive.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.internal.Errors;
import io.mailbridge.connection.internal.ImapClient;
import io.mailbridge.document.Attachment;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.DocumentCache;
import io.mailbridge.document.MailDocument;
import io.mailbridge.document.TrackedProperties;
import io.mailbridge.receive.DocumentHandler;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.internal.UidSearch;
import jakarta.mail.Folder;
import jakarta.mail.MessagingException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.james.mime4j.MimeException;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One receive: SEARCH, sizes, batched FETCH, parse, hand over, post-action. The order of effects
 * per message is: fetched -> document handed to the caller -> accepted -> post-action (DESIGN.md).
 */
public final class ReceiveRun {
  private static final Logger LOG = LoggerFactory.getLogger(ReceiveRun.class);

  private final Endpoint endpoint;
  private final ReceiveSettings settings;
  private final boolean keepRawFiles;
  private final String mailbox;
  private DocumentCache cache;
  private Path tempDir;

  public ReceiveRun(Endpoint endpoint, ReceiveSettings settings, boolean keepRawFiles) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.keepRawFiles = keepRawFiles;
    this.mailbox = endpoint.auth().user() + "@" + endpoint.host() + ":" + endpoint.port();
  }

  public ReceiveResult run(DocumentHandler handler) {
    // Fail on an unusable cache before touching the server.
    cache = settings.cacheDir().map(DocumentCache::open).orElse(null);
    tempDir = cache != null ? cache.directory().resolve(".tmp") : Path.of(System.getProperty("java.io.tmpdir"));
    try {
      Files.createDirectories(tempDir);
    } catch (IOException e) {
      throw new ConfigException("temporary directory " + tempDir + " cannot be created (" + e + "): choose another "
          + "cache directory", e);
    }
    boolean write = settings.postAction().writes() || !settings.peek();
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), settings.traceProtocol())) {
      IMAPFolder folder = openFolder(imap, write);
      try {
        ReceiveResult r = receive(folder, handler);
        return new ReceiveResult(r.folder(), r.uidValidity(), r.selected(), r.accepted(), r.skipped(), r.postActions(),
            settings.traceProtocol() ? imap.trace().lines() : List.of());
      } finally {
        try {
          if (folder.isOpen()) {
            folder.close(false);
          }
        } catch (MessagingException e) {
          LOG.debug("close folder={} error={}", settings.folder(), e.toString());
        }
      }
    }
  }

  private IMAPFolder openFolder(ImapClient imap, boolean write) {
    try {
      // Angus encodes the Unicode name as modified UTF-7 on the wire (RFC 3501 5.1.3).
      IMAPFolder folder = (IMAPFolder) imap.store().getFolder(settings.folder());
      if (!folder.exists()) {
        throw new BadInputException("folder '" + settings.folder() + "' does not exist on " + endpoint.address()
            + " for '" + endpoint.auth().user() + "': list folders with `mailbridge folders`");
      }
      folder.open(write ? Folder.READ_WRITE : Folder.READ_ONLY);
      return folder;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "open folder '" + settings.folder() + "'", e);
    }
  }

  private ReceiveResult receive(IMAPFolder folder, DocumentHandler handler) {
    long uidValidity;
    try {
      uidValidity = folder.getUIDValidity();
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "UIDVALIDITY of '" + settings.folder() + "'", e);
    }
    PostActions post = new PostActions(endpoint, folder, settings.postAction());
    post.prepare();
    List<Long> uids = UidSearch.run(endpoint, folder, settings.filter());
    if (settings.order() == ReceiveSettings.Order.NEWEST_FIRST) {
      Collections.reverse(uids);
    }
    if (uids.size() > settings.maxMessages()) {
      uids = new ArrayList<>(uids.subList(0, settings.maxMessages()));
    }
    Fetcher fetcher = new Fetcher(endpoint, folder, settings.peek());
    Map<Long, Long> sizes = uids.isEmpty() ? Map.of() : fetcher.sizes(uids);
    handler.started(uids.size());
    LOG.info("receive mailbox={} folder={} uidValidity={} selected={}", endpoint.auth().user(), settings.folder(),
        uidValidity, uids.size());

    Delivery d = new Delivery(folder.getFullName(), uidValidity, handler, post);
    List<Long> batch = new ArrayList<>();
    long batchBytes = 0;
    try {
      for (long uid : uids) {
        Long size = sizes.get(uid);
        if (size == null) {
          continue; // expunged between SEARCH and FETCH: nothing to receive
        }
        if (size > settings.largeMessageBytes()) {
          d.smallBatch(fetcher, batch);
          batch.clear();
          batchBytes = 0;
          d.large(fetcher, uid, size);
          continue;
        }
        if (!batch.isEmpty() && (batchBytes + size > settings.batchMaxBytes()
            || batch.size() >= settings.batchMaxMessages())) {
          d.smallBatch(fetcher, batch);
          batch.clear();
          batchBytes = 0;
        }
        batch.add(uid);
        batchBytes += size;
      }
      d.smallBatch(fetcher, batch);
    } finally {
      // Also when the handler or the cache failed: what was accepted gets its post-action.
      d.flushPostActions();
    }
    LOG.info("received mailbox={} folder={} accepted={} skipped={} postActions={}", endpoint.auth().user(),
        settings.folder(), d.accepted, d.skipped.size(), d.postActions);
    return new ReceiveResult(settings.folder(), uidValidity, uids.size(), d.accepted, d.skipped, d.postActions,
        List.of());
  }

  /** Hands documents over one by one and applies post-actions to the accepted ones per batch. */
  private final class Delivery {
    private final String folderName;
    private final long uidValidity;
    private final DocumentHandler handler;
    private final PostActions post;
    private final List<Long> pending = new ArrayList<>();
    final List<ReceiveResult.Skipped> skipped = new ArrayList<>();
    int accepted;
    int postActions;

    Delivery(String folderName, long uidValidity, DocumentHandler handler, PostActions post) {
      this.folderName = folderName;
      this.uidValidity = uidValidity;
      this.handler = handler;
      this.post = post;
    }

    void smallBatch(Fetcher fetcher, List<Long> uids) {
      if (uids.isEmpty()) {
        return;
      }
      Map<Long, RawMessage> byUid = new HashMap<>();
      for (RawMessage m : fetcher.messages(uids)) {
        byUid.put(m.uid(), m);
      }
      for (long uid : uids) {
        RawMessage m = byUid.remove(uid); // drop each reference once used: the batch buffer can go
        if (m == null) {
          skipped.add(new ReceiveResult.Skipped(uid, "the server returned no body (expunged meanwhile or unreadable)"));
          continue;
        }
        deliver(m);
      }
      flushPostActions();
    }

    void large(Fetcher fetcher, long uid, long size) {
      Path file;
      try {
        file = Files.createTempFile(tempDir, "uid-" + uid + "-", ".eml");
      } catch (IOException e) {
        throw new ConfigException("cannot create a temporary file in " + tempDir + " for UID " + uid + " (" + e
            + "): free disk space or choose another cache directory", e);
      }
      boolean keep = false;
      try {
        RawMessage m;
        try {
          m = fetcher.large(uid, size, settings.chunkBytes(), file);
        } catch (java.io.UncheckedIOException e) {
          throw new ConfigException("cannot write UID " + uid + " to " + file + " (" + e.getCause()
              + "): free disk space or choose another cache directory", e);
        }
        if (m == null) {
          return;
        }
        keep = deliver(m);
      } finally {
        if (!keep) {
          deleteQuietly(file);
        }
      }
      flushPostActions();
    }

    /** Returns true when the message's temp file now belongs to the document (kept). */
    private boolean deliver(RawMessage m) {
      Built built;
      try {
        built = build(m, folderName, uidValidity);
      } catch (MailbridgeException e) {
        throw e; // the cache failed: stop, nothing more is marked or moved
      } catch (IOException | MimeException | RuntimeException e) {
        LOG.warn("skipped mailbox={} folder={} uid={} reason={}", endpoint.auth().user(), settings.folder(), m.uid(),
            e.toString());
        skipped.add(new ReceiveResult.Skipped(m.uid(), "cannot be parsed: " + e.getMessage()));
        return false;
      }
      handler.handle(built.document);
      accepted++;
      pending.add(m.uid());
      return built.keepsFile;
    }

    void flushPostActions() {
      if (!pending.isEmpty()) {
        List<Long> uids = new ArrayList<>(pending);
        pending.clear();
        postActions += post.apply(uids);
      }
    }
  }

  private record Built(MailDocument document, boolean keepsFile) {}

  private Built build(RawMessage m, String folderName, long uidValidity) throws IOException, MimeException {
    DocumentCache.PartId id = new DocumentCache.PartId(mailbox, folderName, uidValidity, m.uid(), "0");
    MessageParser.Parsed p;
    try (InputStream in = m.open()) {
      p = MessageParser.parse(in, id, settings.format(), settings.includeHeaders(), settings.maxBodyBytes(),
          this::store);
    }
    List<String> warnings = p.warnings();
    if (p.from().isEmpty() && !warnings.contains("no From address")) {
      warnings = new ArrayList<>(warnings);
      warnings.add("no From address");
    }
    TrackedProperties.Builder tp = TrackedProperties.builder()
        .attachmentsCount(p.attachments().size())
        .contentType(p.attachments().stream().map(Attachment::contentType).toList())
        .fileName(p.attachments().stream().map(Attachment::fileName).toList())
        .fromAddress(p.from().isEmpty() ? "" : p.from().get(0))
        .fromFolder(folderName)
        .messageId(p.messageId())
        .subject(p.subject())
        .toAddress(p.to())
        .cc(p.cc())
        .bcc(p.bcc())
        .replyTo(p.replyTo())
        .uid(m.uid())
        .uidValidity(uidValidity)
        .folder(folderName)
        .size(m.size())
        .flags(m.flags());
    if (m.internalDate() != null) {
      tp.receivedDate(m.internalDate());
    }
    p.date().ifPresent(tp::date);
    MailDocument.Builder doc = MailDocument.builder()
        .key(documentKey(folderName, uidValidity, m.uid()))
        .properties(tp.build())
        .format(settings.format())
        .attachments(p.attachments())
        .warnings(warnings)
        .headers(p.headers());
    p.text().ifPresent(doc::text);
    boolean keepsFile = false;
    if (settings.format() == BodyFormat.EML) {
      if (m.file() == null) {
        doc.raw(m.copyBytes());
      } else if (cache != null) {
        try (InputStream in = m.open()) {
          DocumentCache.Entry e = cache.put(in, new DocumentCache.PartMeta(id, "message.eml", "message/rfc822",
              p.messageId(), false, Optional.empty()));
          doc.rawFile(e.path());
        }
      } else {
        doc.rawFile(m.file());
        keepsFile = keepRawFiles;
      }
    }
    return new Built(doc.build(), keepsFile);
  }

  private Attachment store(InputStream decoded, DocumentCache.PartMeta meta) {
    if (cache != null) {
      DocumentCache.Entry e = cache.put(decoded, meta);
      return new Attachment(e.partPath(), e.fileName(), e.contentType(), e.size(), e.sha256(), e.inline(),
          e.contentId(), Optional.of(e.key()), Optional.of(e.path()));
    }
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      long size = new DigestInputStream(decoded, sha).transferTo(java.io.OutputStream.nullOutputStream());
      return new Attachment(meta.id().partPath(), meta.fileName(), meta.contentType(), size,
          HexFormat.of().formatHex(sha.digest()), meta.inline(), meta.contentId(), Optional.empty(), Optional.empty());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** RFC 5092 IMAP URL form: stable for the message while UIDVALIDITY holds. */
  private String documentKey(String folderName, long uidValidity, long uid) {
    return "imap://" + enc(endpoint.auth().user()) + "@" + endpoint.host() + ":" + endpoint.port() + "/"
        + enc(folderName).replace("%2F", "/") + ";UIDVALIDITY=" + uidValidity + "/;UID=" + uid;
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // a leftover temp file is harmless
    }
  }
}
