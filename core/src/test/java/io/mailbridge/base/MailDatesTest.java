package io.mailbridge.base;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MailDatesTest {
  private static final DateTimeFormatter IMAP = DateTimeFormatter.ofPattern("d-MMM-yyyy HH:mm:ss Z", Locale.ENGLISH);

  @Test
  void internalDatesAreReadByPositionExactlyAsTheGeneralFormatterReadsThem() {
    for (String t : List.of("24-Nov-2026 19:37:14 +0000", "1-Jan-2027 00:00:00 -0130", "9-Feb-2024 23:59:59 +1400",
        "31-Dec-1999 12:00:00 +0530", "29-Feb-2024 01:02:03 -0800", "15-May-2026 07:08:09 +0200")) {
      OffsetDateTime expected = ZonedDateTime.parse(t, IMAP).toInstant().atOffset(ZoneOffset.UTC);
      assertThat(MailDates.internalDate(t)).as(t).isEqualTo(expected);
    }
  }

  @Test
  void otherShapesOfInternalDateAreLeftToTheGeneralFormatter() {
    for (String t : List.of("", "24-Nov-2026", "24-nov-2026 19:37:14 +0000", "24-Xyz-2026 19:37:14 +0000",
        "24-ovN-2026 19:37:14 +0000", "31-Nov-2026 19:37:14 +0000", "24-Nov-2026 19:37:14 0000",
        "24-Nov-2026T19:37:14 +0000", "aa-Nov-2026 19:37:14 +0000", "124-Nov-2026 19:37:14 +0000")) {
      assertThat(MailDates.internalDate(t)).as(t).isNull();
    }
  }

  @Test
  void dateHeadersAreReadAsTheRfc1123FormatterReadsThem() {
    for (String v : List.of("Tue, 24 Nov 2026 10:00:00 +0000", "24 Nov 2026 10:00:00 +0000",
        "Tue, 1 Dec 2026 23:59:59 -0130", "wed, 02 DEC 2026 00:00 +1400", "Mon, 29 Feb 2016 12:34:56 +0530",
        "Fri, 31 Dec 1999 23:59:60 +0000".replace(":60", ":59"), "1 Jan 2027 00:00 -0000")) {
      assertThat(MailDates.rfc5322(v)).as(v).isEqualTo(OffsetDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
    }
  }

  @Test
  void randomDateHeadersAgreeWithTheFormatterInBothSpellings() {
    Random random = new Random(5322);
    for (int i = 0; i < 20_000; i++) {
      ZoneOffset zone = ZoneOffset.ofTotalSeconds((random.nextInt(28 * 4 + 1) - 56) * 15 * 60);
      OffsetDateTime t = OffsetDateTime.of(1970 + random.nextInt(130), 1 + random.nextInt(12), 1, random.nextInt(24),
          random.nextInt(60), random.nextInt(60), 0, zone);
      t = t.withDayOfMonth(1 + random.nextInt(t.toLocalDate().lengthOfMonth()));
      String v = DateTimeFormatter.RFC_1123_DATE_TIME.format(t).replace("GMT", "+0000");
      if (random.nextBoolean()) {
        v = v.substring(5); // without the day of the week
      }
      assertThat(MailDates.rfc5322(v)).as(v).isEqualTo(OffsetDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
    }
  }

  @Test
  void everySpellingOfAnOffsetIsReadAsTheFormattersReadIt() {
    // The random dates above have offsets in quarter hours; here every +hhmm and -hhmm, including
    // the odd minutes and those java.time refuses (minutes over 59, beyond 18:00).
    for (char sign : new char[] {'+', '-'}) {
      for (int hhmm = 0; hhmm <= 9999; hhmm++) {
        String v = String.format(Locale.ROOT, "Tue, 24 Nov 2026 10:00:00 %c%04d", sign, hhmm);
        OffsetDateTime expected;
        try {
          expected = OffsetDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        } catch (DateTimeParseException refused) {
          expected = null;
        }
        assertThat(MailDates.rfc5322(v)).as(v).isEqualTo(expected);
        String internal = String.format(Locale.ROOT, "24-Nov-2026 10:00:00 %c%04d", sign, hhmm);
        assertThat(MailDates.internalDate(internal)).as(internal)
            .isEqualTo(expected == null ? null : expected.withOffsetSameInstant(ZoneOffset.UTC));
      }
    }
  }

  @Test
  void otherShapesAndInvalidDatesAreLeftToTheFormatter() {
    for (String v : List.of("", "Tue, 24 Nov 2026", "Tue, 24 Nov 2026 10:00:00 GMT", "Tue, 24 Nov 26 10:00:00 +0000",
        "Wed, 24 Nov 2026 10:00:00 +0000", // 24 Nov 2026 is a Tuesday
        "Tue, 31 Nov 2026 10:00:00 +0000", "Tue, 24 Xyz 2026 10:00:00 +0000", "Tue 24 Nov 2026 10:00:00 +0000",
        "Tue, 24 Nov 2026 24:00:00 +0000", "Tue, 24 Nov 2026 10:00:00 0000", "Tue, 24 Nov 2026 10:00:00 +00",
        "Tue, 124 Nov 2026 10:00:00 +0000", "Tue, 24 Nov 2026 10:00:00 +0000 (UTC)", "Tue, 24 Nov 2026 1:00:00 +0000",
        "Tue, 24 Nov 2026 10:00:00 +1900")) {
      assertThat(MailDates.rfc5322(v)).as(v).isNull();
    }
  }
}
