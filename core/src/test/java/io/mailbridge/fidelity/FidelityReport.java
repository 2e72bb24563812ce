package io.mailbridge.fidelity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Compares Mailbridge's view of each message with the reference's, field by field; counts agreement,
 * applies the listed deliberate differences, prints the table and writes what differs for inspection.
 *
 * <p>Goals: at least {@value #GOAL} agreement on each field (a listed deliberate difference counts
 * as agreed), no message skipped that the reference reads, no address differing without a listed
 * reason, and no stale entry in the list (each listed difference must still occur).
 */
public final class FidelityReport {
  /** The agreement each field must reach. */
  public static final double GOAL = 0.99;
  private static final Set<String> ADDRESS_FIELDS = Set.of("fromAddress", "toAddress", "cc");

  /** One line of the deliberate differences file. */
  public record Listed(String message, String field, String reason) {}

  private final String title;
  private final Map<String, Listed> listed = new LinkedHashMap<>();
  private final Set<String> listedSeen = new LinkedHashSet<>();
  private final Map<String, int[]> counts = new LinkedHashMap<>();
  private final Map<String, List<String>> differences = new TreeMap<>();
  private final Map<String, byte[]> differingBytes = new TreeMap<>();
  private final List<String> skipped = new ArrayList<>();
  private final List<String> unreadable = new ArrayList<>();
  private int messages;

  /** @param deliberate the tab-separated file {@code message field reason}; {@code #} starts a comment */
  public FidelityReport(String title, Path deliberate) {
    this.title = title;
    for (String f : View.FIELDS.keySet()) {
      counts.put(f, new int[3]); // agreed, listed, differing
    }
    try {
      for (String line : Files.readAllLines(deliberate, StandardCharsets.UTF_8)) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] cols = line.split("\t", 3);
        if (cols.length < 3 || cols[2].isBlank() || !View.FIELDS.containsKey(cols[1])) {
          throw new IllegalArgumentException(deliberate + ": a line needs 'message<TAB>field<TAB>reason' with a field"
              + " of " + View.FIELDS.keySet() + ": " + line);
        }
        listed.put(cols[0] + "\t" + cols[1], new Listed(cols[0], cols[1], cols[2]));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The reference could not read the message: it is not counted. */
  public synchronized void unreadable(String message, String why) {
    unreadable.add(message + ": " + why);
  }

  /** Mailbridge skipped a message the reference reads. */
  public synchronized void skipped(String message, String why) {
    messages++;
    skipped.add(message + ": " + why);
  }

  /** Compares one message's two views. */
  public synchronized void compare(String message, byte[] raw, View expected, View actual) {
    messages++;
    for (Map.Entry<String, java.util.function.Function<View, Object>> f : View.FIELDS.entrySet()) {
      Object want = f.getValue().apply(expected);
      Object got = f.getValue().apply(actual);
      int[] c = counts.get(f.getKey());
      String key = message + "\t" + f.getKey();
      if (Objects.equals(want, got)) {
        c[0]++;
      } else if (listed.containsKey(key)) {
        c[1]++;
        listedSeen.add(key);
      } else {
        c[2]++;
        differences.computeIfAbsent(message, k -> new ArrayList<>())
            .add(f.getKey() + "\n  reference: " + want + "\n  mailbridge: " + got);
        differingBytes.put(message, raw);
      }
    }
  }

  /** The agreement table: per field, agreed (exactly), listed deliberate differences, differing. */
  public synchronized String table() {
    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "%n%s: %d messages compared, %d skipped by Mailbridge, %d unreadable for the"
        + " reference%n", title, messages - skipped.size(), skipped.size(), unreadable.size()));
    b.append(String.format(Locale.ROOT, "%-18s %8s %8s %8s %9s %9s%n", "field", "agreed", "listed", "differ",
        "exact", "goal-rate"));
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      int[] c = e.getValue();
      int n = Math.max(1, messages);
      b.append(String.format(Locale.ROOT, "%-18s %8d %8d %8d %8.2f%% %8.2f%%%n", e.getKey(), c[0], c[1], c[2],
          100.0 * c[0] / n, 100.0 * (c[0] + c[1]) / n));
    }
    return b.toString();
  }

  /** What breaks the goals, one line each; empty when all are met. */
  public synchronized List<String> goalFailures() {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, int[]> e : counts.entrySet()) {
      int[] c = e.getValue();
      double rate = messages == 0 ? 0 : (double) (c[0] + c[1]) / messages;
      if (rate < GOAL) {
        out.add(String.format(Locale.ROOT, "%s: %.2f%% agreement, goal %.0f%%", e.getKey(), 100 * rate, 100 * GOAL));
      }
    }
    for (String s : skipped) {
      out.add("skipped although the reference reads it: " + s);
    }
    differences.forEach((message, diffs) -> diffs.stream()
        .filter(d -> ADDRESS_FIELDS.contains(d.substring(0, d.indexOf('\n'))))
        .forEach(d -> out.add("address differs without a listed reason: " + message + " " + d)));
    for (Map.Entry<String, Listed> e : listed.entrySet()) {
      if (!listedSeen.contains(e.getKey())) {
        out.add("stale deliberate difference (it no longer occurs, remove the line): " + e.getValue().message() + " "
            + e.getValue().field());
      }
    }
    return out;
  }

  /**
   * Writes {@code differences.txt} (every unlisted difference), {@code differences.tsv} (lines in
   * the deliberate differences format, reason to fill in), {@code skipped.txt}, {@code unreadable.txt}
   * and a copy of each differing message under {@code dir}.
   */
  public synchronized void writeTo(Path dir) {
    try {
      Files.createDirectories(dir.resolve("messages"));
      StringBuilder txt = new StringBuilder(table()).append('\n');
      StringBuilder tsv = new StringBuilder();
      differences.forEach((message, diffs) -> {
        txt.append(message).append('\n');
        diffs.forEach(d -> txt.append("  ").append(d.replace("\n", "\n  ")).append('\n'));
        diffs.forEach(d -> tsv.append(message).append('\t').append(d, 0, d.indexOf('\n')).append("\tTODO\n"));
      });
      Files.writeString(dir.resolve("differences.txt"), txt);
      Files.writeString(dir.resolve("differences.tsv"), tsv);
      Files.write(dir.resolve("skipped.txt"), skipped);
      Files.write(dir.resolve("unreadable.txt"), unreadable);
      for (Map.Entry<String, byte[]> e : differingBytes.entrySet()) {
        Files.write(dir.resolve("messages").resolve(e.getKey().replace('/', '_')), e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Number of messages compared or skipped. */
  public synchronized int messages() {
    return messages;
  }
}
