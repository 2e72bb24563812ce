package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.receive.DeadLetter;
import io.mailbridge.receive.Quarantine;
import io.mailbridge.receive.SizeLimits;
import io.mailbridge.receive.SizePolicy;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * Size-limit and quarantine flags shared by {@code receive} and {@code watch}. Sizes take a unit:
 * {@code 25MB} = 25 MiB; {@code KB}/{@code K}/{@code KiB}, {@code MB}/{@code M}/{@code MiB},
 * {@code GB}/{@code G}/{@code GiB} are powers of 1024, a bare number is bytes.
 */
public final class LimitOptions {
  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?");

  @Option(names = "--max-message-size", paramLabel = "SIZE",
      description = "Largest message downloaded, e.g. 25MB (default: no limit). Decided from the server's size "
          + "before the download.")
  String maxMessageSize;

  @Option(names = "--max-attachment-size", paramLabel = "SIZE",
      description = "Largest attachment stored, e.g. 10MB (default: no limit). Decided from BODYSTRUCTURE before "
          + "the download.")
  String maxAttachmentSize;

  @Option(names = "--size-policy", paramLabel = "POLICY", defaultValue = "skip",
      description = "Over a size limit: skip (leave it on the server, report on stderr) | fail (stop with an "
          + "error) | reference (print the document with the oversized attachments listed, not stored) "
          + "(default: ${DEFAULT-VALUE}).")
  String sizePolicy;

  @Option(names = "--quarantine-folder", paramLabel = "FOLDER",
      description = "Move unparseable messages, and messages refused --max-attempts times, to FOLDER (created "
          + "when missing) and print a dead letter (default: no quarantine).")
  String quarantineFolder;

  @Option(names = "--quarantine-keyword", paramLabel = "KEYWORD",
      description = "Like --quarantine-folder but set the IMAP keyword KEYWORD (e.g. $Quarantined) and leave the "
          + "message in place.")
  String quarantineKeyword;

  @Option(names = "--max-attempts", paramLabel = "N", defaultValue = "3",
      description = "With a quarantine: refusals before a message is quarantined (default: ${DEFAULT-VALUE}).")
  int maxAttempts;

  /** The size limits asked for, or none. */
  SizeLimits sizeLimits() {
    SizePolicy policy = SizePolicy.parse(sizePolicy);
    if (maxMessageSize == null && maxAttachmentSize == null) {
      return SizeLimits.none();
    }
    return SizeLimits.of(maxMessageSize == null ? Long.MAX_VALUE : parseSize("--max-message-size", maxMessageSize),
        maxAttachmentSize == null ? Long.MAX_VALUE : parseSize("--max-attachment-size", maxAttachmentSize), policy);
  }

  /** The quarantine asked for, if any. */
  Optional<Quarantine> quarantine() {
    if (quarantineFolder != null && quarantineKeyword != null) {
      throw new BadInputException("--quarantine-folder and --quarantine-keyword exclude each other: give one");
    }
    if (maxAttempts < 1) {
      throw new BadInputException("--max-attempts " + maxAttempts + " must be at least 1");
    }
    if (quarantineFolder != null) {
      return Optional.of(Quarantine.toFolder(quarantineFolder).maxAttempts(maxAttempts));
    }
    if (quarantineKeyword != null) {
      return Optional.of(Quarantine.withKeyword(quarantineKeyword).maxAttempts(maxAttempts));
    }
    return Optional.empty();
  }

  /** {@code 25MB}, {@code 512k}, {@code 1048576} -> bytes; units are powers of 1024. */
  static long parseSize(String flag, String text) {
    Matcher m = SIZE.matcher(text == null ? "" : text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new BadInputException(flag + " '" + text + "' is not a size: give bytes or a number with KB, MB or GB, "
          + "e.g. 25MB");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new BadInputException(flag + " '" + text + "' is too large", e);
    }
    String unit = m.group(2) == null ? "b" : m.group(2);
    int shift = switch (unit.charAt(0)) {
      case 'k' -> 10;
      case 'm' -> 20;
      case 'g' -> 30;
      default -> 0;
    };
    if (n < 1) {
      throw new BadInputException(flag + " '" + text + "' must be positive");
    }
    if (Long.numberOfLeadingZeros(n) <= shift) {
      throw new BadInputException(flag + " '" + text + "' is too large");
    }
    return n << shift;
  }

  /** The JSON line of a dead letter: {@code "type":"dead-letter"} tells it apart from documents. */
  static Map<String, Object> view(DeadLetter d) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", "dead-letter");
    m.put("status", "quarantined");
    m.put("key", d.key());
    m.put("folder", d.folder());
    m.put("uidValidity", d.uidValidity());
    m.put("uid", d.uid());
    m.put("size", d.size());
    m.put("kind", d.kind().name().toLowerCase(Locale.ROOT));
    m.put("reason", d.reason());
    m.put("attempts", d.attempts());
    m.put("quarantine", d.quarantine());
    m.put("emlPath", d.eml().toString());
    return m;
  }
}
