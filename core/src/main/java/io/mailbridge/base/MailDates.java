package io.mailbridge.base;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The two dates every received message carries, read by position in the shape servers and mail
 * programs actually write them: IMAP's INTERNALDATE ({@code 24-Nov-2026 19:37:14 +0100}, RFC 3501 9)
 * and the Date header ({@code Tue, 24 Nov 2026 19:37:14 +0100}, RFC 5322 3.3). Both are read once
 * per message, and the general {@code DateTimeFormatter} cost more than the rest of a message's
 * metadata together (a sixth of the parse in a profile). Anything of another shape, or not a valid
 * date, gives null: the caller's formatter then decides, so what is accepted and rejected stays the
 * formatter's.
 */
public final class MailDates {
  private static final String MONTHS = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  /** INTERNALDATE's month names as RFC 3501 writes them (its formatter is case-sensitive too). */
  private static final String IMAP_MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  private static final String DAYS = "MONTUEWEDTHUFRISATSUN";

  private MailDates() {}

  /** {@code d-MMM-yyyy HH:mm:ss Z} (day of 1 or 2 digits), in UTC; null for another shape. */
  public static OffsetDateTime internalDate(String t) {
    int d = t.indexOf('-');
    if (d < 1 || d > 2 || t.length() != d + 24 || t.charAt(d + 4) != '-' || t.charAt(d + 9) != ' ') {
      return null;
    }
    int day = digits(t, 0, d);
    int m = index(IMAP_MONTHS, t, d + 1, false);
    int month = m < 0 ? -1 : m / 3 + 1;
    int year = digits(t, d + 5, d + 9);
    if (day < 0 || month < 0 || year < 0) {
      return null;
    }
    OffsetDateTime local = timeAndZone(t, d + 10, year, month, day);
    return local == null ? null : local.withOffsetSameInstant(ZoneOffset.UTC);
  }

  /**
   * {@code [Www, ]d MMM yyyy HH:mm[:ss] +hhmm} with its own offset, as {@code
   * DateTimeFormatter.RFC_1123_DATE_TIME} reads it; null for another shape (a zone name such as
   * GMT, a two-digit year), an invalid date or a day of the week that does not match.
   */
  public static OffsetDateTime rfc5322(String v) {
    int i = 0;
    int dow = -1;
    if (v.length() > 5 && v.charAt(3) == ',') {
      dow = index(DAYS, v, 0, true);
      if (dow < 0 || v.charAt(4) != ' ') {
        return null;
      }
      i = 5;
    }
    int sp = v.indexOf(' ', i);
    if (sp - i < 1 || sp - i > 2) {
      return null;
    }
    int day = digits(v, i, sp);
    i = sp + 1;
    // "MMM yyyy " then the time: "HH:mm +hhmm" (11) or "HH:mm:ss +hhmm" (14)
    int rest = v.length() - (i + 9);
    if (day < 0 || (rest != 11 && rest != 14) || v.charAt(i + 3) != ' ' || v.charAt(i + 8) != ' ') {
      return null;
    }
    int month = month(v, i);
    int year = digits(v, i + 4, i + 8);
    if (month < 0 || year < 0) {
      return null;
    }
    OffsetDateTime t;
    if (rest == 14) {
      t = timeAndZone(v, i + 9, year, month, day);
    } else {
      String withSeconds = v.substring(i + 9, i + 14) + ":00" + v.substring(i + 14);
      t = timeAndZone(withSeconds, 0, year, month, day);
    }
    if (t == null || (dow >= 0 && t.getDayOfWeek() != DayOfWeek.of(dow / 3 + 1))) {
      return null;
    }
    return t;
  }

  /** {@code HH:mm:ss +hhmm} at {@code i} (to the end of {@code s}), with the date given. */
  private static OffsetDateTime timeAndZone(String s, int i, int year, int month, int day) {
    if (s.length() != i + 14 || s.charAt(i + 2) != ':' || s.charAt(i + 5) != ':' || s.charAt(i + 8) != ' ') {
      return null;
    }
    int hour = digits(s, i, i + 2);
    int minute = digits(s, i + 3, i + 5);
    int second = digits(s, i + 6, i + 8);
    char sign = s.charAt(i + 9);
    int zh = digits(s, i + 10, i + 12);
    int zm = digits(s, i + 12, i + 14);
    if (hour < 0 || minute < 0 || second < 0 || zh < 0 || zm < 0 || (sign != '+' && sign != '-')) {
      return null;
    }
    try {
      ZoneOffset zone = sign == '-' ? ZoneOffset.ofHoursMinutes(-zh, -zm) : ZoneOffset.ofHoursMinutes(zh, zm);
      return OffsetDateTime.of(year, month, day, hour, minute, second, 0, zone);
    } catch (DateTimeException e) {
      return null; // a day 31 in November, an hour 24...: the formatter decides
    }
  }

  /** 1-12 for the English month abbreviation at {@code i} (any case), else -1. */
  private static int month(String s, int i) {
    int m = index(MONTHS, s, i, true);
    return m < 0 ? -1 : m / 3 + 1;
  }

  /** Where the three letters at {@code i} of {@code s} start in {@code table}, else -1. */
  private static int index(String table, String s, int i, boolean ignoreCase) {
    if (s.length() < i + 3) {
      return -1;
    }
    char a = ignoreCase ? Ascii.upper(s.charAt(i)) : s.charAt(i);
    char b = ignoreCase ? Ascii.upper(s.charAt(i + 1)) : s.charAt(i + 1);
    char c = ignoreCase ? Ascii.upper(s.charAt(i + 2)) : s.charAt(i + 2);
    for (int k = 0; k < table.length(); k += 3) {
      if (table.charAt(k) == a && table.charAt(k + 1) == b && table.charAt(k + 2) == c) {
        return k;
      }
    }
    return -1;
  }

  /** The decimal number in {@code s[from, to)}, or -1 when it is not all ASCII digits. */
  private static int digits(String s, int from, int to) {
    int n = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
