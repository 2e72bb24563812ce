package io.mailbridge.search;

import io.mailbridge.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** IMAP UID sets ({@code 1:500,502,510:700}, RFC 3501 9 "sequence-set"): parse and compress. */
public final class UidSet {
  /** The most UIDs {@link #expand} builds from one set a server sent: no folder holds more. */
  public static final long MAX_SERVER_UIDS = 10_000_000;

  private UidSet() {}

  /** Compresses UIDs into ranges, sorted and without duplicates. */
  public static String format(Iterable<Long> uids) {
    // UIDs from a search or a batch come ascending already: then no sorted copy is needed.
    Iterable<Long> sorted = uids instanceof List<Long> list && strictlyAscending(list) ? list : sortedCopy(uids);
    StringBuilder out = new StringBuilder();
    Long start = null;
    Long prev = null;
    for (long u : sorted) {
      if (start == null) {
        start = u;
      } else if (u != prev + 1) {
        append(out, start, prev);
        start = u;
      }
      prev = u;
    }
    if (start != null) {
      append(out, start, prev);
    }
    return out.toString();
  }

  private static boolean strictlyAscending(List<Long> uids) {
    long prev = Long.MIN_VALUE;
    for (Long u : uids) {
      if (u == null || u <= prev) {
        return false;
      }
      prev = u;
    }
    return true;
  }

  private static TreeSet<Long> sortedCopy(Iterable<Long> uids) {
    TreeSet<Long> sorted = new TreeSet<>();
    uids.forEach(sorted::add);
    return sorted;
  }

  /** Splits UIDs into chunks of at most {@code max} UIDs, each formatted as a set. */
  public static List<String> chunks(List<Long> uids, int max) {
    TreeSet<Long> sorted = new TreeSet<>(uids);
    List<String> out = new ArrayList<>();
    List<Long> chunk = new ArrayList<>(max);
    for (long u : sorted) {
      chunk.add(u);
      if (chunk.size() == max) {
        out.add(format(chunk));
        chunk.clear();
      }
    }
    if (!chunk.isEmpty()) {
      out.add(format(chunk));
    }
    return out;
  }

  /**
   * Splits UIDs into as few sets as possible, each at most {@code maxChars} long: a contiguous
   * folder is one set ({@code 1:10000}) whatever its size, a sparse selection is cut where its set
   * would pass the limit (servers bound the command line; Dovecot at 64 KiB).
   */
  public static List<String> chunksByLength(List<Long> uids, int maxChars) {
    List<Long> sorted = strictlyAscending(uids) ? uids : new ArrayList<>(sortedCopy(uids));
    List<String> out = new ArrayList<>();
    StringBuilder set = new StringBuilder();
    int i = 0;
    while (i < sorted.size()) {
      long start = sorted.get(i);
      long end = start;
      while (i + 1 < sorted.size() && sorted.get(i + 1) == end + 1) {
        end = sorted.get(++i);
      }
      i++;
      int len = (set.length() > 0 ? 1 : 0) + Long.toString(start).length()
          + (end == start ? 0 : 1 + Long.toString(end).length());
      if (set.length() > 0 && set.length() + len > maxChars) {
        out.add(set.toString());
        set.setLength(0);
      }
      append(set, start, end);
    }
    if (set.length() > 0) {
      out.add(set.toString());
    }
    return out;
  }

  /** Parses {@code 12,15:40}; {@code *} is not accepted (it means "the last UID", never a selection). */
  public static List<Long> parse(String set) {
    if (set == null || set.isBlank()) {
      throw new BadInputException("UID set is empty: give UIDs like 12,15:40");
    }
    TreeSet<Long> out = new TreeSet<>();
    for (String part : set.strip().split(",")) {
      String[] range = part.strip().split(":");
      try {
        if (range.length == 1) {
          out.add(positive(Long.parseLong(range[0].strip())));
        } else if (range.length == 2) {
          long a = positive(Long.parseLong(range[0].strip()));
          long b = positive(Long.parseLong(range[1].strip()));
          if (Math.abs(b - a) > 10_000_000) {
            throw new BadInputException("UID range " + part + " is too large (over 10 million UIDs)");
          }
          for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
            out.add(u);
          }
        } else {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw new BadInputException("UID set '" + set + "' is invalid at '" + part + "': use numbers and ranges like 12,15:40");
      }
    }
    return new ArrayList<>(out);
  }

  /**
   * Expands a UID set from a server's answer (COPYUID, ESEARCH), keeping its order: RFC 4315 pairs
   * the source and target sets of COPYUID by position. A range is listed ascending ({@code n:m} is
   * the same set as {@code m:n}, RFC 3501 9). Throws {@link NumberFormatException} for anything else
   * than numbers, ranges and commas, and when the set holds more than {@code maxUids} UIDs (a
   * hostile {@code 1:4294967295} is not expanded).
   */
  public static List<Long> expand(String set, long maxUids) {
    List<Long> out = new ArrayList<>();
    int start = 0;
    while (start <= set.length()) {
      int comma = set.indexOf(',', start);
      int end = comma < 0 ? set.length() : comma;
      if (end == start) {
        throw new NumberFormatException("empty element in " + set);
      }
      int colon = set.indexOf(':', start);
      if (colon < 0 || colon > end) {
        out.add(Long.parseLong(set, start, end, 10));
      } else {
        long a = Long.parseLong(set, start, colon, 10);
        long b = Long.parseLong(set, colon + 1, end, 10);
        if (Math.abs(b - a) + 1 + out.size() > maxUids) {
          throw new NumberFormatException("more than " + maxUids + " UIDs at " + set.substring(start, end));
        }
        for (long u = Math.min(a, b); u <= Math.max(a, b); u++) {
          out.add(u);
        }
      }
      if (out.size() > maxUids) {
        throw new NumberFormatException("more than " + maxUids + " UIDs in " + set);
      }
      start = end + 1;
    }
    return out;
  }

  private static long positive(long uid) {
    if (uid < 1 || uid > 4294967295L) {
      throw new BadInputException("UID " + uid + " is out of range 1-4294967295");
    }
    return uid;
  }

  private static void append(StringBuilder out, long start, long end) {
    if (out.length() > 0) {
      out.append(',');
    }
    out.append(start);
    if (end != start) {
      out.append(':').append(end);
    }
  }
}
