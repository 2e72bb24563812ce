package io.mailbridge.cli;

import io.mailbridge.search.Filter;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Message filter flags shared by every command that selects messages ({@code move}, {@code flag},
 * {@code delete}, {@code receive}). All given flags must match (AND); the server evaluates them in
 * one {@code UID SEARCH}. Sender and recipient are {@code --from-address}/{@code --to-address}
 * because {@code move} uses {@code --from}/{@code --to} for folders.
 */
public final class FilterOptions {
  @Option(names = "--subject", paramLabel = "TEXT", description = "Subject contains TEXT (case-insensitive).")
  String subject;

  @Option(names = "--from-address", paramLabel = "TEXT", description = "From header contains TEXT.")
  String fromAddress;

  @Option(names = "--to-address", paramLabel = "TEXT", description = "To header contains TEXT.")
  String toAddress;

  @Option(names = "--cc-address", paramLabel = "TEXT", description = "Cc header contains TEXT.")
  String ccAddress;

  @Option(names = "--body", paramLabel = "TEXT", description = "Body contains TEXT.")
  String body;

  @Option(names = "--header", paramLabel = "NAME:TEXT", description = "Header NAME contains TEXT (repeatable).")
  List<String> headers = new ArrayList<>();

  @Option(names = "--unread", description = "Only unread messages (no \\Seen).")
  boolean unread;

  @Option(names = "--read", description = "Only read messages (\\Seen).")
  boolean read;

  @Option(names = "--flagged", description = "Only messages flagged \\Flagged.")
  boolean flagged;

  @Option(names = "--unflagged", description = "Only messages without \\Flagged.")
  boolean unflagged;

  @Option(names = "--keyword", paramLabel = "KEYWORD", description = "Only messages with this keyword (repeatable).")
  List<String> keywords = new ArrayList<>();

  @Option(names = "--no-keyword", paramLabel = "KEYWORD", description = "Only messages without this keyword (repeatable).")
  List<String> noKeywords = new ArrayList<>();

  @Option(names = "--since", paramLabel = "YYYY-MM-DD", description = "Received on or after this day (server date).")
  LocalDate since;

  @Option(names = "--before", paramLabel = "YYYY-MM-DD", description = "Received strictly before this day.")
  LocalDate before;

  @Option(names = "--on", paramLabel = "YYYY-MM-DD", description = "Received during this day.")
  LocalDate on;

  @Option(names = "--larger", paramLabel = "BYTES", description = "Larger than BYTES.")
  Long larger;

  @Option(names = "--smaller", paramLabel = "BYTES", description = "Smaller than BYTES.")
  Long smaller;

  @Option(names = "--search", paramLabel = "IMAP", description = "Raw IMAP search keys, e.g. 'OR FROM a FROM b' (experts).")
  String search;

  /** The conjunction of the given flags; empty when none was given. */
  public Optional<Filter> filter() {
    List<Filter> all = new ArrayList<>();
    if (subject != null) {
      all.add(Filter.subject(subject));
    }
    if (fromAddress != null) {
      all.add(Filter.from(fromAddress));
    }
    if (toAddress != null) {
      all.add(Filter.to(toAddress));
    }
    if (ccAddress != null) {
      all.add(Filter.cc(ccAddress));
    }
    if (body != null) {
      all.add(Filter.body(body));
    }
    for (String h : headers) {
      int colon = h.indexOf(':');
      if (colon < 1) {
        throw new io.mailbridge.BadInputException("--header '" + h + "' needs the form NAME:TEXT, e.g. X-Ticket:1234");
      }
      all.add(Filter.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip()));
    }
    if (unread && read) {
      throw new io.mailbridge.BadInputException("--read and --unread exclude each other: give one");
    }
    if (flagged && unflagged) {
      throw new io.mailbridge.BadInputException("--flagged and --unflagged exclude each other: give one");
    }
    if (unread) {
      all.add(Filter.unseen());
    }
    if (read) {
      all.add(Filter.seen());
    }
    if (flagged) {
      all.add(Filter.flagged());
    }
    if (unflagged) {
      all.add(Filter.unflagged());
    }
    keywords.forEach(k -> all.add(Filter.keyword(k)));
    noKeywords.forEach(k -> all.add(Filter.noKeyword(k)));
    if (since != null) {
      all.add(Filter.receivedSince(since));
    }
    if (before != null) {
      all.add(Filter.receivedBefore(before));
    }
    if (on != null) {
      all.add(Filter.receivedOn(on));
    }
    if (larger != null) {
      all.add(Filter.largerThan(larger));
    }
    if (smaller != null) {
      all.add(Filter.smallerThan(smaller));
    }
    if (search != null) {
      all.add(Filter.raw(search));
    }
    if (all.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(all.size() == 1 ? all.get(0) : Filter.and(all));
  }
}
