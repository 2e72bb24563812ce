package io.mailbridge.search;

import io.mailbridge.BadInputException;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compiles a {@link Filter} to the arguments of an IMAP {@code UID SEARCH} (RFC 3501 6.4.4).
 * Strings go out as quoted strings, or as literals when they need UTF-8, in which case the search
 * starts with {@code CHARSET UTF-8}.
 */
public final class SearchCompiler {
  // RFC 3501 9: date = day "-" month "-" year, month names in English.
  private static final DateTimeFormatter IMAP_DATE = DateTimeFormatter.ofPattern("d-MMM-yyyy", Locale.ENGLISH);

  private SearchCompiler() {}

  /** The compiled search: whether CHARSET UTF-8 is needed, the keys, and the search as text. */
  public record Compiled(boolean utf8, List<SearchKey> keys, String display) {
    public Compiled {
      keys = List.copyOf(keys);
    }
  }

  public static Compiled compile(Filter filter) {
    boolean utf8 = needsUtf8(filter);
    List<SearchKey> args = new ArrayList<>();
    StringBuilder display = new StringBuilder();
    // At the top level the keys of an AND and a raw expression need no parentheses (RFC 3501 6.4.4: a list
    // of keys is their conjunction), and some servers (GreenMail) reject a parenthesized top-level key.
    writeTop(filter, args, display);
    return new Compiled(utf8, args, display.toString().strip());
  }

  /** A top-level key: an AND's members (nested ANDs too) and raw keys are written without parentheses. */
  private static void writeTop(Filter filter, List<SearchKey> args, StringBuilder display) {
    if (filter instanceof Filter.And and) {
      for (Filter x : and.filters()) {
        writeTop(x, args, display);
      }
    } else if (filter instanceof Filter.Raw raw) {
      args.add(atom(raw.imapSearch().strip()));
      display.append(' ').append(raw.imapSearch().strip());
    } else {
      write(filter, args, display);
    }
  }

  /** The search as a human-readable string (for logs and dry runs). */
  public static String toImap(Filter filter) {
    return compile(filter).display();
  }

  private static void write(Filter f, List<SearchKey> a, StringBuilder d) {
    if (f instanceof Filter.All) {
      a.add(atom("ALL"));
      d.append(" ALL");
    } else if (f instanceof Filter.Text t) {
      a.add(atom(t.key()));
      a.add(new SearchKey.Text(t.text(), true));
      d.append(' ').append(t.key()).append(' ').append(quote(t.text()));
    } else if (f instanceof Filter.Header h) {
      a.add(atom("HEADER"));
      a.add(new SearchKey.Text(h.name(), false));
      a.add(new SearchKey.Text(h.text(), true));
      d.append(" HEADER ").append(h.name()).append(' ').append(quote(h.text()));
    } else if (f instanceof Filter.Flag fl) {
      a.add(atom(fl.key()));
      d.append(' ').append(fl.key());
    } else if (f instanceof Filter.Keyword k) {
      a.add(atom(k.set() ? "KEYWORD" : "UNKEYWORD"));
      a.add(atom(k.keyword()));
      d.append(k.set() ? " KEYWORD " : " UNKEYWORD ").append(k.keyword());
    } else if (f instanceof Filter.Received r) {
      a.add(atom(r.key()));
      a.add(atom(IMAP_DATE.format(r.day())));
      d.append(' ').append(r.key()).append(' ').append(IMAP_DATE.format(r.day()));
    } else if (f instanceof Filter.Size s) {
      a.add(atom(s.key()));
      a.add(new SearchKey.Number(s.bytes()));
      d.append(' ').append(s.key()).append(' ').append(s.bytes());
    } else if (f instanceof Filter.And and) {
      // RFC 3501: a list of keys is their conjunction; parentheses keep it one key inside OR/NOT.
      List<SearchKey> inner = new ArrayList<>();
      StringBuilder id = new StringBuilder();
      for (Filter x : and.filters()) {
        write(x, inner, id);
      }
      a.add(new SearchKey.Group(inner));
      d.append(" (").append(id.toString().strip()).append(')');
    } else if (f instanceof Filter.Or or) {
      writeOr(or.filters(), 0, a, d);
    } else if (f instanceof Filter.Not not) {
      a.add(atom("NOT"));
      d.append(" NOT");
      write(not.filter(), a, d);
    } else if (f instanceof Filter.Raw raw) {
      a.add(new SearchKey.Group(List.of(atom(raw.imapSearch().strip()))));
      d.append(" (").append(raw.imapSearch().strip()).append(')');
    } else {
      throw new IllegalStateException("unknown filter " + f);
    }
  }

  // IMAP OR takes exactly two keys: OR a OR b c.
  private static void writeOr(List<Filter> fs, int i, List<SearchKey> a, StringBuilder d) {
    if (i == fs.size() - 1) {
      write(fs.get(i), a, d);
      return;
    }
    a.add(atom("OR"));
    d.append(" OR");
    write(fs.get(i), a, d);
    writeOr(fs, i + 1, a, d);
  }

  private static boolean needsUtf8(Filter f) {
    if (f instanceof Filter.Text t) {
      return !isAscii(t.text());
    }
    if (f instanceof Filter.Header h) {
      return !isAscii(h.text());
    }
    if (f instanceof Filter.And and) {
      return and.filters().stream().anyMatch(SearchCompiler::needsUtf8);
    }
    if (f instanceof Filter.Or or) {
      return or.filters().stream().anyMatch(SearchCompiler::needsUtf8);
    }
    if (f instanceof Filter.Not not) {
      return needsUtf8(not.filter());
    }
    if (f instanceof Filter.Raw raw) {
      return !isAscii(raw.imapSearch());
    }
    return false;
  }

  static void checkText(String field, String text) {
    if (text == null) {
      throw new BadInputException(field + " filter text is missing");
    }
    if (text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\0') >= 0) {
      throw new BadInputException(field + " filter text contains CR, LF or NUL: remove them");
    }
  }

  private static SearchKey atom(String atom) {
    return new SearchKey.Atom(atom);
  }

  private static boolean isAscii(String s) {
    return s.chars().allMatch(c -> c < 128);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
