package io.mailbridge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.ProxySettings;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.TokenProvider;
import io.mailbridge.oauth.ClientCredentialsTokenProvider;
import io.mailbridge.oauth.OAuthSettings;
import io.mailbridge.oauth.RefreshingTokenProvider;
import io.mailbridge.oauth.TokenStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Connection settings from three sources, highest first: command-line flags, {@code MAILBRIDGE_*}
 * environment variables, a profile in {@code mailbridge.yaml}. Keys are dotted ({@code imap.host});
 * the environment name is the key upper-cased with dots as underscores ({@code MAILBRIDGE_IMAP_HOST}).
 *
 * <pre>
 * profiles:
 *   default:
 *     user: alice@example.com
 *     passwordFile: ~/.config/mailbridge/password
 *     imap: { host: imap.example.com, port: 993, security: ssl_tls }
 *     smtp: { host: smtp.example.com, port: 587, security: starttls }
 *   work:
 *     user: alice@contoso.com
 *     auth: oauth2            # tokens from `mailbridge auth login --profile work`
 *     oauth2: { provider: microsoft, tenant: contoso.com, clientId: 00000000-... }
 *     imap: { host: outlook.office365.com }
 *     smtp: { host: smtp.office365.com, port: 587, security: starttls }
 * </pre>
 * OAuth 2.0 keys are read by {@link OAuthProfiles}. A proxy is {@code proxy: socks5://user@host:1080}
 * (or {@code imap.proxy} / {@code smtp.proxy} for one server), its password in
 * {@code proxyPasswordFile} or {@code MAILBRIDGE_PROXY_PASSWORD}.
 * A password is never a flag value (shell history): it comes from {@code MAILBRIDGE_PASSWORD} or a
 * file ({@code --password-file}, {@code passwordFile}).
 */
public final class Settings {
  private final Map<String, String> values;
  private final Map<String, String> origin;
  private final String profile;
  private TokenProvider tokens;

  private Settings(Map<String, String> values, Map<String, String> origin, String profile) {
    this.values = values;
    this.origin = origin;
    this.profile = profile;
  }

  /**
   * @param flags values given as flags (dotted keys), absent ones not present
   * @param env the process environment
   * @param configFile explicit config file, or empty for the default locations
   * @param profile explicit profile, or empty for {@code MAILBRIDGE_PROFILE} or "default"
   */
  public static Settings resolve(Map<String, String> flags, Map<String, String> env, Optional<Path> configFile,
      Optional<String> profile) {
    Map<String, String> values = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    String profileName = profile.or(() -> Optional.ofNullable(env.get("MAILBRIDGE_PROFILE"))).orElse("default");
    Optional<Path> file = configFile.or(() -> Optional.ofNullable(env.get("MAILBRIDGE_CONFIG")).map(Path::of))
        .or(() -> defaultConfig(env));
    if (file.isPresent()) {
      Map<String, String> fromFile = readProfile(file.get(), profileName, configFile.isPresent() || profile.isPresent());
      fromFile.forEach((k, v) -> {
        values.put(k, v);
        origin.put(k, file.get() + " profile " + profileName);
      });
    } else if (profile.isPresent()) {
      throw new ConfigException("profile '" + profileName + "' asked for but no mailbridge.yaml found: create one "
          + "in the current directory or ~/.config/mailbridge/, or pass --config FILE");
    }
    env.forEach((k, v) -> {
      if (k.startsWith("MAILBRIDGE_") && !k.equals("MAILBRIDGE_PROFILE") && !k.equals("MAILBRIDGE_CONFIG")) {
        String key = envToKey(k.substring("MAILBRIDGE_".length()));
        values.put(key, v);
        origin.put(key, "environment " + k);
      }
    });
    flags.forEach((k, v) -> {
      values.put(k, v);
      origin.put(k, "flag");
    });
    return new Settings(values, origin, profileName);
  }

  /**
   * Settings from one mailbox entry of a {@code watch --mailboxes} file: flattened keys as in a
   * profile, nothing from flags or the environment.
   *
   * @param name the entry's name, used as the profile name (OAuth token file) in messages
   */
  static Settings ofEntry(Map<String, String> values, String where, String name) {
    Map<String, String> origin = new LinkedHashMap<>();
    values.keySet().forEach(k -> origin.put(k, where));
    return new Settings(new LinkedHashMap<>(values), origin, name);
  }

  /** The profile these settings came from ("default" unless chosen). */
  public String profile() {
    return profile;
  }

  private static Optional<Path> defaultConfig(Map<String, String> env) {
    Path local = Path.of("mailbridge.yaml");
    if (Files.isRegularFile(local)) {
      return Optional.of(local);
    }
    String home = env.getOrDefault("HOME", System.getProperty("user.home"));
    Path user = Path.of(home, ".config", "mailbridge", "mailbridge.yaml");
    return Files.isRegularFile(user) ? Optional.of(user) : Optional.empty();
  }

  /** IMAP_HOST -> imap.host, PASSWORD_FILE -> passwordFile, SMTP_USER -> smtp.user, OAUTH2_CLIENT_ID -> oauth2.clientId. */
  static String envToKey(String env) {
    String[] parts = env.toLowerCase(Locale.ROOT).split("_");
    StringBuilder key = new StringBuilder();
    int i = 0;
    if (parts.length > 1 && (parts[0].equals("imap") || parts[0].equals("smtp") || parts[0].equals("oauth2")
        || parts[0].equals("journal"))) {
      key.append(parts[0]).append('.');
      i = 1;
    }
    for (int j = i; j < parts.length; j++) {
      key.append(j == i ? parts[j] : Character.toUpperCase(parts[j].charAt(0)) + parts[j].substring(1));
    }
    return key.toString();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> readProfile(Path file, String profile, boolean required) {
    Map<String, Object> root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readValue(LocalFiles.read(file, LocalFiles.MAX_CONFIG_BYTES,
          why -> new ConfigException(why + ": a settings file holds a few profiles; check --config")), Map.class);
    } catch (IOException e) {
      throw new ConfigException(file + " is not valid YAML (" + (e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()) + "): fix the file or pass "
          + "--config with another one", e);
    }
    Map<String, String> out = new LinkedHashMap<>();
    Object profiles = root == null ? null : root.get("profiles");
    Object p = profiles instanceof Map<?, ?> m ? m.get(profile) : null;
    if (!(p instanceof Map<?, ?>)) {
      if (required || !"default".equals(profile)) {
        throw new ConfigException(file + " has no profile '" + profile + "' under 'profiles:': add it or choose "
            + "another with --profile");
      }
      return out;
    }
    flatten("", (Map<String, Object>) p, out);
    for (String key : out.keySet()) {
      if (!ProfileKeys.known(key)) {
        throw new ConfigException(file + " profile '" + profile + "': unknown key '" + key + "'"
            + ProfileKeys.nearest(key).map(k -> " (did you mean '" + k + "'?)").orElse("")
            + ": fix the key or remove it");
      }
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> map, Map<String, String> out) {
    map.forEach((k, v) -> {
      if (v instanceof Map<?, ?> nested) {
        flatten(prefix + k + ".", (Map<String, Object>) nested, out);
      } else if (v != null) {
        out.put(prefix + k, v.toString());
      }
    });
  }

  public Optional<String> get(String key) {
    return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
  }

  /** Where a value came from, for messages. */
  public String origin(String key) {
    return origin.getOrDefault(key, "default");
  }

  /** Builds the connection; {@code needInbound}/{@code needOutbound} say which servers the command uses. */
  public MailConnection connection(boolean needInbound, boolean needOutbound) {
    MailConnection.Builder b = MailConnection.builder();
    boolean any = false;
    if (needInbound && get("imap.host").isPresent()) {
      b.inbound(endpoint("imap", Endpoint.imap(get("imap.host").get())));
      any = true;
    } else if (needInbound && !needOutbound) {
      throw new ConfigException("no IMAP server: give --imap-host, MAILBRIDGE_IMAP_HOST or imap.host in mailbridge.yaml");
    }
    if (needOutbound && get("smtp.host").isPresent()) {
      b.outbound(endpoint("smtp", Endpoint.smtp(get("smtp.host").get())));
      any = true;
    } else if (needOutbound && !needInbound) {
      throw new ConfigException("no SMTP server: give --smtp-host, MAILBRIDGE_SMTP_HOST or smtp.host in mailbridge.yaml");
    }
    if (!any) {
      throw new ConfigException("no server configured: give --imap-host and/or --smtp-host (or MAILBRIDGE_IMAP_HOST, "
          + "a profile in mailbridge.yaml); `mailbridge demo` runs without one");
    }
    return b.build();
  }

  private Endpoint endpoint(String role, Endpoint.Builder b) {
    Security security = get(role + ".security").map(s -> parseSecurity(role, s)).orElse(Security.SSL_TLS);
    b.security(security);
    get(role + ".port").ifPresent(p -> b.port(parseInt(role + ".port", p)));
    get(role + ".connectTimeout").or(() -> get("connectTimeout"))
        .ifPresent(t -> b.connectTimeout(parseDuration(role + ".connectTimeout", t)));
    get(role + ".readTimeout").or(() -> get("readTimeout"))
        .ifPresent(t -> b.readTimeout(parseDuration(role + ".readTimeout", t)));
    get(role + ".caFile").or(() -> get("caFile")).ifPresent(f -> b.trustedCertificates(expand(f)));
    proxy(role).ifPresent(b::proxy);
    b.limits(ServerLimitsSettings.of(this::get, role));
    b.allowPlaintext(get(role + ".allowPlaintext").or(() -> get("allowPlaintext")).map(Boolean::parseBoolean)
        .orElse(false));
    Optional<String> user = get(role + ".user").or(() -> get("user"));
    if (user.isPresent()) {
      b.auth(auth(role, user.get()));
    } else if (role.equals("imap")) {
      throw new ConfigException("no user for the IMAP server: give --user, MAILBRIDGE_USER or user in mailbridge.yaml");
    }
    return b.build();
  }

  /** {@code auth} (or {@code imap.auth}/{@code smtp.auth}): how to log in, default the password, best mechanism. */
  private Auth auth(String role, String user) {
    String key = get(role + ".auth").isPresent() ? role + ".auth" : "auth";
    String how = get(key).map(a -> a.strip().toLowerCase(Locale.ROOT)).orElse("password");
    return switch (how) {
      case "password", "basic" -> Auth.basic(user, password(role));
      case "login" -> Auth.basic(user, password(role), Auth.Basic.Mechanism.LOGIN);
      case "plain" -> Auth.basic(user, password(role), Auth.Basic.Mechanism.PLAIN);
      case "oauth2" -> Auth.oauth2(user, tokenProvider(), OAuthProfiles.mechanism(this));
      case "xoauth2" -> Auth.oauth2(user, tokenProvider(), Auth.OAuth2.Mechanism.XOAUTH2);
      case "oauthbearer" -> Auth.oauth2(user, tokenProvider(), Auth.OAuth2.Mechanism.OAUTHBEARER);
      default -> throw new ConfigException(key + (key.equals("imap.auth") ? " (--imap-auth)" : "") + " '" + how
          + "' is not one of password, login, plain, oauth2, xoauth2, oauthbearer");
    };
  }

  /** The OAuth 2.0 settings of this profile ({@code oauth2.*} keys). */
  public OAuthSettings oauth2() {
    return OAuthProfiles.settings(this);
  }

  /**
   * The profile's token file: {@code oauth2.tokenFile}, default
   * {@code ~/.config/mailbridge/tokens/<profile>.json}.
   */
  public TokenStore tokenStore() {
    Path file = get("oauth2.tokenFile").map(Settings::expand)
        .orElseGet(() -> Path.of(System.getProperty("user.home"), ".config", "mailbridge", "tokens", profile + ".json"));
    return TokenStore.at(file).withLoginHint(OAuthProfiles.loginHint(profile));
  }

  /** One token provider per run, shared by the IMAP and SMTP connections. */
  public synchronized TokenProvider tokenProvider() {
    if (tokens == null) {
      OAuthSettings oauth = oauth2();
      tokens = oauth.grant() == OAuthSettings.Grant.CLIENT_CREDENTIALS ? new ClientCredentialsTokenProvider(oauth)
          : new RefreshingTokenProvider(oauth, tokenStore());
    }
    return tokens;
  }

  private Secret password(String role) {
    Optional<String> file = get(role + ".passwordFile").or(() -> get("passwordFile"));
    if (file.isPresent()) {
      return Secret.fromFile(expand(file.get()));
    }
    return get(role + ".password").or(() -> get("password")).map(Secret::of).orElseThrow(() -> new ConfigException(
        "no password for " + role + ": set MAILBRIDGE_PASSWORD or give --password-file FILE (never a flag value)"));
  }

  /**
   * The proxy for {@code role}: {@code <role>.proxy}, else {@code proxy}; {@code none} or
   * {@code direct} means no proxy. The password comes from {@code proxyPasswordFile} or
   * {@code proxyPassword} ({@code MAILBRIDGE_PROXY_PASSWORD}), never from the URL.
   */
  private Optional<ProxySettings> proxy(String role) {
    String key = get(role + ".proxy").isPresent() ? role + ".proxy" : "proxy";
    Optional<String> url = get(key);
    String value = url.map(String::strip).orElse("");
    if (value.isEmpty() || value.equalsIgnoreCase("none") || value.equalsIgnoreCase("direct")) {
      return Optional.empty();
    }
    Optional<Secret> password = get(role + ".proxyPasswordFile").or(() -> get("proxyPasswordFile"))
        .map(f -> Secret.fromFile(expand(f)))
        .or(() -> get(role + ".proxyPassword").or(() -> get("proxyPassword")).map(Secret::of));
    try {
      return Optional.of(ProxySettings.parse(value, password));
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (" + key + " from " + origin(key) + "; the proxy password comes "
          + "from MAILBRIDGE_PROXY_PASSWORD or --proxy-password-file)", e);
    }
  }

  static Path expand(String path) {
    return path.startsWith("~/") ? Path.of(System.getProperty("user.home"), path.substring(2)) : Path.of(path);
  }

  private static Security parseSecurity(String role, String s) {
    String norm = s.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace('/', '_');
    if (norm.equals("SSL") || norm.equals("TLS")) {
      norm = "SSL_TLS";
    }
    try {
      return Security.valueOf(norm);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(role + ".security '" + s + "' is not one of ssl_tls, starttls, none");
    }
  }

  static int parseInt(String field, String v) {
    try {
      return Integer.parseInt(v.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(field + " '" + v + "' is not a number");
    }
  }

  /** "30s", "2m", "500ms" or ISO-8601 "PT30S". */
  static Duration parseDuration(String field, String v) {
    String s = v.strip().toLowerCase(Locale.ROOT);
    try {
      if (s.startsWith("pt")) {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      }
      if (s.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
      }
      if (s.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
      }
      if (s.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
      }
      if (s.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(s.substring(0, s.length() - 1)));
      }
      if (s.endsWith("d")) {
        return Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)));
      }
      return Duration.ofSeconds(Long.parseLong(s));
    } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
      throw new ConfigException(field + " '" + v + "' is not a duration: use e.g. 30s, 2m, 12h, 30d or 500ms");
    }
  }
}
