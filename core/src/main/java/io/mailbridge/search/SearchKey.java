package io.mailbridge.search;

import java.util.List;

/**
 * One item of a compiled {@code UID SEARCH} (RFC 3501 6.4.4), as the IMAP layer writes it on the
 * wire: the search layer decides what is said, the IMAP layer how it is sent (quoted or as a
 * literal, with which client library), so no protocol library's type shows in this API.
 */
public sealed interface SearchKey {
  /** A search key or its atom argument ({@code SUBJECT}, {@code 1-Jan-2026}), sent as is. */
  record Atom(String atom) implements SearchKey {}

  /** A string argument: quoted, or a literal when it needs it; {@code utf8} for text, else ASCII. */
  record Text(String text, boolean utf8) implements SearchKey {}

  /** A number argument ({@code LARGER 1024}). */
  record Number(long value) implements SearchKey {}

  /** Keys in parentheses: one key made of several (their conjunction). */
  record Group(List<SearchKey> keys) implements SearchKey {
    public Group {
      keys = List.copyOf(keys);
    }
  }
}
