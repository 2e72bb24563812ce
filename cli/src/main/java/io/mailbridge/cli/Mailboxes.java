package io.mailbridge.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mailbridge.ConfigException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.listen.RateLimit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code watch --mailboxes FILE} input: a YAML (or JSON) list of mailboxes, each with its own
 * connection and login (the keys of a {@code mailbridge.yaml} profile), folders, connection
 * maximum, rate limit and state file. Passwords never appear in the file: {@code passwordFile} or
 * {@code passwordEnv} (the name of an environment variable).
 *
 * <pre>
 * mailboxes:
 *   - name: alice
 *     user: alice@example.com
 *     passwordEnv: ALICE_PASSWORD
 *     imap: { host: mail.example.com }
 *     folders: [INBOX, Invoices]
 *     maxConnections: 2
 *     rateLimit: 20            # messages/s
 * </pre>
 */
final class Mailboxes {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
  private static final Set<String> WATCH_KEYS = Set.of("name", "folders", "maxConnections", "rateLimit", "state",
      "passwordEnv");
  private static final Set<String> CONNECTION_KEYS = Set.of("user", "passwordFile", "auth", "imap", "caFile",
      "connectTimeout", "readTimeout", "allowPlaintext", "oauth2");

  /** One mailbox of the file, resolved. */
  record Entry(String name, MailConnection connection, List<String> folders, Optional<Integer> maxConnections,
      Optional<RateLimit> rateLimit, Path state) {
    @Override
    public String toString() {
      return "Mailbox[" + name + "]";
    }
  }

  private Mailboxes() {}

