package io.mailbridge.kafka.internal;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The sink's Sent folder keys: {@code sent.copy} (APPEND each sent mail to the Sent folder),
 * {@code skip.if.already.sent} (look a record's Message-ID up there first, so a record delivered
 * again after a failover or crash is not mailed twice), {@code sent.folder}, and the IMAP server
 * that holds it ({@code imap.*}, by default the SMTP server's host and login).
 */
public final class SentKeys {
  public static final String SENT_COPY = "sent.copy";
  public static final String SKIP_IF_ALREADY_SENT = "skip.if.already.sent";
  public static final String SENT_FOLDER = "sent.folder";
  public static final String IMAP_HOST = "imap.host";
  public static final String IMAP_PORT = "imap.port";
  public static final String IMAP_SECURITY = "imap.security";
  public static final String IMAP_USER = "imap.user";
  public static final String IMAP_PASSWORD = "imap.password";
  public static final String IMAP_CA_FILE = "imap.ca.file";
  public static final String IMAP_ALLOW_PLAINTEXT = "imap.allow.plaintext";
  private static final String GROUP = "Sent folder";

  private SentKeys() {}

  public static ConfigDef define(ConfigDef def) {
    return def
        .define(SENT_COPY, Type.BOOLEAN, false, Importance.MEDIUM, "Also store each sent mail, marked \\Seen, in "
            + "the Sent folder (IMAP APPEND, after the SMTP server accepted it). Needs the imap.* server. With "
            + SKIP_IF_ALREADY_SENT + " it makes a redelivered record recognisable as sent. Default false.", GROUP, 1,
            Width.SHORT, "Copy to Sent")
        .define(SKIP_IF_ALREADY_SENT, Type.BOOLEAN, false, Importance.MEDIUM, "Before sending a record, look its "
            + "Message-ID up in the Sent folder (UID SEARCH HEADER Message-ID); when found, the record is not sent "
            + "again. Records carry a deterministic Message-ID (topic, partition, offset), so after a failover or "
            + "crash the records Kafka delivers again are not mailed twice, as long as the first send left its copy "
            + "(set " + SENT_COPY + "=true, or use a server that files submitted mail itself). Needs the imap.* "
            + "server; one search per record. Default false.", GROUP, 2, Width.SHORT, "Skip if already sent")
        .define(SENT_FOLDER, Type.STRING, "", Importance.LOW, "The Sent folder. Empty: the folder with the \\Sent "
            + "special-use attribute (RFC 6154), else Sent. Default empty.", GROUP, 3, Width.MEDIUM, "Sent folder")
        .define(IMAP_HOST, Type.STRING, "", Importance.MEDIUM, "IMAP server holding the Sent folder. Empty: "
            + "smtp.host.", GROUP, 4, Width.LONG, "IMAP host")
        .define(IMAP_PORT, Type.INT, null, Importance.MEDIUM, "Its port. Default by imap.security: 993 (ssl_tls), "
            + "143 (starttls, none).", GROUP, 5, Width.SHORT, "IMAP port")
        .define(IMAP_SECURITY, Type.STRING, "ssl_tls",
            ConfigDef.CaseInsensitiveValidString.in("ssl_tls", "starttls", "none"), Importance.MEDIUM,
            "ssl_tls, starttls or none (needs imap.allow.plaintext=true). Default ssl_tls.", GROUP, 6, Width.SHORT,
            "IMAP security")
        .define(IMAP_USER, Type.STRING, "", Importance.MEDIUM, "IMAP login. Empty: smtp.user.", GROUP, 7,
            Width.MEDIUM, "IMAP user")
        .define(IMAP_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "IMAP password. Empty: smtp.password.",
            GROUP, 8, Width.MEDIUM, "IMAP password")
        .define(IMAP_CA_FILE, Type.STRING, "", Importance.LOW, "PEM CA file for the IMAP server. Empty: "
            + "smtp.ca.file.", GROUP, 9, Width.LONG, "IMAP CA file")
        .define(IMAP_ALLOW_PLAINTEXT, Type.BOOLEAN, false, Importance.LOW, "Explicit opt-in for imap.security=none. "
            + "Default false.", GROUP, 10, Width.SHORT, "IMAP plain text");
  }

  /** Whether the sink needs the IMAP server. */
  public static boolean used(AbstractConfig c) {
    return c.getBoolean(SENT_COPY) || c.getBoolean(SKIP_IF_ALREADY_SENT);
  }

  /**
   * The IMAP server of the Sent folder, from the {@code imap.*} keys with the SMTP ones as defaults.
   *
   * @throws ConfigException starting with the key at fault
   */
  public static Endpoint imap(AbstractConfig c, Endpoint smtp) {
    Security security = Security.valueOf(c.getString(IMAP_SECURITY).toUpperCase(Locale.ROOT));
    if (security == Security.NONE && !c.getBoolean(IMAP_ALLOW_PLAINTEXT)) {
      throw new ConfigException(IMAP_SECURITY + "=none sends the login and mail unencrypted: use ssl_tls or "
          + "starttls, or set " + IMAP_ALLOW_PLAINTEXT + "=true if this is really wanted");
    }
    String host = c.getString(IMAP_HOST).strip();
    String user = c.getString(IMAP_USER).strip();
    Password pw = c.getPassword(IMAP_PASSWORD);
    Optional<Secret> password = Optional.ofNullable(pw).map(Password::value).filter(v -> !v.isBlank())
        .map(Secret::of);
    Auth auth;
    if (user.isEmpty() && password.isEmpty()) {
      auth = smtp.auth();
    } else if (user.isEmpty() || password.isEmpty()) {
      throw new ConfigException((user.isEmpty() ? IMAP_USER : IMAP_PASSWORD) + " is missing: give both "
          + IMAP_USER + " and " + IMAP_PASSWORD + " for the Sent folder, or neither to use smtp.user's login");
    } else {
      auth = Auth.basic(user, password.get());
    }
    if (auth instanceof Auth.None) {
      throw new ConfigException(IMAP_USER + " is missing: " + SENT_COPY + " and " + SKIP_IF_ALREADY_SENT + " log in "
          + "to the IMAP server; give " + IMAP_USER + " and " + IMAP_PASSWORD + " (or smtp.user and smtp.password)");
    }
    String ca = c.getString(IMAP_CA_FILE).strip();
    if (!ca.isEmpty() && !Files.isReadable(Path.of(ca))) {
      throw new ConfigException(IMAP_CA_FILE + " " + ca + " cannot be read: give the path of a PEM CA file readable "
          + "by the Connect worker, or leave it empty for smtp.ca.file");
    }
    try {
      Endpoint.Builder b = Endpoint.imap(host.isEmpty() ? smtp.host() : host).security(security)
          .allowPlaintext(c.getBoolean(IMAP_ALLOW_PLAINTEXT)).connectTimeout(smtp.connectTimeout())
          .readTimeout(smtp.readTimeout()).auth(auth);
      if (c.getInt(IMAP_PORT) != null) {
        b.port(c.getInt(IMAP_PORT));
      }
      if (!ca.isEmpty()) {
        b.trustedCertificates(Path.of(ca));
      } else {
        smtp.trustedCertificates().ifPresent(b::trustedCertificates);
      }
      smtp.proxy().ifPresent(b::proxy);
      return b.build();
    } catch (io.mailbridge.ConfigException e) {
      throw new ConfigException("imap.* settings rejected: " + e.getMessage().replace("inbound.", "imap."));
    }
  }

  /** The Sent folder key, empty for the \Sent special-use folder. */
  public static Optional<String> folder(AbstractConfig c) {
    String f = c.getString(SENT_FOLDER).strip();
    return f.isEmpty() ? Optional.empty() : Optional.of(f);
  }
}
