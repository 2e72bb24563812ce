package io.mailbridge.base;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Plain values (strings, ints, longs, booleans, lists, and maps with string keys) written straight
 * into a generator, byte for byte as a Jackson {@code ObjectMapper} writes them: the mapper finds a
 * serializer for every map, list and value by its class, which costs a short command more than
 * writing a record's or a line's few fields, and one whose values are all plain never builds a
 * mapper at all. The CLI's JSON lines and the journal's records both go this way.
 */
public final class PlainJson {
  private PlainJson() {}

  /** Writes a value that is not plain (the caller's mapper), as part of what {@link #write} writes. */
  @FunctionalInterface
  public interface Other {
    void write(JsonGenerator json, Object value) throws IOException;
  }

  /** Whether {@code value} is plain all through: {@link #write} then never needs its {@link Other}. */
  public static boolean plain(Object value) {
    if (value == null || value instanceof String || value instanceof Integer || value instanceof Long
        || value instanceof Boolean) {
      return true;
    }
    if (value instanceof List<?> list) {
      for (Object o : list) {
        if (!plain(o)) {
          return false;
        }
      }
      return true;
    }
    if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String) || !plain(e.getValue())) {
          return false;
        }
      }
      return true;
    }
    return false;
  }

  /**
   * Writes {@code value}; anything in it that is not plain goes to {@code other}. A map's entries
   * whose value is null are written when {@code nullEntries}, else left out (as a mapper set to
   * {@code NON_ABSENT} does).
   */
  public static void write(JsonGenerator json, Object value, boolean nullEntries, Other other) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof String s) {
      json.writeString(s);
    } else if (value instanceof Integer i) {
      json.writeNumber(i);
    } else if (value instanceof Long l) {
      json.writeNumber(l);
    } else if (value instanceof Boolean b) {
      json.writeBoolean(b);
    } else if (value instanceof List<?> list) {
      json.writeStartArray();
      for (Object o : list) {
        write(json, o, nullEntries, other);
      }
      json.writeEndArray();
    } else if (value instanceof Map<?, ?> map && stringKeys(map)) {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (nullEntries || e.getValue() != null) {
          json.writeFieldName((String) e.getKey());
          write(json, e.getValue(), nullEntries, other);
        }
      }
      json.writeEndObject();
    } else {
      other.write(json, value);
    }
  }

  /** A loop, not a stream: this runs for every map of every line and record, mostly in cold code. */
  private static boolean stringKeys(Map<?, ?> map) {
    for (Object key : map.keySet()) {
      if (!(key instanceof String)) {
        return false;
      }
    }
    return true;
  }
}
