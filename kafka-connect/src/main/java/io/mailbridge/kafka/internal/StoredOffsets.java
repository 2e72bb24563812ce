package io.mailbridge.kafka.internal;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * Reads the committed offsets of a task's folders, under the partition's fixed key order and, for
 * deployments that committed under the other order (earlier versions used a map whose order varied
 * between JVMs), under that one too.
 *
 * <p>Both keys can hold an offset when a folder moved between workers before: the fixed order wins
 * unless both name the same UIDVALIDITY, where the higher UID wins. Each was committed only after
 * every record up to it was acknowledged, so the higher one is safe and publishes nothing twice.
 */
public final class StoredOffsets {
  private StoredOffsets() {}

  /** The committed offset of each partition that has one (partitions as {@link SourceRecords#partition}). */
  public static Map<Map<String, String>, Map<String, Object>> read(OffsetStorageReader reader,
      List<Map<String, String>> partitions) {
    Map<Map<String, String>, Map<String, Object>> out = new HashMap<>();
    // Two calls: the reader answers in a map keyed by partition, and both orders are equal maps.
    Map<Map<String, String>, Map<String, Object>> fixed = reader.offsets(partitions);
    Map<Map<String, String>, Map<String, Object>> other = reader.offsets(
        partitions.stream().map(SourceRecords::otherOrder).toList());
    for (Map<String, String> p : partitions) {
      Map<String, Object> chosen = choose(fixed == null ? null : fixed.get(p), other == null ? null : other.get(p));
      if (chosen != null) {
        out.put(p, chosen);
      }
    }
    return out;
  }

  static Map<String, Object> choose(Map<String, Object> fixed, Map<String, Object> other) {
    if (fixed == null || other == null) {
      return fixed != null ? fixed : other;
    }
    if (number(fixed, "uidvalidity") == number(other, "uidvalidity")
        && number(other, "uid") > number(fixed, "uid")) {
      return other;
    }
    return fixed;
  }

  private static long number(Map<String, Object> offset, String key) {
    Object v = offset.get(key);
    return v instanceof Number n ? n.longValue() : -1;
  }
}
