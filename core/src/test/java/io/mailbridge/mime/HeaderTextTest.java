package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.james.mime4j.util.ByteArrayBuffer;
import org.junit.jupiter.api.Test;

class HeaderTextTest {
  private static String value(String field, int spare) {
    byte[] bytes = field.getBytes(StandardCharsets.ISO_8859_1);
    // a parser's buffer: longer than the field, with stale bytes after it
    byte[] backing = Arrays.copyOf(bytes, bytes.length + spare);
    Arrays.fill(backing, bytes.length, backing.length, (byte) 'x');
    List<String> warnings = new ArrayList<>();
    String v = HeaderText.value(new ByteArrayBuffer(backing, bytes.length, true), "Subject", warnings::add);
    assertThat(warnings).isEmpty();
    return v;
  }

  @Test
  void aSingleLineValueIsTrimmedAsStripWouldAndReadFromTheParsersBufferInPlace() {
    SplittableRandom random = new SplittableRandom(5322);
    String alphabet = "ab \t\u000B\f\u001C\u001F:;=?\"xyz";
    for (int i = 0; i < 5000; i++) {
      StringBuilder v = new StringBuilder();
      for (int k = random.nextInt(12); k > 0; k--) {
        v.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String field = "Subject:" + v;
      assertThat(value(field, random.nextInt(3) * 50)).as("[%s]", field).isEqualTo(v.toString().strip());
    }
  }

  @Test
  void foldedAndEightBitValuesKeepTheirRules() {
    assertThat(value("Subject: first\r\n second  ", 10)).isEqualTo("first second");
    assertThat(value("Subject:\t\r\n\tfolded", 0)).isEqualTo("folded");
    assertThat(value("Subject: caf\u00c3\u00a9 ", 7)).isEqualTo("café"); // UTF-8 bytes
    assertThat(value("Subject:", 5)).isEmpty();
  }

  /** What mime4j's parser gives, bypassing the shortcut. */
  private static List<String> parsed(String v, List<String> warnings) {
    List<String> out = new java.util.ArrayList<>();
    try {
      for (org.apache.james.mime4j.dom.address.Address a
          : org.apache.james.mime4j.field.address.LenientAddressParser.DEFAULT.parseAddressList(v)) {
        if (a instanceof org.apache.james.mime4j.dom.address.Mailbox m && m.getAddress() != null
            && !m.getAddress().isBlank() && m.getDomain() != null) {
          out.add(m.getAddress());
        } else if (!(a instanceof org.apache.james.mime4j.dom.address.Mailbox)) {
          warnings.add("group");
        }
      }
    } catch (RuntimeException e) {
      warnings.add(e.toString());
    }
    return out;
  }

  @Test
  void simpleAddressesAreWhatTheParserGives() {
    assertThat(Addresses.simpleAddress("bench@example.com")).isEqualTo("bench@example.com");
    assertThat(Addresses.simpleAddress("Bench Sender <bench@example.com>")).isEqualTo("bench@example.com");
    assertThat(Addresses.simpleAddress("\"Sender\" <bench@example.com>")).isNull();
    assertThat(Addresses.simpleAddress("a@b.c, d@e.f")).isNull();
    SplittableRandom random = new SplittableRandom(5322);
    String[] pieces = {"a", "Z", "0", "9", ".", "-", "_", "+", "@", " ", "<", ">", "\"", "(", ")", ",", ";", ":",
        "=?utf-8?q?x?=", "\\", "[", "]", "\u00e9", "ab", "example", "com"};
    String[] local = {"a", "Z", "0", "ab", "_", "+", "-", "bench", "x9"};
    String[] domain = {"a", "example", "com", "0", "-", "b-c", "EXAMPLE"};
    String[] phrase = {"Bench", " ", "Sender", ".", "-", "_", "J", "9", ""};
    int simple = 0;
    for (int i = 0; i < 200_000; i++) {
      StringBuilder addr = new StringBuilder();
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        addr.append(local[random.nextInt(local.length)]).append(k > 1 && random.nextInt(3) > 0 ? "." : "");
      }
      addr.append('@');
      for (int k = 1 + random.nextInt(3); k > 0; k--) {
        addr.append(domain[random.nextInt(domain.length)]).append(k > 1 ? "." : "");
      }
      StringBuilder v = new StringBuilder();
      if (random.nextBoolean()) {
        for (int k = random.nextInt(4); k > 0; k--) {
          v.append(phrase[random.nextInt(phrase.length)]);
        }
        v.append('<').append(addr).append('>');
        if (random.nextInt(4) == 0) {
          v.append(' ');
        }
      } else {
        v.append(addr);
      }
      if (random.nextInt(3) == 0) { // a piece of anything anywhere
        v.insert(random.nextInt(v.length() + 1), pieces[random.nextInt(pieces.length)]);
      }
      String value = v.toString();
      String fast = Addresses.simpleAddress(value);
      if (fast != null) {
        simple++;
        List<String> warnings = new java.util.ArrayList<>();
        assertThat(parsed(value, warnings)).as("'%s'", value).containsExactly(fast);
        assertThat(warnings).as("'%s'", value).isEmpty();
      }
    }
    assertThat(simple).as("values the shortcut took").isGreaterThan(10_000);
  }
}
