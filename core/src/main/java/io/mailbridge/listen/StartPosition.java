package io.mailbridge.listen;

import io.mailbridge.BadInputException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;

/**
 * Where a folder without saved state starts. Only used on the very first start: afterwards the
 * saved watermark decides.
 */
public sealed interface StartPosition {

  /** Only messages arriving from now on (the default). */
  static StartPosition now() { return Now.INSTANCE; }

  /** Every message already in the folder, then new ones. */
  static StartPosition all() { return All.INSTANCE; }

  /** Messages received (INTERNALDATE) on or after {@code day}, then new ones. */
  static StartPosition since(LocalDate day) { return new Since(day); }

  /** Parses {@code now | all | YYYY-MM-DD} (the CLI's {@code --start}). */
  static StartPosition parse(String text) {
    String t = Objects.requireNonNullElse(text, "").strip().toLowerCase(Locale.ROOT);
    switch (t) {
      case "now", "" -> { return now(); }
      case "all" -> { return all(); }
      default -> {
        try {
          return since(LocalDate.parse(t));
        } catch (DateTimeParseException e) {
          throw new BadInputException("start position '" + text + "' is unknown: use now, all or a date YYYY-MM-DD", e);
        }
      }
    }
  }

  /** As {@link #parse} reads it: {@code now}, {@code all} or the day. */
  default String text() {
    if (this instanceof Since since) {
      return since.day().toString();
    }
    return this instanceof All ? "all" : "now";
  }

  /** From now. */
  enum Now implements StartPosition { INSTANCE }

  /** Everything. */
  enum All implements StartPosition { INSTANCE }

  /** From a day. */
  record Since(LocalDate day) implements StartPosition {
    public Since {
      Objects.requireNonNull(day, "day");
    }
  }
}
