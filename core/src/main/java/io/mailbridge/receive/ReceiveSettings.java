package io.mailbridge.receive;

import io.mailbridge.ConfigException;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.document.CacheRetention;
import io.mailbridge.search.Filter;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * What to receive and how. Built with {@link #builder()}; every setting has a default.
 *
 * <pre>{@code
 * ReceiveSettings s = ReceiveSettings.builder()
 *     .folder("INBOX")
 *     .filter(Filter.and(Filter.unseen(), Filter.from("invoices@example.com")))
 *     .maxMessages(100)
 *     .cacheDir(Path.of("attachments"))
 *     .postAction(PostAction.moveTo("Archive"))
 *     .build();
 * }</pre>
 *
 * @param folder folder to read, Unicode name (default {@code INBOX})
 * @param filter which messages, run as one server-side {@code UID SEARCH} (default all)
 * @param maxMessages at most this many messages per call (default {@link Integer#MAX_VALUE}: all)
 * @param order oldest (lowest UID) or newest first (default oldest)
 * @param format the document content: text, HTML or the raw .eml (default text)
 * @param peek read with {@code BODY.PEEK[]} so reading never sets \Seen (default true)
 * @param postAction what to do once a document is accepted (default none)
 * @param cacheDir Document Cache directory for attachments; when empty attachments are counted
 *     and hashed but not stored (default empty)
 * @param includeHeaders also give every header field in {@code MailDocument.headers()} (default false)
 * @param batchMaxBytes bytes of messages fetched per {@code UID FETCH} (default 8 MiB); a message
 *     at most {@code batchMaxBytes / batchMaxMessages} large (8 KiB by default) counts as that
 *     much: only the sizes of larger ones are asked from the server
 * @param batchMaxMessages messages per {@code UID FETCH} (default 1000)
 * @param largeMessageBytes messages above this size are fetched one by one and read by the parser
 *     from the connection as they arrive (through a temporary file when the raw message is kept)
 *     instead of being held in memory (default 4 MiB)
 * @param chunkBytes the piece size in which a large message is written to its temporary file
 *     when the raw message is kept (default 1 MiB)
 * @param maxBodyBytes longest body text kept in a document; longer is cut with a warning (default 16 MiB)
 * @param traceProtocol keep the redacted IMAP trace in the result (default false; for diagnosis and tests)
 * @param maxPartDepth deepest MIME multipart nesting read; deeper content is not read and the document
 *     gets a warning (default 50; real mail rarely goes beyond 5)
 * @param maxParts most MIME parts stored as attachments per message; further parts are counted in a
 *     warning but not stored (default 1000)
 * @param maxHeaderBytes most bytes of one header block (all fields of the message header or of one
 *     part header); a message with a larger header is skipped with this reason (default 1 MiB)
 * @param sizeLimits largest message and attachment downloaded and what happens above them (default
 *     {@link SizeLimits#none()})
 * @param quarantine where unparseable messages and documents the handler refused
 *     {@code maxAttempts} times go, with a {@link DeadLetter} each (default empty: an unparseable
 *     message is skipped and reported, a refusal stops the receive)
 * @param cacheRetention how long and how large the Document Cache in {@code cacheDir} may grow:
 *     applied after each run, oldest entries first, never an entry being written (default empty:
 *     keep everything). The result says what was deleted ({@link ReceiveResult#cachePruned()})
 */
public record ReceiveSettings(
    String folder,
    Filter filter,
    int maxMessages,
    Order order,
    BodyFormat format,
    boolean peek,
    PostAction postAction,
    Optional<Path> cacheDir,
    boolean includeHeaders,
    long batchMaxBytes,
    int batchMaxMessages,
    long largeMessageBytes,
    int chunkBytes,
    long maxBodyBytes,
    boolean traceProtocol,
    int maxPartDepth,
    int maxParts,
    int maxHeaderBytes,
    SizeLimits sizeLimits,
    Optional<Quarantine> quarantine,
    Optional<CacheRetention> cacheRetention) {

  /** Which messages come first. */
  public enum Order {
    /** Lowest UID first (arrival order). */
    OLDEST_FIRST,
    /** Highest UID first. */
    NEWEST_FIRST
  }

  public ReceiveSettings {
    if (folder == null || folder.isBlank()) {
      throw new ConfigException("receive.folder is empty: give a folder name such as INBOX");
    }
    Objects.requireNonNull(filter, "receive.filter");
    Objects.requireNonNull(order, "receive.order");
    Objects.requireNonNull(format, "receive.format");
    Objects.requireNonNull(postAction, "receive.postAction");
    Objects.requireNonNull(cacheDir, "receive.cacheDir");
    if (maxMessages < 1) {
      throw new ConfigException("receive.maxMessages " + maxMessages + " must be at least 1");
    }
    if (batchMaxMessages < 1 || batchMaxMessages > 100_000) {
      throw new ConfigException("receive.batchMaxMessages " + batchMaxMessages + " is out of range 1-100000");
    }
    if (chunkBytes < 4096 || chunkBytes > 64 << 20) {
      throw new ConfigException("receive.chunkBytes " + chunkBytes + " is out of range 4096-67108864");
    }
    if (largeMessageBytes < chunkBytes) {
      throw new ConfigException("receive.largeMessageBytes " + largeMessageBytes + " must be at least chunkBytes ("
          + chunkBytes + ")");
    }
    if (batchMaxBytes < largeMessageBytes) {
      throw new ConfigException("receive.batchMaxBytes " + batchMaxBytes + " must be at least largeMessageBytes ("
          + largeMessageBytes + ")");
    }
    if (maxBodyBytes < 1) {
      throw new ConfigException("receive.maxBodyBytes " + maxBodyBytes + " must be positive");
    }
    if (maxPartDepth < 1 || maxPartDepth > 1000) {
      throw new ConfigException("receive.maxPartDepth " + maxPartDepth + " is out of range 1-1000");
    }
    if (maxParts < 1) {
      throw new ConfigException("receive.maxParts " + maxParts + " must be at least 1");
    }
    if (maxHeaderBytes < 1024) {
      throw new ConfigException("receive.maxHeaderBytes " + maxHeaderBytes + " must be at least 1024 (RFC 5322 "
          + "allows 998-byte lines)");
    }
    Objects.requireNonNull(sizeLimits, "receive.sizeLimits");
    Objects.requireNonNull(quarantine, "receive.quarantine");
    if (quarantine.isPresent() && quarantine.get().mode() == Quarantine.Mode.FOLDER
        && quarantine.get().name().equals(folder)) {
      throw new ConfigException("receive.quarantine folder '" + folder + "' is the folder being read: choose another "
          + "quarantine folder");
    }
    Objects.requireNonNull(cacheRetention, "receive.cacheRetention");
    if (cacheRetention.isPresent() && cacheDir.isEmpty()) {
      throw new ConfigException("receive.cacheRetention limits the Document Cache, but there is none: set "
          + "receive.cacheDir too");
    }
    if (postAction instanceof PostAction.Move m && m.folder().equals(folder)) {
      throw new ConfigException("receive.postAction moves to '" + folder + "', the folder being read: choose "
          + "another target folder");
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.folder = folder;
    b.filter = filter;
    b.maxMessages = maxMessages;
    b.order = order;
    b.format = format;
    b.peek = peek;
    b.postAction = postAction;
    b.cacheDir = cacheDir.orElse(null);
    b.includeHeaders = includeHeaders;
    b.batchMaxBytes = batchMaxBytes;
    b.batchMaxMessages = batchMaxMessages;
    b.largeMessageBytes = largeMessageBytes;
    b.chunkBytes = chunkBytes;
    b.maxBodyBytes = maxBodyBytes;
    b.traceProtocol = traceProtocol;
    b.maxPartDepth = maxPartDepth;
    b.maxParts = maxParts;
    b.maxHeaderBytes = maxHeaderBytes;
    b.sizeLimits = sizeLimits;
    b.quarantine = quarantine.orElse(null);
    b.cacheRetention = cacheRetention.orElse(null);
    return b;
  }

  /** Builder with the documented defaults. */
  public static final class Builder {
    private String folder = "INBOX";
    private Filter filter = Filter.all();
    private int maxMessages = Integer.MAX_VALUE;
    private Order order = Order.OLDEST_FIRST;
    private BodyFormat format = BodyFormat.TEXT;
    private boolean peek = true;
    private PostAction postAction = PostAction.none();
    private Path cacheDir;
    private boolean includeHeaders;
    private long batchMaxBytes = 8L << 20;
    private int batchMaxMessages = 1000;
    private long largeMessageBytes = 4L << 20;
    private int chunkBytes = 1 << 20;
    private long maxBodyBytes = 16L << 20;
    private boolean traceProtocol;
    private int maxPartDepth = 50;
    private int maxParts = 1000;
    private int maxHeaderBytes = 1 << 20;
    private SizeLimits sizeLimits = SizeLimits.none();
    private Quarantine quarantine;
    private CacheRetention cacheRetention;

    public Builder folder(String v) { folder = v; return this; }
    public Builder filter(Filter v) { filter = v; return this; }
    public Builder maxMessages(int v) { maxMessages = v; return this; }
    public Builder order(Order v) { order = v; return this; }
    public Builder format(BodyFormat v) { format = v; return this; }
    public Builder peek(boolean v) { peek = v; return this; }
    public Builder postAction(PostAction v) { postAction = v; return this; }
    public Builder cacheDir(Path v) { cacheDir = v; return this; }
    public Builder includeHeaders(boolean v) { includeHeaders = v; return this; }
    public Builder batchMaxBytes(long v) { batchMaxBytes = v; return this; }
    public Builder batchMaxMessages(int v) { batchMaxMessages = v; return this; }
    public Builder largeMessageBytes(long v) { largeMessageBytes = v; return this; }
    public Builder chunkBytes(int v) { chunkBytes = v; return this; }
    public Builder maxBodyBytes(long v) { maxBodyBytes = v; return this; }
    public Builder traceProtocol(boolean v) { traceProtocol = v; return this; }
    public Builder maxPartDepth(int v) { maxPartDepth = v; return this; }
    public Builder maxParts(int v) { maxParts = v; return this; }
    public Builder maxHeaderBytes(int v) { maxHeaderBytes = v; return this; }
    public Builder sizeLimits(SizeLimits v) { sizeLimits = v; return this; }
    /** Quarantine for poison messages; null for none. */
    public Builder quarantine(Quarantine v) { quarantine = v; return this; }
    /** Retention of the Document Cache in {@code cacheDir}, applied after each run; null keeps everything. */
    public Builder cacheRetention(CacheRetention v) { cacheRetention = v; return this; }

    public ReceiveSettings build() {
      return new ReceiveSettings(folder, filter, maxMessages, order, format, peek, postAction,
          Optional.ofNullable(cacheDir), includeHeaders, batchMaxBytes, batchMaxMessages, largeMessageBytes,
          chunkBytes, maxBodyBytes, traceProtocol, maxPartDepth, maxParts, maxHeaderBytes, sizeLimits,
          Optional.ofNullable(quarantine), Optional.ofNullable(cacheRetention));
    }
  }
}
