package io.mailbridge.cli;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.ServerLimits;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The bounds on what a server may send ({@link ServerLimits}) as the CLI takes them: {@code
 * --server-limit NAME=VALUE} (repeatable, both servers), or {@code limits.NAME} in a
 * {@code mailbridge.yaml} profile ({@code imap.limits.NAME}/{@code smtp.limits.NAME} for one
 * server). Sizes take KB, MB or GB.
 */
final class ServerLimitsSettings {
  /** The settable bounds, as {@link ServerLimits} names them. */
  static final List<String> NAMES = List.of("maxLineBytes", "maxLiteralBytes", "maxNesting", "maxFolderMessages",
      "minLiteralBytesPerSecond", "maxSmtpReplyBytes", "maxListEntries");

  private ServerLimitsSettings() {}

  /** The flag's NAME=VALUE pairs as settings keys ({@code limits.NAME}); an unknown NAME is an error naming the nearest. */
  static void putFlags(Map<String, String> flags, Map<String, String> limits) {
    if (limits == null) {
      return;
    }
    for (Map.Entry<String, String> e : limits.entrySet()) {
      String name = NAMES.stream().filter(n -> n.equalsIgnoreCase(e.getKey().strip())).findFirst()
          .orElseThrow(() -> new ConfigException("--server-limit '" + e.getKey() + "' is unknown: use one of "
              + String.join(", ", NAMES) + nearest(e.getKey()).map(n -> " (did you mean '" + n + "'?)").orElse("")));
      flags.put("limits." + name, e.getValue());
    }
  }

  /** The bounds for {@code role} (imap or smtp): the role's own keys first, then the shared ones, then the defaults. */
  static ServerLimits of(Function<String, Optional<String>> settings, String role) {
    ServerLimits l = ServerLimits.defaults();
    for (String name : NAMES) {
      String key = role + ".limits." + name;
      Optional<String> v = settings.apply(key);
      if (v.isEmpty()) {
        key = "limits." + name;
        v = settings.apply(key);
      }
      if (v.isPresent()) {
        l = with(l, name, key, v.get());
      }
    }
    return l;
  }

  private static ServerLimits with(ServerLimits l, String name, String key, String value) {
    long n = name.endsWith("Bytes") || name.endsWith("PerSecond") ? size(key, value) : count(key, value);
    return switch (name) {
      case "maxLineBytes" -> l.withMaxLineBytes(asInt(key, n));
      case "maxLiteralBytes" -> l.withMaxLiteralBytes(n);
      case "maxNesting" -> l.withMaxNesting(asInt(key, n));
      case "maxFolderMessages" -> l.withMaxFolderMessages(n);
      case "minLiteralBytesPerSecond" -> l.withMinLiteralBytesPerSecond(n);
      case "maxSmtpReplyBytes" -> l.withMaxSmtpReplyBytes(asInt(key, n));
      case "maxListEntries" -> l.withMaxListEntries(asInt(key, n));
      default -> throw new IllegalArgumentException(name);
    };
  }

  private static long size(String key, String value) {
    try {
      return LimitOptions.parseSize(key, value);
    } catch (io.mailbridge.BadInputException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }

  private static long count(String key, String value) {
    try {
      return Long.parseLong(value.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " '" + value + "' is not a number", e);
    }
  }

  private static int asInt(String key, long n) {
    if (n > Integer.MAX_VALUE) {
      throw new ConfigException(key + " " + n + " is above the largest allowed, " + Integer.MAX_VALUE);
    }
    return (int) n;
  }

  private static Optional<String> nearest(String name) {
    return ProfileKeys.nearest("limits." + name.strip()).filter(k -> k.startsWith("limits."))
        .map(k -> k.substring("limits.".length()));
  }

}
