package io.mailbridge.kafka;

import static io.mailbridge.kafka.ImapSourceConfig.DEFAULT_MAILBOX;
import static io.mailbridge.kafka.ImapSourceConfig.IMAP_USER;
import static io.mailbridge.kafka.ImapSourceConfig.MAILBOXES;
import static io.mailbridge.kafka.ImapSourceConfig.MAILBOX_PREFIX;
import static io.mailbridge.kafka.ImapSourceConfig.MAX_CONNECTIONS;
import static io.mailbridge.kafka.ImapSourceConfig.POST_ACTION;
import static io.mailbridge.kafka.ImapSourceConfig.TASK_MAILBOXES;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Secret;
import io.mailbridge.kafka.internal.SourceMailbox;
import io.mailbridge.kafka.internal.SourceSettings;
import io.mailbridge.receive.PostAction;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The mailboxes of an IMAP source configuration: the top-level one and those named in
 * {@code mailboxes}, each with its own {@code mailbox.<name>.*} keys. Errors about a further mailbox
 * start with {@code mailboxes} so connector validation shows them on that key.
 */
final class SourceMailboxes {
  private static final Set<String> MAILBOX_KEYS = Set.of("imap.user", "imap.password",
      "imap.host", "imap.port", "folders", "max.connections");
  private static final Pattern MAILBOX_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private SourceMailboxes() {}

  /**
   * Every mailbox this configuration reads (the top-level one, named {@value ImapSourceConfig#DEFAULT_MAILBOX}, then
   * those of {@code mailboxes}), each with its own login and folders and the shared rules; in a
   * task's configuration only the mailboxes and folders given to that task. Errors about a further
   * mailbox start with {@code mailboxes} so connector validation shows them on that key.
   */
  static List<SourceMailbox> of(ImapSourceConfig config, SourceSettings first) {
    List<SourceMailbox> out = new ArrayList<>();
    out.add(new SourceMailbox(DEFAULT_MAILBOX, first,
        Optional.ofNullable(config.getInt(MAX_CONNECTIONS))));
    Map<String, Object> raw = config.originals();
    List<String> names = new ArrayList<>();
    for (String n : config.getList(MAILBOXES)) {
      String name = n.strip();
      if (name.isEmpty()) {
        continue;
      }
      if (!MAILBOX_NAME.matcher(name).matches() || name.equalsIgnoreCase(DEFAULT_MAILBOX)) {
        throw new ConfigException(MAILBOXES + " names '" + name + "': use letters, digits, '_' or '-' (at most 64), "
            + "and not '" + DEFAULT_MAILBOX + "' (the mailbox of " + IMAP_USER + ")");
      }
      if (names.stream().anyMatch(name::equalsIgnoreCase)) {
        throw new ConfigException(MAILBOXES + " lists '" + name + "' twice: give each mailbox once");
      }
      names.add(name);
    }
    for (String key : raw.keySet()) {
      if (key.startsWith(MAILBOX_PREFIX)) {
        String rest = key.substring(MAILBOX_PREFIX.length());
        int dot = rest.indexOf('.');
        String name = dot < 0 ? rest : rest.substring(0, dot);
        if (!names.contains(name)) {
          throw new ConfigException(MAILBOXES + " does not name '" + name + "', yet " + key + " is set: add '" + name
              + "' to " + MAILBOXES + " or remove the key");
        }
        if (dot < 0 || !MAILBOX_KEYS.contains(rest.substring(dot + 1))) {
          throw new ConfigException(MAILBOXES + " entry '" + name + "': " + key + " is not a mailbox key: use "
              + MAILBOX_PREFIX + name + ".{" + String.join(",", new TreeSet<>(MAILBOX_KEYS)) + "}");
        }
      }
    }
    Map<String, String> accounts = new HashMap<>();
    accounts.put(first.mailbox().toLowerCase(Locale.ROOT), DEFAULT_MAILBOX);
    for (String name : names) {
      SourceMailbox m = mailbox(config, name, first, raw);
      String before = accounts.putIfAbsent(m.settings().mailbox().toLowerCase(Locale.ROOT), name);
      if (before != null) {
        throw new ConfigException(MAILBOXES + " entry '" + name + "' is the same account as '" + before + "' ("
            + m.settings().mailbox() + "): read each mailbox once, with all its folders");
      }
      out.add(m);
    }
    Object only = raw.get(TASK_MAILBOXES);
    if (only == null) {
      return out;
    }
    List<String> mine = List.of(only.toString().split(","));
    return out.stream().filter(m -> mine.contains(m.name())).toList();
  }

