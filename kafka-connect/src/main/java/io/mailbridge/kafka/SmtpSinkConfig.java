package io.mailbridge.kafka;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.kafka.internal.ProxyKeys;
import io.mailbridge.kafka.internal.SentKeys;
import io.mailbridge.kafka.internal.ServerKeys;
import io.mailbridge.kafka.internal.SinkSettings;
import io.mailbridge.send.SendSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The settings of the {@link SmtpSinkConnector}: one {@link ConfigDef} with every key, its default,
 * validator and documentation, and {@link #settings()}, the one place where the strings become
 * Mailbridge's {@link MailConnection} and {@link SendSettings}. Tasks call it once at start and never
 * look at a string again.
 *
 * <pre>{@code
 * smtp.host=smtp.example.com
 * smtp.security=starttls          # port 587 by default
 * smtp.user=bob@example.com
 * smtp.password=${file:/run/secrets/mail.properties:password}
 * message.id.domain=example.com   # default: the domain of mail.from.default or smtp.user
 * }</pre>
 *
 * <p>The password is a Kafka {@link Type#PASSWORD} (shown as {@code [hidden]} by the worker) and a
 * Mailbridge {@link Secret} after mapping; neither appears in a log line or a {@code toString()}.
 */
public final class SmtpSinkConfig extends AbstractConfig {
  private static final String SMTP = "SMTP server";
  private static final String MAIL = "Mail";
  private static final String DELIVERY = "Delivery";

  public static final String SMTP_HOST = "smtp.host";
  public static final String SMTP_PORT = "smtp.port";
  public static final String SMTP_SECURITY = "smtp.security";
  public static final String SMTP_USER = "smtp.user";
  public static final String SMTP_PASSWORD = "smtp.password";
  public static final String SMTP_CA_FILE = "smtp.ca.file";
  public static final String SMTP_ALLOW_PLAINTEXT = "smtp.allow.plaintext";
  public static final String SMTP_CONNECT_TIMEOUT_MS = "smtp.connect.timeout.ms";
  public static final String SMTP_READ_TIMEOUT_MS = "smtp.read.timeout.ms";
  public static final String SMTP_PROXY = "smtp.proxy";
  public static final String SMTP_PROXY_PASSWORD = "smtp.proxy.password";
  public static final String MAIL_FROM_DEFAULT = "mail.from.default";
  public static final String MESSAGE_ID_DOMAIN = "message.id.domain";
  public static final String SEND_MAX_ATTEMPTS = "send.max.attempts";
  public static final String SEND_BACKOFF_MS = "send.backoff.ms";
  public static final String SEND_MAX_BACKOFF_MS = "send.max.backoff.ms";
  public static final String RETRY_BACKOFF_MS = "retry.backoff.ms";
  public static final String SEND_PIPELINING = "send.pipelining";
  public static final String SEND_CHUNKING = "send.chunking";

  /** The connector's configuration definition (what {@link SmtpSinkConnector#config()} returns). */
  public static final ConfigDef CONFIG_DEF = SentKeys.define(ServerKeys.define(
      ServerKeys.defineChannel(new ConfigDef(), "smtp", SMTP, "starttls")
      .define(SMTP_HOST, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyStringWithoutControlChars(),
          Importance.HIGH, "Host name or IP literal of the SMTP server (no scheme, no port).", SMTP, 1, Width.LONG,
          "SMTP host")
      .define(SMTP_PORT, Type.INT, null, new OptionalRange(1, 65535), Importance.HIGH,
          "TCP port of the SMTP server. Default by smtp.security: 465 (ssl_tls), 587 (starttls), 25 (none).", SMTP, 2,
          Width.SHORT, "SMTP port")
      .define(SMTP_USER, Type.STRING, "", Importance.HIGH,
          "Login for SMTP AUTH, usually the e-mail address. Empty: no AUTH (trusted relays only).", SMTP, 4,
          Width.MEDIUM, "SMTP user")
      .define(MAIL_FROM_DEFAULT, Type.STRING, "", Importance.MEDIUM,
          "Sender for records without 'from', e.g. 'Reports <reports@example.com>'. Empty: smtp.user when it is an "
              + "address.", MAIL, 1, Width.LONG, "Default sender")
      .define(MESSAGE_ID_DOMAIN, Type.STRING, "", Importance.MEDIUM,
          "Domain of the generated Message-IDs <topic.partition.offset.hash@DOMAIN>. Empty: the domain of "
              + "mail.from.default, else of smtp.user.", MAIL, 2, Width.MEDIUM, "Message-ID domain")
      .define(SEND_MAX_ATTEMPTS, Type.INT, 3, ConfigDef.Range.between(1, 100), Importance.LOW,
          "Attempts per message inside one put() for transient failures (SMTP 4xx, connection lost before the data "
              + "was complete), including the first. Default 3.", DELIVERY, 1, Width.SHORT, "Attempts")
      .define(SEND_BACKOFF_MS, Type.LONG, 1_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
          "Wait before the second attempt in milliseconds, doubled per further attempt. Default 1000.", DELIVERY, 2,
          Width.SHORT, "Backoff (ms)")
      .define(SEND_MAX_BACKOFF_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
          "Upper bound of one wait between attempts in milliseconds. Default 30000.", DELIVERY, 3, Width.SHORT,
          "Max backoff (ms)")
      .define(RETRY_BACKOFF_MS, Type.LONG, 10_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
          "When a batch still fails transiently after send.max.attempts, Kafka Connect redelivers it after this "
              + "many milliseconds. Default 10000.", DELIVERY, 4, Width.SHORT, "Redelivery backoff (ms)")
      .define(SEND_PIPELINING, Type.BOOLEAN, true, Importance.LOW,
          "Where the server offers PIPELINING (and CHUNKING), send each message's envelope commands together "
              + "and its data right after their replies (as BDAT with CHUNKING): two round trips per message. false sends one command at a time, for a server that "
              + "mishandles them. Default true.", DELIVERY, 5, Width.SHORT, "Pipelining")
      .define(SEND_CHUNKING, Type.BOOLEAN, SendSettings.defaults().chunking(), Importance.LOW,
          "With send.pipelining, where the server offers CHUNKING (RFC 3030): send the records of a batch as BDAT "
              + "transactions, up to 64 in flight before the first reply is read, so the server never waits for the "
              + "connector between two mails. The outcomes are those of DATA; when the connection is lost without "
              + "the server's 421, every mail in flight whose data was written is UNKNOWN (dead letter queue, not "
              + "resent). false sends each mail with DATA. Needs send.pipelining=true. Default "
              + SendSettings.defaults().chunking() + ".", DELIVERY, 6, Width.SHORT, "Chunking"),
      "smtp", SMTP, 12, null));

  public SmtpSinkConfig(Map<?, ?> props) {
    super(CONFIG_DEF, props);
  }

  /**
   * Maps the keys to Mailbridge's settings, checking the rules that span keys. Every failure is a
   * {@link ConfigException} naming the key and the fix.
   */
  SinkSettings settings() {
    Security security = Security.valueOf(getString(SMTP_SECURITY).toUpperCase(Locale.ROOT));
    if (security == Security.NONE && !getBoolean(SMTP_ALLOW_PLAINTEXT)) {
      throw new ConfigException(SMTP_SECURITY + "=none sends the login and mail unencrypted: use starttls or "
          + "ssl_tls, or set " + SMTP_ALLOW_PLAINTEXT + "=true if this is really wanted");
    }
    String user = getString(SMTP_USER).strip();
    Password password = getPassword(SMTP_PASSWORD);
    boolean hasPassword = password != null && !password.value().isBlank();
    if (user.isEmpty() && hasPassword) {
      throw new ConfigException(SMTP_PASSWORD + " is set but " + SMTP_USER + " is empty: give the login for the "
          + "password, or remove the password for a relay without AUTH");
    }
    if (!user.isEmpty() && !hasPassword) {
      throw new ConfigException(SMTP_PASSWORD + " is missing for " + SMTP_USER + "=" + user + ": give the password "
          + "(e.g. with a config provider), or clear " + SMTP_USER + " for a relay without AUTH");
    }
    String ca = getString(SMTP_CA_FILE).strip();
    if (!ca.isEmpty() && !Files.isReadable(Path.of(ca))) {
      throw new ConfigException(SMTP_CA_FILE + " " + ca + " cannot be read: give the path of a PEM CA file readable "
          + "by the Connect worker, or leave it empty for the JVM's trust store");
    }
    String from = getString(MAIL_FROM_DEFAULT).strip();
    if (!from.isEmpty()) {
      checkAddress(from);
    }
    if (from.isEmpty() && user.indexOf('@') > 0) {
      from = user;
    }
    String domain = getString(MESSAGE_ID_DOMAIN).strip();
    if (domain.isEmpty()) {
      domain = domainOf(from);
    }
    if (domain.isEmpty()) {
      throw new ConfigException(MESSAGE_ID_DOMAIN + " is empty and no domain can be taken from " + MAIL_FROM_DEFAULT
          + " or " + SMTP_USER + ": set " + MESSAGE_ID_DOMAIN + " (e.g. example.com)");
    }
    if (!domain.matches("[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*")) {
      throw new ConfigException(MESSAGE_ID_DOMAIN + " '" + domain + "' is not a domain name: give e.g. example.com");
    }
    if (getLong(SEND_MAX_BACKOFF_MS) < getLong(SEND_BACKOFF_MS)) {
      throw new ConfigException(SEND_MAX_BACKOFF_MS + " " + getLong(SEND_MAX_BACKOFF_MS) + " is below "
          + SEND_BACKOFF_MS + " " + getLong(SEND_BACKOFF_MS) + ": raise " + SEND_MAX_BACKOFF_MS);
    }
    boolean pipelining = getBoolean(SEND_PIPELINING);
    if (!pipelining && originals().containsKey(SEND_CHUNKING) && getBoolean(SEND_CHUNKING)) {
      throw new ConfigException(SEND_CHUNKING + "=true needs " + SEND_PIPELINING + "=true (BDAT transactions in "
          + "flight are pipelined): set " + SEND_PIPELINING + "=true, or remove " + SEND_CHUNKING);
    }
    try {
      Endpoint.Builder smtp = Endpoint.smtp(getString(SMTP_HOST).strip()).security(security)
          .allowPlaintext(getBoolean(SMTP_ALLOW_PLAINTEXT))
          .connectTimeout(Duration.ofMillis(getLong(SMTP_CONNECT_TIMEOUT_MS)))
          .readTimeout(Duration.ofMillis(getLong(SMTP_READ_TIMEOUT_MS)))
          .auth(user.isEmpty() ? Auth.none() : Auth.basic(user, Secret.of(password.value())));
      if (getInt(SMTP_PORT) != null) {
        smtp.port(getInt(SMTP_PORT));
      }
      if (!ca.isEmpty()) {
        smtp.trustedCertificates(Path.of(ca));
      }
      ProxyKeys.map(SMTP_PROXY, getString(SMTP_PROXY), getPassword(SMTP_PROXY_PASSWORD)).ifPresent(smtp::proxy);
      Endpoint outbound = smtp.build();
      MailConnection.Builder connection = MailConnection.builder().outbound(outbound);
      if (SentKeys.used(this)) {
        connection.inbound(SentKeys.imap(this, outbound));
      }
      SendSettings send = SendSettings.builder().maxAttempts(getInt(SEND_MAX_ATTEMPTS))
          .initialBackoff(Duration.ofMillis(getLong(SEND_BACKOFF_MS)))
          .maxBackoff(Duration.ofMillis(getLong(SEND_MAX_BACKOFF_MS)))
          .copyToSent(getBoolean(SentKeys.SENT_COPY)).sentFolder(SentKeys.folder(this).orElse(null))
          .skipIfAlreadySent(getBoolean(SentKeys.SKIP_IF_ALREADY_SENT)).pipelining(pipelining)
          .chunking(pipelining && getBoolean(SEND_CHUNKING)).build();
      return new SinkSettings(connection.build(), send, from, domain, Duration.ofMillis(getLong(RETRY_BACKOFF_MS)));
    } catch (io.mailbridge.ConfigException e) {
      // The core names its own fields (outbound.host ...); the keys above map to them one to one.
      throw new ConfigException("smtp.* settings rejected: " + e.getMessage().replace("outbound.", "smtp."));
    }
  }

  /**
   * The default sender goes into every message's From header: a line break would inject headers
   * into all of them (CVE-2025-7962 class), so it is refused here, once, not per record.
   */
  private static void checkAddress(String from) {
    if (from.length() > 998) {
      throw new ConfigException(MAIL_FROM_DEFAULT + " is " + from.length() + " characters long: a header line may "
          + "be at most 998 (RFC 5322 2.1.1); give one address such as Reports <reports@example.com>");
    }
    if (from.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw new ConfigException(MAIL_FROM_DEFAULT + " contains a control character (CR, LF, NUL...): give one "
          + "address such as Reports <reports@example.com>");
    }
    try {
      jakarta.mail.internet.InternetAddress[] parsed = jakarta.mail.internet.InternetAddress.parse(from, true);
      if (parsed.length != 1) {
        throw new ConfigException(MAIL_FROM_DEFAULT + " '" + from + "' holds " + parsed.length
            + " addresses: give exactly one");
      }
    } catch (jakarta.mail.internet.AddressException e) {
      throw new ConfigException(MAIL_FROM_DEFAULT + " '" + from + "' is not an e-mail address (" + e.getMessage()
          + "): give one such as Reports <reports@example.com>");
    }
  }

  private static String domainOf(String address) {
    int lt = address.lastIndexOf('<');
    String bare = lt >= 0 ? address.substring(lt + 1).replace(">", "").strip() : address;
    int at = bare.lastIndexOf('@');
    return at > 0 ? bare.substring(at + 1).strip() : "";
  }
}
