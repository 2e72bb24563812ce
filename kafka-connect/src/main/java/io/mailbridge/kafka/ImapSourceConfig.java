package io.mailbridge.kafka;

import io.mailbridge.MailbridgeException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.kafka.internal.ProxyKeys;
import io.mailbridge.kafka.internal.ServerKeys;
import io.mailbridge.kafka.internal.SourceMailbox;
import io.mailbridge.kafka.internal.SourceSettings;
import io.mailbridge.kafka.internal.SourceSettings.AttachmentsMode;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.Filter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings of the {@link ImapSourceConnector}: one {@link ConfigDef} with every key, its default,
 * validator and documentation, and {@link #settings()}, the one place where the strings become
 * Mailbridge's {@link Endpoint}, {@link ReceiveSettings} and friends. Tasks call it once at start.
 *
 * <pre>{@code
 * imap.host=imap.example.com
 * imap.user=bob@example.com
 * imap.password=${file:/run/secrets/mail.properties:password}
 * folders=INBOX,Invoices
 * topic=mail-in
 * post.action=move:Done
 * }</pre>
 *
 * <p>The password is a Kafka {@link Type#PASSWORD} and a Mailbridge {@link Secret} after mapping;
 * neither appears in a log line or a {@code toString()}.
 */
public final class ImapSourceConfig extends AbstractConfig {
  private static final String IMAP = "IMAP server";
  private static final String READ = "Reading";
  private static final String OUT = "Records";
  private static final String MANY = "Mailboxes";
  private static final String FILTER = "Filter";

  public static final String IMAP_HOST = "imap.host";
  public static final String IMAP_PORT = "imap.port";
  public static final String IMAP_SECURITY = "imap.security";
  public static final String IMAP_USER = "imap.user";
  public static final String IMAP_PASSWORD = "imap.password";
  public static final String IMAP_CA_FILE = "imap.ca.file";
  public static final String IMAP_ALLOW_PLAINTEXT = "imap.allow.plaintext";
  public static final String IMAP_CONNECT_TIMEOUT_MS = "imap.connect.timeout.ms";
  public static final String IMAP_READ_TIMEOUT_MS = "imap.read.timeout.ms";
  public static final String IMAP_PROXY = "imap.proxy";
  public static final String IMAP_PROXY_PASSWORD = "imap.proxy.password";
  public static final String FOLDERS = "folders";
  public static final String TOPIC = "topic";
  public static final String POLL_INTERVAL_MS = "poll.interval.ms";
  public static final String BATCH_SIZE = "batch.size";
  public static final String START = "start";
  public static final String UIDVALIDITY_POLICY = "uidvalidity.policy";
  public static final String POST_ACTION = "post.action";
  public static final String POST_ACTION_EXPUNGE_ALL = "post.action.expunge.all";
  public static final String ATTACHMENTS_MODE = "attachments.mode";
  public static final String ATTACHMENTS_INLINE_MAX_BYTES = "attachments.inline.max.bytes";
  public static final String ATTACHMENTS_CACHE_DIR = "attachments.cache.dir";
  public static final String ATTACHMENTS_TOPIC = "attachments.topic";
  public static final String HEARTBEAT_TOPIC = "heartbeat.topic";
  public static final String FILTER_SUBJECT = "filter.subject";
  public static final String FILTER_FROM = "filter.from";
  public static final String FILTER_TO = "filter.to";
  public static final String FILTER_UNREAD = "filter.unread";
  public static final String FILTER_SINCE = "filter.since";
  public static final String FILTER_IMAP = "filter.imap";
  public static final String MAILBOXES = "mailboxes";
  public static final String MAX_CONNECTIONS = "max.connections";
  public static final String IMAP_MAX_CONNECTIONS_PER_SERVER = "imap.max.connections.per.server";
  /** Prefix of the keys of one further mailbox: {@code mailbox.<name>.imap.user} ... */
  public static final String MAILBOX_PREFIX = "mailbox.";
  /** The name of the mailbox described by the top-level {@code imap.user}. */
  public static final String DEFAULT_MAILBOX = "default";
  /** Set by the connector in each task's configuration: the mailboxes that task reads. */
  static final String TASK_MAILBOXES = "task.mailboxes";

  /** The connector's configuration definition (what {@link ImapSourceConnector#config()} returns). */
  public static final ConfigDef CONFIG_DEF = ServerKeys.define(
      ServerKeys.defineChannel(new ConfigDef(), "imap", IMAP, "ssl_tls")
      .define(IMAP_HOST, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
          Importance.HIGH, "Host name or IP literal of the IMAP server (no scheme, no port).", IMAP, 1, Width.LONG,
          "IMAP host")
      .define(IMAP_PORT, Type.INT, null, new OptionalRange(1, 65535), Importance.HIGH,
          "TCP port of the IMAP server. Default by imap.security: 993 (ssl_tls), 143 (starttls, none).", IMAP, 2,
          Width.SHORT, "IMAP port")
      .define(IMAP_USER, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
          Importance.HIGH, "IMAP login, usually the e-mail address. Part of every source partition's mailbox.",
          IMAP, 4, Width.MEDIUM, "IMAP user")
      .define(FOLDERS, Type.LIST, "INBOX", Importance.HIGH,
          "Comma-separated folders to read (Unicode names). Spread over the tasks, each folder read by exactly one "
              + "task. Default INBOX.", READ, 1, Width.LONG, "Folders")
      .define(POLL_INTERVAL_MS, Type.LONG, 10_000L, ConfigDef.Range.between(10, 24L * 3600 * 1000), Importance.MEDIUM,
          "How long a task waits after a poll found no new mail in any of its folders, in milliseconds. Default "
              + "10000.", READ, 2, Width.SHORT, "Poll interval (ms)")
      .define(BATCH_SIZE, Type.INT, 100, ConfigDef.Range.between(1, 10_000), Importance.MEDIUM,
          "At most this many messages per folder per poll. Default 100.", READ, 3, Width.SHORT, "Batch size")
      .define(START, Type.STRING, "now", Importance.MEDIUM,
          "Where a folder without a stored offset starts: now (only mail arriving later), all (everything in the "
              + "folder) or a day YYYY-MM-DD (mail received on or after it). Default now.", READ, 4, Width.SHORT,
          "Start")
      .define(UIDVALIDITY_POLICY, Type.STRING, "rescan",
          ConfigDef.CaseInsensitiveValidString.in("rescan", "skip", "fail"), Importance.MEDIUM,
          "When a folder's UIDVALIDITY differs from the stored offset (folder recreated, server index rebuilt): "
              + "rescan (publish the whole folder again), skip (only mail arriving later) or fail (the task stops). "
              + "Default rescan.", READ, 5, Width.SHORT, "UIDVALIDITY policy")
      .define(POST_ACTION, Type.STRING, "none", Importance.MEDIUM,
          "What is done to a message once Kafka acknowledged its record: none, read (\\Seen), flag (\\Flagged), "
              + "delete or move:FOLDER (the folder must exist). Default none.", READ, 6, Width.MEDIUM, "Post-action")
      .define(POST_ACTION_EXPUNGE_ALL, Type.BOOLEAN, false, Importance.LOW,
          "On a server without MOVE and UIDPLUS, post.action delete or move:FOLDER can only end with a plain EXPUNGE, "
              + "which also removes every message another client flagged \\Deleted in the folder: such a task "
              + "refuses to start unless this is true. Default false.", READ, 7, Width.SHORT, "Allow a plain EXPUNGE")
      .define(FILTER_SUBJECT, Type.STRING, "", Importance.MEDIUM,
          "Only messages whose Subject contains this text (IMAP SUBJECT, case-insensitive, Unicode allowed). All "
              + "filter.* keys are combined with AND and run on the server as part of the UID SEARCH. Default: any.",
          FILTER, 1, Width.MEDIUM, "Subject contains")
      .define(FILTER_FROM, Type.STRING, "", Importance.MEDIUM,
          "Only messages whose From contains this text (an address or part of one). Default: any.", FILTER, 2,
          Width.MEDIUM, "From contains")
      .define(FILTER_TO, Type.STRING, "", Importance.LOW,
          "Only messages whose To contains this text. Default: any.", FILTER, 3, Width.MEDIUM, "To contains")
      .define(FILTER_UNREAD, Type.BOOLEAN, false, Importance.MEDIUM,
          "Only messages without \\Seen. Default false (read and unread alike).", FILTER, 4, Width.SHORT, "Unread only")
      .define(FILTER_SINCE, Type.STRING, "", Importance.LOW,
          "Only messages the server received on or after this day, YYYY-MM-DD (IMAP SINCE: the server's date, "
              + "time and zone ignored). Default: any.", FILTER, 5, Width.SHORT, "Received since")
      .define(FILTER_IMAP, Type.STRING, "", Importance.LOW,
          "Raw IMAP search keys for what the keys above cannot say, e.g. HEADER X-Priority 1 or OR FROM a FROM b "
              + "(RFC 3501 6.4.4). Default: none.", FILTER, 6, Width.LONG, "IMAP search")
      .define(TOPIC, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
          Importance.HIGH, "Topic every record is written to.", OUT, 1, Width.MEDIUM, "Topic")
      .define(ATTACHMENTS_MODE, Type.STRING, "reference",
          ConfigDef.CaseInsensitiveValidString.in("inline", "reference", "topic"),
          Importance.MEDIUM, "inline: attachment bytes in the mail record (content) up to "
              + "attachments.inline.max.bytes, larger ones as a reference; topic: each attachment up to that size as "
              + "its own record in attachments.topic (value: the bytes), written before its mail record, which names "
              + "it (recordKey); reference: only metadata, sha256 and, with attachments.cache.dir, the cache key. "
              + "Default reference.", OUT, 2, Width.SHORT, "Attachments")
      .define(ATTACHMENTS_INLINE_MAX_BYTES, Type.LONG, 262_144L, ConfigDef.Range.between(0, 64L << 20),
          Importance.LOW, "Largest attachment (decoded bytes) carried in a record (attachments.mode inline or "
              + "topic); larger ones are listed by reference. Keep records below the producer's max.request.size. "
              + "Default 262144.", OUT, 3, Width.SHORT, "Attachment max (bytes)")
      .define(ATTACHMENTS_TOPIC, Type.STRING, "", new ConfigDef.NonNullValidator(), Importance.MEDIUM,
          "With attachments.mode=topic: the topic attachment records go to (key: the mail's key + '/' + part "
              + "path, value: the decoded bytes, headers: file name, content type, size, sha256, mail key). Must "
              + "differ from topic and heartbeat.topic.", OUT, 6, Width.MEDIUM, "Attachments topic")
      .define(ATTACHMENTS_CACHE_DIR, Type.STRING, "", Importance.LOW,
          "Document Cache directory on the worker where attachments are stored; records then carry each "
              + "attachment's cache key. Empty: no cache keys (inline mode uses a private temporary directory).",
          OUT, 4, Width.LONG, "Cache directory")
      .define(HEARTBEAT_TOPIC, Type.STRING, "", new ConfigDef.NonNullValidator(), Importance.MEDIUM,
          "Topic for heartbeat records: when a folder's position moves without a mail record (first start with "
              + "start=now, mail expunged before it was read, unreadable mail passed over), the task writes one "
              + "record {mailbox, folder, uidValidity, uid} here, at most one per folder per poll, so Kafka Connect "
              + "commits the position. Without it a quiet folder keeps no offset, and with start=now mail arriving "
              + "while no task runs is not published. The topic must exist (or be creatable). Empty: no "
              + "heartbeats. Default empty.", OUT, 5, Width.MEDIUM, "Heartbeat topic")
      .define(MAILBOXES, Type.LIST, "", Importance.MEDIUM,
          "Further mailboxes to read besides imap.user's, by name (letters, digits, '_', '-'). Each name N takes "
              + "mailbox.N.imap.user and mailbox.N.imap.password (required; use a config provider), and optionally "
              + "mailbox.N.folders, mailbox.N.imap.host, mailbox.N.imap.port and mailbox.N.max.connections; every "
              + "other setting is shared. Default: none.", MANY, 1, Width.LONG, "Mailboxes")
      .define(MAX_CONNECTIONS, Type.INT, null, new OptionalRange(1, 1000), Importance.LOW,
          "The most tasks (each one IMAP connection) reading one mailbox at once; its folders are dealt over them. "
              + "mailbox.N.max.connections overrides it per mailbox. Default unset: as many as folders and "
              + "tasks.max allow.", MANY, 2, Width.SHORT, "Connections per mailbox")
      .define(IMAP_MAX_CONNECTIONS_PER_SERVER, Type.INT, null, new OptionalRange(1, 1000), Importance.LOW,
          "The most IMAP connections open at once to one server (host:port) over all mailboxes and tasks of this "
              + "connector. A task holds one connection at a time; when a task reads several mailboxes it visits "
              + "them in turn on each poll. Default unset: no limit but tasks.max.", MANY, 3, Width.SHORT,
          "Connections per server"), "imap", IMAP, 12, POLL_INTERVAL_MS + " (or the first wait, if longer)");

  public ImapSourceConfig(Map<?, ?> props) {
    super(CONFIG_DEF, props);
  }

  /**
   * Maps the keys to Mailbridge's settings, checking the rules that span keys. Every failure is a
   * {@link ConfigException} whose message starts with the key at fault.
   */
  SourceSettings settings() {
    Security security = Security.valueOf(getString(IMAP_SECURITY).toUpperCase(Locale.ROOT));
    if (security == Security.NONE && !getBoolean(IMAP_ALLOW_PLAINTEXT)) {
      throw new ConfigException(IMAP_SECURITY + "=none sends the login and mail unencrypted: use ssl_tls or "
          + "starttls, or set " + IMAP_ALLOW_PLAINTEXT + "=true if this is really wanted");
    }
    String user = getString(IMAP_USER).strip();
    Password password = getPassword(IMAP_PASSWORD);
    if (password == null || password.value().isBlank()) {
      throw new ConfigException(IMAP_PASSWORD + " is missing for " + IMAP_USER + "=" + user + ": give the password "
          + "(e.g. with a config provider ${file:...})");
    }
    String ca = getString(IMAP_CA_FILE).strip();
    if (!ca.isEmpty() && !Files.isReadable(Path.of(ca))) {
      throw new ConfigException(IMAP_CA_FILE + " " + ca + " cannot be read: give the path of a PEM CA file readable "
          + "by the Connect worker, or leave it empty for the JVM's trust store");
    }
    List<String> folders = folders();
    StartPosition start;
    PostAction post;
    try {
      start = StartPosition.parse(getString(START));
    } catch (MailbridgeException e) {
      throw new ConfigException(START + " '" + getString(START) + "' is unknown: use now, all or a day YYYY-MM-DD");
    }
    try {
      post = PostAction.parse(getString(POST_ACTION));
      if (getBoolean(POST_ACTION_EXPUNGE_ALL)) {
        post = post.expungingAll();
      }
    } catch (MailbridgeException e) {
      throw new ConfigException(POST_ACTION + " '" + getString(POST_ACTION) + "' is unknown: use none, read, flag, "
          + "delete or move:FOLDER");
    }
    if (post instanceof PostAction.Move m && folders.contains(m.folder())) {
      throw new ConfigException(POST_ACTION + "=move:" + m.folder() + " moves into a folder that is also read ("
          + FOLDERS + "): choose a target outside " + FOLDERS);
    }
    String cache = getString(ATTACHMENTS_CACHE_DIR).strip();
    Optional<Path> cacheDir = cache.isEmpty() ? Optional.empty() : Optional.of(Path.of(cache));
    try {
      Endpoint.Builder imap = Endpoint.imap(getString(IMAP_HOST).strip()).security(security)
          .allowPlaintext(getBoolean(IMAP_ALLOW_PLAINTEXT))
          .connectTimeout(Duration.ofMillis(getLong(IMAP_CONNECT_TIMEOUT_MS)))
          .readTimeout(Duration.ofMillis(getLong(IMAP_READ_TIMEOUT_MS)))
          .auth(Auth.basic(user, Secret.of(password.value())));
      if (getInt(IMAP_PORT) != null) {
        imap.port(getInt(IMAP_PORT));
      }
      if (!ca.isEmpty()) {
        imap.trustedCertificates(Path.of(ca));
      }
      ProxyKeys.map(IMAP_PROXY, getString(IMAP_PROXY), getPassword(IMAP_PROXY_PASSWORD)).ifPresent(imap::proxy);
      // The folder is set per folder by the task; the receive settings only carry the shared rules.
      ReceiveSettings receive = ReceiveSettings.builder().folder(folders.get(0)).peek(true).filter(filter()).build();
      return new SourceSettings(imap.build(), folders, getString(TOPIC).strip(),
          Duration.ofMillis(getLong(POLL_INTERVAL_MS)), getInt(BATCH_SIZE), start,
          UidValidityPolicy.valueOf(getString(UIDVALIDITY_POLICY).toUpperCase(Locale.ROOT)), post,
          AttachmentsMode.valueOf(getString(ATTACHMENTS_MODE).toUpperCase(Locale.ROOT)),
          getLong(ATTACHMENTS_INLINE_MAX_BYTES), cacheDir, receive, heartbeatTopic(), attachmentsTopic());
    } catch (io.mailbridge.ConfigException e) {
      // The core names its own fields (inbound.host ...); the keys above map to them one to one.
      throw new ConfigException("imap.* settings rejected: " + e.getMessage().replace("inbound.", "imap."));
    }
  }

  /**
   * The filter.* keys as one filter (AND), {@link Filter#all()} when none is set. A message is judged
   * once, when the task first reaches its UID: one that does not match then is passed over for good,
   * even if it matches later (e.g. marked unread again).
   */
  Filter filter() {
    List<Filter> parts = new ArrayList<>();
    filterKey(FILTER_SUBJECT, Filter::subject).ifPresent(parts::add);
    filterKey(FILTER_FROM, Filter::from).ifPresent(parts::add);
    filterKey(FILTER_TO, Filter::to).ifPresent(parts::add);
    if (getBoolean(FILTER_UNREAD)) {
      parts.add(Filter.unseen());
    }
    filterKey(FILTER_SINCE, day -> {
      try {
        return Filter.receivedSince(java.time.LocalDate.parse(day));
      } catch (java.time.format.DateTimeParseException e) {
        throw new ConfigException(FILTER_SINCE + " '" + day + "' is not a day: use YYYY-MM-DD, e.g. 2026-11-01");
      }
    }).ifPresent(parts::add);
    filterKey(FILTER_IMAP, Filter::raw).ifPresent(parts::add);
    return parts.isEmpty() ? Filter.all() : parts.size() == 1 ? parts.get(0) : Filter.and(parts);
  }

  /** One filter.* key as a filter; what the filter refuses (CR/LF, bad raw keys) names the key. */
  private Optional<Filter> filterKey(String key, java.util.function.Function<String, Filter> make) {
    try {
      return text(key).map(make);
    } catch (MailbridgeException e) {
      throw new ConfigException(key + " is rejected: " + e.getMessage());
    }
  }

  private Optional<String> text(String key) {
    String v = getString(key).strip();
    return v.isEmpty() ? Optional.empty() : Optional.of(v);
  }

  private Optional<String> attachmentsTopic() {
    String t = getString(ATTACHMENTS_TOPIC).strip();
    boolean topicMode = getString(ATTACHMENTS_MODE).equalsIgnoreCase("topic");
    if (!topicMode) {
      if (!t.isEmpty()) {
        throw new ConfigException(ATTACHMENTS_TOPIC + " is set but " + ATTACHMENTS_MODE + " is "
            + getString(ATTACHMENTS_MODE) + ": set " + ATTACHMENTS_MODE + "=topic, or remove " + ATTACHMENTS_TOPIC);
      }
      return Optional.empty();
    }
    if (t.isEmpty()) {
      throw new ConfigException(ATTACHMENTS_TOPIC + " is missing: " + ATTACHMENTS_MODE + "=topic writes each "
          + "attachment to that topic");
    }
    if (t.equals(getString(TOPIC).strip()) || t.equals(getString(HEARTBEAT_TOPIC).strip())) {
      throw new ConfigException(ATTACHMENTS_TOPIC + " '" + t + "' is also " + TOPIC + " or " + HEARTBEAT_TOPIC
          + ": give attachments their own topic");
    }
    if (t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ConfigException(ATTACHMENTS_TOPIC + " contains a control character: remove it");
    }
    return Optional.of(t);
  }

  private Optional<String> heartbeatTopic() {
    String t = getString(HEARTBEAT_TOPIC).strip();
    if (t.isEmpty()) {
      return Optional.empty();
    }
    if (t.equals(getString(TOPIC).strip())) {
      throw new ConfigException(HEARTBEAT_TOPIC + " '" + t + "' is also " + TOPIC + ": give heartbeats their own "
          + "topic, so consumers of mail never see them");
    }
    if (t.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ConfigException(HEARTBEAT_TOPIC + " contains a control character: remove it");
    }
    return Optional.of(t);
  }

  /**
   * Every mailbox this configuration reads (the top-level one, named {@value #DEFAULT_MAILBOX}, then
   * those of {@code mailboxes}); in a task's configuration only those given to that task.
   */
  List<SourceMailbox> sources() {
    return SourceMailboxes.of(this, settings());
  }

  /** The folders, stripped, without empties; duplicates refused (each folder belongs to one task). */
  private List<String> folders() {
    return SourceMailboxes.folderList(FOLDERS, getList(FOLDERS));
  }
}
