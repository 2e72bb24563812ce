package io.mailbridge.imap;

import io.mailbridge.search.UidSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code COPYUID} response code (RFC 4315 3): {@code [COPYUID uidvalidity source-set dest-set]},
 * sent with the tagged OK of UID COPY, or in an untagged OK before the expunges of UID MOVE
 * (RFC 6851 4.3). The two sets list corresponding UIDs in the same order.
 */
public record CopyUid(long uidValidity, List<Long> source, List<Long> target) {
  private static final Pattern CODE = Pattern.compile(
      "\\[COPYUID\\s+(\\d+)\\s+([0-9:,]+)\\s+([0-9:,]+)\\]", Pattern.CASE_INSENSITIVE);

  public CopyUid {
    source = List.copyOf(source);
    target = List.copyOf(target);
  }

  /** Source UID to target UID. */
  public Map<Long, Long> mapping() {
    Map<Long, Long> out = new LinkedHashMap<>();
    for (int i = 0; i < source.size(); i++) {
      out.put(source.get(i), target.get(i));
    }
    return out;
  }

  /** Finds a COPYUID code in a response line; empty when absent or malformed (sets of unequal size). */
  public static Optional<CopyUid> find(String responseLine) {
    return find(responseLine, UidSet.MAX_SERVER_UIDS);
  }

  /** {@link #find(String)}; a set of more than {@code maxUids} UIDs counts as malformed and is not expanded. */
  public static Optional<CopyUid> find(String responseLine, long maxUids) {
    if (responseLine == null) {
      return Optional.empty();
    }
    Matcher m = CODE.matcher(responseLine);
    if (!m.find()) {
      return Optional.empty();
    }
    try {
      long validity = Long.parseLong(m.group(1));
      List<Long> src = UidSet.expand(m.group(2), maxUids);
      List<Long> dst = UidSet.expand(m.group(3), maxUids);
      if (src.size() != dst.size()) {
        return Optional.empty();
      }
      return Optional.of(new CopyUid(validity, src, dst));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