  private static SourceMailbox mailbox(ImapSourceConfig config, String name, SourceSettings first,
      Map<String, Object> raw) {
    String p = MAILBOX_PREFIX + name + ".";
    String at = MAILBOXES + " entry '" + name + "': ";
    String user = text(raw.get(p + "imap.user"));
    if (user.isEmpty()) {
      throw new ConfigException(at + p + "imap.user is missing: give the login of this mailbox");
    }
    String password = raw.get(p + "imap.password") instanceof Password pw ? pw.value()
        : text(raw.get(p + "imap.password"));
    if (password.isEmpty()) {
      throw new ConfigException(at + p + "imap.password is missing for " + user + ": give the password (e.g. with a "
          + "config provider ${file:...})");
    }
    List<String> folders = first.folders();
    String fs = text(raw.get(p + "folders"));
    if (!fs.isEmpty()) {
      folders = folderList(p + "folders", List.of(fs.split(",")));
    }
    if (first.postAction() instanceof PostAction.Move mv && folders.contains(mv.folder())) {
      throw new ConfigException(at + POST_ACTION + "=move:" + mv.folder() + " moves into a folder this mailbox reads ("
          + p + "folders): choose a target outside its folders");
    }
    Optional<Integer> max = Optional.ofNullable(number(at, p + "max.connections", raw.get(p + "max.connections"), 1000));
    Optional<Integer> maxConnections = max.or(() -> Optional.ofNullable(config.getInt(MAX_CONNECTIONS)));
    try {
      Endpoint.Builder e = first.imap().toBuilder().auth(Auth.basic(user, Secret.of(password)));
      String host = text(raw.get(p + "imap.host"));
      if (!host.isEmpty()) {
        e.host(host);
      }
      Integer port = number(at, p + "imap.port", raw.get(p + "imap.port"), 65535);
      if (port != null) {
        e.port(port);
      }
      SourceSettings s = new SourceSettings(e.build(), folders, first.topic(), first.pollInterval(), first.batchSize(),
          first.start(), first.uidValidityPolicy(), first.postAction(), first.attachments(), first.inlineMaxBytes(),
          first.cacheDir(), first.receive(), first.heartbeatTopic(), first.attachmentsTopic());
      return new SourceMailbox(name, s, maxConnections);
    } catch (io.mailbridge.ConfigException ex) {
      throw new ConfigException(at + ex.getMessage().replace("inbound.", p + "imap."));
    }
  }

  private static String text(Object v) {
    return v == null ? "" : (v instanceof Password pw ? pw.value() : v.toString()).strip();
  }

  private static Integer number(String at, String key, Object v, int max) {
    String t = text(v);
    if (t.isEmpty()) {
      return null;
    }
    try {
      int n = Integer.parseInt(t);
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new ConfigException(at + key + " '" + t + "' is not a number in 1-" + max);
  }

  /** Folder names stripped, without empties; control characters and duplicates refused. */
  static List<String> folderList(String key, List<String> values) {
    List<String> out = new ArrayList<>();
    for (String f : values) {
      String s = f.strip();
      if (s.isEmpty()) {
        continue;
      }
      if (s.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
        throw new ConfigException(key + " contains a folder name with a control character: remove it");
      }
      if (out.contains(s)) {
        throw new ConfigException(key + " lists '" + s + "' twice: give each folder once");
      }
      out.add(s);
    }
    if (out.isEmpty()) {
      throw new ConfigException(key + " is empty: give at least one folder, e.g. INBOX");
    }
    return out;
  }
}
