package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.receive.Quarantine;
import io.mailbridge.receive.SizePolicy;
import org.junit.jupiter.api.Test;

class LimitOptionsTest {

  @Test
  void sizesTakeBinaryUnits() {
    assertThat(LimitOptions.parseSize("f", "25MB")).isEqualTo(25L << 20);
    assertThat(LimitOptions.parseSize("f", "512k")).isEqualTo(512L << 10);
    assertThat(LimitOptions.parseSize("f", "2 GiB")).isEqualTo(2L << 30);
    assertThat(LimitOptions.parseSize("f", "1048576")).isEqualTo(1 << 20);
  }

  @Test
  void badSizesNameTheFlag() {
    assertThatThrownBy(() -> LimitOptions.parseSize("--max-message-size", "lots")).isInstanceOf(BadInputException.class)
        .hasMessage("--max-message-size 'lots' is not a size: give bytes or a number with KB, MB or GB, e.g. 25MB");
    assertThatThrownBy(() -> LimitOptions.parseSize("--max-attachment-size", "0MB"))
        .isInstanceOf(BadInputException.class).hasMessage("--max-attachment-size '0MB' must be positive");
    assertThatThrownBy(() -> LimitOptions.parseSize("--max-message-size", "99999999999GB"))
        .isInstanceOf(BadInputException.class).hasMessage("--max-message-size '99999999999GB' is too large");
  }

  @Test
  void flagsBecomeSettings() {
    LimitOptions o = new LimitOptions();
    o.sizePolicy = "skip";
    o.maxAttempts = 3;
    assertThat(o.sizeLimits().active()).isFalse();
    assertThat(o.quarantine()).isEmpty();
    o.maxMessageSize = "25MB";
    o.sizePolicy = "reference";
    assertThat(o.sizeLimits().maxMessageBytes()).isEqualTo(25L << 20);
    assertThat(o.sizeLimits().maxAttachmentBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(o.sizeLimits().policy()).isEqualTo(SizePolicy.REFERENCE);
    o.quarantineKeyword = "$Poison";
    o.maxAttempts = 5;
    assertThat(o.quarantine()).hasValue(Quarantine.withKeyword("$Poison").maxAttempts(5));
    o.quarantineFolder = "Q";
    assertThatThrownBy(o::quarantine).isInstanceOf(BadInputException.class)
        .hasMessage("--quarantine-folder and --quarantine-keyword exclude each other: give one");
  }

  @Test
  void unknownPolicyIsBadInputThroughTheCommandLine() {
    Cli r = Cli.run("receive", "--imap-host", "127.0.0.1", "--user", "u", "--size-policy", "drop",
        "--max-message-size", "1MB");
    assertThat(r.exit()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("size policy 'drop' is unknown: use skip, fail or reference");
  }
}
