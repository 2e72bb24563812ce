package io.mailbridge.kafka;

import org.apache.kafka.common.config.ConfigDef;

/** A port range that also accepts "unset" (the default by security). */
final class OptionalRange implements ConfigDef.Validator {
  private final ConfigDef.Range range;
  private final String text;

  OptionalRange(int min, int max) {
    this.range = ConfigDef.Range.between(min, max);
    this.text = "unset or " + range;
  }

  @Override
  public void ensureValid(String name, Object value) {
    if (value != null) {
      range.ensureValid(name, value);
    }
  }

  @Override
  public String toString() {
    return text;
  }
}
