package io.mailbridge.search;

import io.mailbridge.BadInputException;
import java.time.LocalDate;
import java.util.List;
import java.util.Objects;

/**
 * Which messages an operation selects. Every filter here is executed by the server as part of one
 * {@code UID SEARCH} (RFC 3501 6.4.4); nothing is filtered locally.
 *
 * <pre>{@code
 * Filter f = Filter.and(Filter.unseen(), Filter.from("invoices@example.com"),
 *     Filter.subject("Invoice"), Filter.receivedSince(LocalDate.of(2026, 11, 1)));
 * }</pre>
 *
 * <p>Date semantics are IMAP's, on the server's INTERNALDATE and ignoring time and zone (RFC 3501):
 * {@code receivedSince(d)} is "on or after day d", {@code receivedBefore(d)} is "strictly before
 * day d", {@code receivedOn(d)} is "during day d", and {@code receivedBetween(a, b)} includes both
 * days (SINCE a BEFORE b+1).
 */
public sealed interface Filter {

  /** Every message. */
  static Filter all() { return All.INSTANCE; }

  /** Subject contains {@code text} (case-insensitive substring, server-side). */
  static Filter subject(String text) { return new Text("SUBJECT", text); }

  /** From header contains {@code text}. */
  static Filter from(String text) { return new Text("FROM", text); }

  /** To header contains {@code text}. */
  static Filter to(String text) { return new Text("TO", text); }

  /** Cc header contains {@code text}. */
  static Filter cc(String text) { return new Text("CC", text); }

  /** Body text contains {@code text}. */
  static Filter body(String text) { return new Text("BODY", text); }

  /** Header {@code name} contains {@code text} (empty text: the header exists). */
  static Filter header(String name, String text) { return new Header(name, text); }

  /** Read (\Seen set). */
  static Filter seen() { return new Flag("SEEN"); }

  /** Unread. */
  static Filter unseen() { return new Flag("UNSEEN"); }

  /** \Flagged set. */
  static Filter flagged() { return new Flag("FLAGGED"); }

  /** \Flagged not set. */
  static Filter unflagged() { return new Flag("UNFLAGGED"); }

  /** Custom keyword set. */
  static Filter keyword(String keyword) { return new Keyword(keyword, true); }

  /** Custom keyword not set. */
  static Filter noKeyword(String keyword) { return new Keyword(keyword, false); }

  /** Received (INTERNALDATE) on or after {@code day}. */
  static Filter receivedSince(LocalDate day) { return new Received("SINCE", day); }

  /** Received strictly before {@code day}. */
  static Filter receivedBefore(LocalDate day) { return new Received("BEFORE", day); }

  /** Received during {@code day}. */
  static Filter receivedOn(LocalDate day) { return new Received("ON", day); }

  /** Received from {@code first} to {@code last}, both days included. */
  static Filter receivedBetween(LocalDate first, LocalDate last) {
    if (last.isBefore(first)) {
      throw new BadInputException("received date range " + first + " .. " + last + " is empty: the first day must "
          + "not be after the last");
    }
    return and(receivedSince(first), receivedBefore(last.plusDays(1)));
  }

  /** RFC822.SIZE larger than {@code bytes}. */
  static Filter largerThan(long bytes) { return new Size("LARGER", bytes); }

  /** RFC822.SIZE smaller than {@code bytes}. */
  static Filter smallerThan(long bytes) { return new Size("SMALLER", bytes); }

  /** Message-ID header equals (contains) {@code messageId}; angle brackets optional. */
  static Filter messageId(String messageId) {
    String id = messageId.strip();
    return header("Message-ID", id.startsWith("<") ? id : "<" + id + ">");
  }

  /** All of them. */
  static Filter and(Filter... filters) { return new And(List.of(filters)); }

  /** All of them. */
  static Filter and(List<Filter> filters) { return new And(filters); }

  /** Any of them. */
  static Filter or(Filter... filters) { return new Or(List.of(filters)); }

  /** Not this one. */
  static Filter not(Filter filter) { return new Not(filter); }

  /**
   * An IMAP search expression written by an expert, passed to the server verbatim, e.g.
   * {@code "OR FROM alice FROM bob NOT DELETED"}. Validated for line breaks only.
   */
  static Filter raw(String imapSearch) { return new Raw(imapSearch); }

  /** Every message. */
  enum All implements Filter { INSTANCE }

  /** SUBJECT / FROM / TO / CC / BODY contains. */
  record Text(String key, String text) implements Filter {
    public Text {
      SearchCompiler.checkText(key.toLowerCase(java.util.Locale.ROOT), text);
    }
  }

  /** HEADER name text. */
  record Header(String name, String text) implements Filter {
    public Header {
      Objects.requireNonNull(name, "header name");
      if (!name.matches("[!-9;-~]+")) {
        throw new BadInputException("header name '" + name + "' is not a valid field name: use printable ASCII "
            + "without spaces or ':'");
      }
      SearchCompiler.checkText("header " + name, text == null ? "" : text);
      text = text == null ? "" : text;
    }
  }

  /** A system flag state. */
  record Flag(String key) implements Filter {}

  /** A custom keyword, set or not. */
  record Keyword(String keyword, boolean set) implements Filter {
    public Keyword {
      if (keyword == null || !keyword.matches("[!#-'*-\\[\\]-z|~^_`]+")) {
        throw new BadInputException("keyword '" + keyword + "' is not an IMAP atom: use letters, digits and -_.$");
      }
    }
  }

  /** SINCE / BEFORE / ON a day. */
  record Received(String key, LocalDate day) implements Filter {
    public Received {
      Objects.requireNonNull(day, "day");
    }
  }

  /** LARGER / SMALLER. */
  record Size(String key, long bytes) implements Filter {
    public Size {
      if (bytes < 0) {
        throw new BadInputException("size " + bytes + " must not be negative");
      }
    }
  }

  /** Conjunction. */
  record And(List<Filter> filters) implements Filter {
    public And {
      filters = List.copyOf(filters);
      if (filters.isEmpty()) {
        throw new BadInputException("and() needs at least one filter");
      }
    }
  }

  /** Disjunction. */
  record Or(List<Filter> filters) implements Filter {
    public Or {
      filters = List.copyOf(filters);
      if (filters.size() < 2) {
        throw new BadInputException("or() needs at least two filters");
      }
    }
  }

  /** Negation. */
  record Not(Filter filter) implements Filter {
    public Not {
      Objects.requireNonNull(filter, "filter");
    }
  }

  /** Expert search string. */
  record Raw(String imapSearch) implements Filter {
    public Raw {
      if (imapSearch == null || imapSearch.isBlank()) {
        throw new BadInputException("raw IMAP search is empty: give search keys, e.g. 'UNSEEN FROM alice'");
      }
      if (imapSearch.indexOf('\r') >= 0 || imapSearch.indexOf('\n') >= 0) {
        throw new BadInputException("raw IMAP search contains a line break: that would inject a command; remove CR/LF");
      }
      if (!imapSearch.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        // It goes out verbatim as part of the command line, where Angus writes chars as single
        // bytes: non-ASCII text would be mangled (and RFC 3501 needs a literal for 8-bit strings).
        throw new BadInputException("raw IMAP search contains non-ASCII or control characters: use the typed "
            + "filters (subject, from, header...) for such text, they are sent as UTF-8 literals");
      }
    }
  }
}
