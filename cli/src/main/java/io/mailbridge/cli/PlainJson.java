package io.mailbridge.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes a line made of plain values (strings, ints, longs, booleans, lists, and maps with string
 * keys) straight into a generator, byte for byte as {@link Json#mapper()} writes it: the mapper finds
 * a serializer for every map, list and value by its class, which costs a cold run more than
 * writing the few fields of a line, and a command whose lines are all plain never builds the mapper
 * at all. Anything else (an Optional, a date, a record) goes through the mapper as a whole line.
 */
final class PlainJson {
  private PlainJson() {}

  /** Whether {@link #write} writes {@code value} as the mapper would. */
  static boolean plain(Object value) {
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

  /** Writes a value {@link #plain} accepted. */
  static void write(JsonGenerator json, Object value) throws IOException {
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
        write(json, o);
      }
      json.writeEndArray();
    } else {
      json.writeStartObject();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        if (e.getValue() != null) { // a map's null values are left out, as the mapper's NON_ABSENT does
          json.writeFieldName((String) e.getKey());
          write(json, e.getValue());
        }
      }
      json.writeEndObject();
    }
  }
}
