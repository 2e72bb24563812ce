package io.mailbridge.cli;

import io.mailbridge.connection.MailConnection;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Connection flags shared by every command that talks to a server. */
public final class ConnectionOptions {
  @Option(names = "--profile", paramLabel = "NAME", description = "Profile in mailbridge.yaml (default: $MAILBRIDGE_PROFILE or 'default').")
  String profile;

  @Option(names = "--config", paramLabel = "FILE", description = "Settings file (default: ./mailbridge.yaml, then ~/.config/mailbridge/mailbridge.yaml).")
  Path config;

  @Option(names = "--imap-host", paramLabel = "HOST", description = "IMAP server host.")
  String imapHost;

  @Option(names = "--imap-port", paramLabel = "PORT", description = "IMAP port (default: 993 for ssl_tls, else 143).")
  Integer imapPort;

  @Option(names = "--imap-security", paramLabel = "MODE", description = "ssl_tls | starttls | none (default: ssl_tls).")
  String imapSecurity;

  @Option(names = "--imap-auth", paramLabel = "HOW", description = "How to log in to IMAP: password (default: SASL "
      + "PLAIN, else SASL LOGIN, else the LOGIN command), login (the LOGIN command only, for servers whose SASL is broken), "
      + "plain (SASL PLAIN), oauth2, xoauth2, oauthbearer (an OAuth 2.0 token, see auth login).")
  String imapAuth;

  @Option(names = "--smtp-host", paramLabel = "HOST", description = "SMTP server host.")
  String smtpHost;

  @Option(names = "--smtp-port", paramLabel = "PORT", description = "SMTP port (default: 465 ssl_tls, 587 starttls, 25 none).")
  Integer smtpPort;

  @Option(names = "--smtp-security", paramLabel = "MODE", description = "ssl_tls | starttls | none (default: ssl_tls).")
  String smtpSecurity;

  @Option(names = "--user", paramLabel = "USER", description = "Login for both servers, usually the e-mail address.")
  String user;

  @Option(names = "--smtp-user", paramLabel = "USER", description = "SMTP login when it differs from --user.")
  String smtpUser;

  @Option(names = "--password-file", paramLabel = "FILE", description = "File whose first line is the password (else $MAILBRIDGE_PASSWORD).")
  Path passwordFile;

  @Option(names = "--proxy", paramLabel = "URL", description = "Connect to both servers through this proxy: "
      + "socks5://[user@]host[:port] or http://[user@]host:port; 'none' for direct (default: direct).")
  String proxy;

  @Option(names = "--proxy-password-file", paramLabel = "FILE", description = "File whose first line is the proxy "
      + "password (else $MAILBRIDGE_PROXY_PASSWORD).")
  Path proxyPasswordFile;

  @Option(names = "--ca-file", paramLabel = "PEM", description = "Trust these CA certificates instead of the JDK's defaults.")
  Path caFile;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", description = "TCP connect timeout, e.g. 10s (default: 30s).")
  String connectTimeout;

  @Option(names = "--read-timeout", paramLabel = "DURATION", description = "Timeout for each server answer (default: 60s).")
  String readTimeout;

  @Option(names = "--server-limit", paramLabel = "NAME=VALUE", description = "Raise (or lower) a bound on what the "
      + "servers may send, e.g. maxFolderMessages=20000000 or maxLineBytes=32MB; repeatable. NAME: maxLineBytes (8MB), "
      + "maxLiteralBytes (16MB), maxNesting (200), maxFolderMessages (5000000), minLiteralBytesPerSecond (1KB), "
      + "maxSmtpReplyBytes (256KB), maxListEntries (100000). Beyond one, the command ends with a protocol error (exit 5).")
  Map<String, String> serverLimits;

  @Option(names = "--allow-plaintext", description = "Permit security 'none' (credentials and mail unencrypted).")
  boolean allowPlaintext;

  @Option(names = {"-v", "--verbose"}, description = "Log what happens (stderr).")
  boolean verbose;

  @Option(names = "--debug", description = "Log protocol detail with secrets redacted, and stack traces (stderr).")
  boolean debug;

  /** Settings from flags, environment and profile. */
  public Settings settings(Map<String, String> env) {
    LogLevel.apply(verbose, debug);
    return Settings.resolve(flags(), env, Optional.ofNullable(config), Optional.ofNullable(profile));
  }

  /** The settings given as flags, under their settings keys. */
  Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, "imap.host", imapHost);
    put(flags, "imap.port", imapPort);
    put(flags, "imap.security", imapSecurity);
    put(flags, "imap.auth", imapAuth);
    put(flags, "smtp.host", smtpHost);
    put(flags, "smtp.port", smtpPort);
    put(flags, "smtp.security", smtpSecurity);
    put(flags, "user", user);
    put(flags, "smtp.user", smtpUser);
    put(flags, "passwordFile", passwordFile);
    put(flags, "caFile", caFile);
    put(flags, "proxy", proxy);
    put(flags, "proxyPasswordFile", proxyPasswordFile);
    put(flags, "connectTimeout", connectTimeout);
    put(flags, "readTimeout", readTimeout);
    if (allowPlaintext) {
      flags.put("allowPlaintext", "true");
    }
    ServerLimitsSettings.putFlags(flags, serverLimits);
    return flags;
  }

  /**
   * The servers these options name. The IMAP server alone may have been connected to already, as the
   * command started ({@link EarlyConnection}): then its connection is the one the command uses.
   */
  public MailConnection connection(boolean inbound, boolean outbound) {
    if (inbound && !outbound) {
      LogLevel.apply(verbose, debug);
      MailConnection early = EarlyConnection.take(flags(), config, profile);
      if (early != null) {
        return early;
      }
    }
    return settings(System.getenv()).connection(inbound, outbound);
  }

  private static void put(Map<String, String> flags, String key, Object value) {
    if (value != null) {
      flags.put(key, value.toString());
    }
  }
}