  /**
   * @param file the mailboxes file
   * @param defaultState the --state file: a mailbox without {@code state} gets it with
   *     {@code -NAME} before the extension
   * @param env the environment, for {@code passwordEnv}
   */
  @SuppressWarnings("unchecked")
  static List<Entry> read(Path file, Path defaultState, Map<String, String> env) {
    Object root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readValue(LocalFiles.read(file, LocalFiles.MAX_CONFIG_BYTES,
          why -> new ConfigException("--mailboxes " + why + ": give a YAML file with a 'mailboxes:' list")), Object.class);
    } catch (IOException e) {
      throw new ConfigException("--mailboxes " + file + " cannot be read (" + (e instanceof
          com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage())
          + "): give a YAML file with a 'mailboxes:' list", e);
    }
    Object list = root instanceof Map<?, ?> m ? m.get("mailboxes") : root;
    if (!(list instanceof List<?> items) || items.isEmpty()) {
      throw new ConfigException("--mailboxes " + file + " has no 'mailboxes:' list: give at least one mailbox with "
          + "name, user, imap.host and passwordFile or passwordEnv");
    }
    List<Entry> out = new ArrayList<>();
    Map<String, String> accounts = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++) {
      String where = file.getFileName() + " mailboxes[" + i + "]";
      if (!(items.get(i) instanceof Map<?, ?> raw)) {
        throw new ConfigException(where + " is not a map: give name, user, imap.host, ... as keys");
      }
      Entry e = entry(where, (Map<String, Object>) raw, defaultState, env);
      for (Entry other : out) {
        if (other.name().equalsIgnoreCase(e.name())) {
          throw new ConfigException(where + " repeats the name '" + e.name() + "': give each mailbox its own name");
        }
      }
      Endpoint in = e.connection().requireInbound("watch");
      String account = in.auth().user().toLowerCase(Locale.ROOT) + "@" + in.host().toLowerCase(Locale.ROOT) + ":"
          + in.port();
      String before = accounts.putIfAbsent(account, e.name());
      if (before != null) {
        throw new ConfigException(where + " (" + e.name() + ") is the same account as '" + before + "' ("
            + in.auth().user() + " on " + in.address() + "): list each mailbox once and put all its folders in it");
      }
      out.add(e);
    }
    return out;
  }

  private static Entry entry(String where, Map<String, Object> raw, Path defaultState, Map<String, String> env) {
    Object nameValue = raw.get("name");
    if (nameValue == null || !NAME.matcher(nameValue.toString()).matches()) {
      throw new ConfigException(where + ".name " + (nameValue == null ? "is missing" : "'" + nameValue + "' is not "
          + "usable") + ": give a short name of letters, digits, '.', '_' or '-' (it names the state file)");
    }
    String name = nameValue.toString();
    String at = where + " (" + name + ")";
    for (String k : raw.keySet()) {
      if (k.equals("password") || k.equals("imap.password")) {
        throw new ConfigException(at + " has a password inline: passwords never go in this file; use passwordFile "
            + "(first line of a file) or passwordEnv (name of an environment variable)");
      }
      if (!WATCH_KEYS.contains(k) && !CONNECTION_KEYS.contains(k)) {
        throw new ConfigException(at + " has the unknown key '" + k + "': use " + String.join(", ",
            new java.util.TreeSet<>(union())));
      }
    }
    if (raw.get("imap") instanceof Map<?, ?> imap && imap.containsKey("password")) {
      throw new ConfigException(at + " has imap.password inline: use passwordFile or passwordEnv");
    }
    Map<String, String> values = new LinkedHashMap<>();
    flatten("", raw, values);
    WATCH_KEYS.forEach(values::remove);
    Object passwordEnv = raw.get("passwordEnv");
    if (passwordEnv != null) {
      if (raw.containsKey("passwordFile")) {
        throw new ConfigException(at + " has both passwordFile and passwordEnv: keep one");
      }
      String v = env.get(passwordEnv.toString());
      if (v == null || v.isEmpty()) {
        throw new ConfigException(at + ".passwordEnv: the environment variable " + passwordEnv + " is not set: "
            + "export it before starting watch, or use passwordFile");
      }
      values.put("password", v);
    }
    MailConnection connection = Settings.ofEntry(values, at, name).connection(true, false);
    List<String> folders = folders(at, raw.get("folders"));
    Optional<Integer> max = Optional.ofNullable(raw.get("maxConnections"))
        .map(v -> Settings.parseInt(at + ".maxConnections", v.toString()));
    Optional<RateLimit> rate = Optional.ofNullable(raw.get("rateLimit")).map(v -> rateLimit(at + ".rateLimit",
        v.toString()));
    Path state = Optional.ofNullable(raw.get("state")).map(v -> Settings.expand(v.toString()))
        .orElseGet(() -> stateFor(defaultState, name));
    return new Entry(name, connection, folders, max, rate, state);
  }

  /** Name and state file of each mailbox, without resolving logins (for {@code watch --status}). */
  static Map<String, Path> states(Path file, Path defaultState) {
    Map<String, Path> out = new LinkedHashMap<>();
    try {
      Object root = new ObjectMapper(new YAMLFactory()).readValue(LocalFiles.read(file, LocalFiles.MAX_CONFIG_BYTES,
          why -> new ConfigException("--mailboxes " + why + ": give a YAML file with a 'mailboxes:' list")), Object.class);
      Object list = root instanceof Map<?, ?> m ? m.get("mailboxes") : root;
      if (list instanceof List<?> items) {
        for (Object o : items) {
          if (o instanceof Map<?, ?> e && e.get("name") != null) {
            String name = e.get("name").toString();
            out.put(name, e.get("state") != null ? Settings.expand(e.get("state").toString())
                : stateFor(defaultState, name));
          }
        }
      }
    } catch (IOException e) {
      throw new ConfigException("--mailboxes " + file + " cannot be read (" + e.getMessage() + ")", e);
    }
    return out;
  }

  private static Set<String> union() {
    Set<String> all = new java.util.HashSet<>(WATCH_KEYS);
    all.addAll(CONNECTION_KEYS);
    return all;
  }

  private static List<String> folders(String at, Object v) {
    if (v == null) {
      return List.of("INBOX");
    }
    if (v instanceof List<?> l && !l.isEmpty()) {
      return l.stream().map(Object::toString).toList();
    }
    if (v instanceof String s && !s.isBlank()) {
      return List.of(s.split(",")).stream().map(String::strip).toList();
    }
    throw new ConfigException(at + ".folders is empty: give a list such as [INBOX, Invoices]");
  }

  /** Messages per second: a positive number such as 20 or 0.5. */
  static RateLimit rateLimit(String field, String v) {
    try {
      return RateLimit.messagesPerSecond(Double.parseDouble(v.strip()));
    } catch (NumberFormatException e) {
      throw new ConfigException(field + " '" + v + "' is not a number of messages per second, e.g. 20 or 0.5");
    }
  }

  /** {@code ./state.json} and {@code alice} give {@code ./state-alice.json}. */
  static Path stateFor(Path state, String name) {
    String f = state.getFileName().toString();
    int dot = f.lastIndexOf('.');
    String file = dot > 0 ? f.substring(0, dot) + "-" + name + f.substring(dot) : f + "-" + name;
    return state.resolveSibling(file);
  }

  @SuppressWarnings("unchecked")
  private static void flatten(String prefix, Map<String, Object> map, Map<String, String> out) {
    map.forEach((k, v) -> {
      if (v instanceof Map<?, ?> nested) {
        flatten(prefix + k + ".", (Map<String, Object>) nested, out);
      } else if (v != null && !(v instanceof List<?>)) {
        out.put(prefix + k, v.toString());
      }
    });
  }
}
