package io.mailbridge.send.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Differential: whether an address or file name is plain ASCII (SMTPUTF8, RFC 2047 names) is decided
 * as the JDK's US-ASCII encoder decides it, for any string, lone surrogates and controls included.
 */
class ValidationAsciiPropertiesTest {
  @Provide
  Arbitrary<String> strings() {
    Arbitrary<Character> mostlyAscii = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.chars().range((char) 0, (char) 0x7f)),
        net.jqwik.api.Tuple.of(1, Arbitraries.chars().range((char) 0x80, (char) 0xff)),
        net.jqwik.api.Tuple.of(1, Arbitraries.chars().range('\uD800', '\uDFFF')),
        net.jqwik.api.Tuple.of(1, Arbitraries.chars()));
    return mostlyAscii.list().ofMaxSize(40).map(cs -> {
      StringBuilder b = new StringBuilder();
      cs.forEach(b::append);
      return b.toString();
    });
  }

  @Property(tries = 2000)
  void decidesAsTheUsAsciiEncoder(@ForAll("strings") String s) {
    assertThat(Validation.isAscii(s)).isEqualTo(StandardCharsets.US_ASCII.newEncoder().canEncode(s));
  }
}
