package io.mailbridge.cli;

import io.mailbridge.document.TrackedProperties;
import io.mailbridge.journal.JournalRecord;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;

/** The journal for people: one row per record, local time, what happened in words. */
final class ReportTable {
  private static final int SUBJECT_WIDTH = 32;

  private ReportTable() {}

  static void print(PrintWriter out, List<JournalRecord> records) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TIME", "OPERATION", "OUTCOME", "MESSAGE-ID", "SUBJECT", "WHAT"});
    for (JournalRecord r : records) {
      rows.add(new String[] {TrackedProperties.DISPLAY_DATE.format(r.time().atZone(ZoneId.systemDefault())),
          r.operation(), r.outcome(), r.property("messageId").orElse("-"),
          cut(r.property("subject").orElse(""), SUBJECT_WIDTH), what(r)});
    }
    int[] width = new int[rows.get(0).length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length - 1; i++) {
        width[i] = Math.max(width[i], row[i].codePointCount(0, row[i].length()));
      }
    }
    for (String[] row : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < row.length; i++) {
        b.append(row[i]);
        if (i < row.length - 1) {
          b.append(" ".repeat(width[i] - row[i].codePointCount(0, row[i].length()) + 2));
        }
      }
      out.println(b.toString().stripTrailing());
    }
    if (records.isEmpty()) {
      out.println("(no records match)");
    }
  }

  /** "received from INBOX, 2 attachment(s) in the cache at /srv/cache: k1, k2", "moved INBOX -> Archive"... */
  static String what(JournalRecord r) {
    String folder = r.property("folder").orElse("?");
    String fromFolder = r.property("fromFolder").orElse(folder);
    StringBuilder b = new StringBuilder();
    switch (r.operation()) {
      case "receive", "watch" -> {
        b.append(r.outcome()).append(" from ").append(folder);
        r.property("uid").ifPresent(u -> b.append(" (UID ").append(u).append(')'));
        if (!r.cacheKeys().isEmpty()) {
          b.append(", ").append(r.cacheKeys().size()).append(" attachment(s) in the cache");
          r.cacheDir().ifPresent(d -> b.append(" at ").append(d));
          b.append(": ").append(String.join(", ", r.cacheKeys()));
        } else {
          r.property("attachmentsCount").filter(n -> !n.equals("0"))
              .ifPresent(n -> b.append(", ").append(n).append(" attachment(s), not stored"));
        }
      }
      case "send" -> {
        b.append(r.outcome()).append(" to ").append(r.property("toAddress").orElse("-"));
        r.property("fileName").ifPresent(f -> b.append(", attachments ").append(f));
      }
      case "move", "copy" -> b.append(r.outcome()).append(' ').append(fromFolder).append(" -> ").append(folder)
          .append(r.property("uid").map(u -> " (UID " + u + ")").orElse(""));
      default -> b.append(r.outcome()).append(" in ").append(fromFolder)
          .append(r.property("uid").map(u -> " (UID " + u + ")").orElse(""));
    }
    r.reason().ifPresent(x -> b.append(": ").append(x));
    return b.toString();
  }

  private static String cut(String s, int max) {
    return s.codePointCount(0, s.length()) <= max ? s : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
  }
}
