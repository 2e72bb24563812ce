package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.listen.ListenerSettings;
import org.junit.jupiter.api.Test;

/** Validation of size limits and quarantine settings: each rule names the field and the fix. */
class LimitsSettingsTest {

  @Test
  void sizeLimitsMustBePositive() {
    assertThatThrownBy(() -> SizeLimits.of(0, 10, SizePolicy.SKIP)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sizeLimits.maxMessageBytes 0 must be positive");
    assertThatThrownBy(() -> SizeLimits.of(10, -5, SizePolicy.SKIP)).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sizeLimits.maxAttachmentBytes -5 must be positive");
    assertThatThrownBy(() -> SizeLimits.of(10, 10, null)).isInstanceOf(NullPointerException.class)
        .hasMessage("sizeLimits.policy");
  }

  @Test
  void noLimitsByDefault() {
    ReceiveSettings s = ReceiveSettings.builder().build();
    assertThat(s.sizeLimits()).isEqualTo(SizeLimits.none());
    assertThat(s.sizeLimits().active()).isFalse();
    assertThat(s.quarantine()).isEmpty();
    assertThat(SizeLimits.of(Long.MAX_VALUE, 100, SizePolicy.FAIL).limitsAttachments()).isTrue();
    assertThat(SizeLimits.of(100, Long.MAX_VALUE, SizePolicy.FAIL).messageTooLarge(101)).isTrue();
    assertThat(SizeLimits.of(100, Long.MAX_VALUE, SizePolicy.FAIL).messageTooLarge(100)).isFalse();
  }

  @Test
  void sizePolicyParsesItsThreeNamesAndRejectsOthers() {
    assertThat(SizePolicy.parse(" Reference ")).isEqualTo(SizePolicy.REFERENCE);
    assertThat(SizePolicy.parse("skip")).isEqualTo(SizePolicy.SKIP);
    assertThatThrownBy(() -> SizePolicy.parse("drop")).isInstanceOf(BadInputException.class)
        .hasMessage("size policy 'drop' is unknown: use skip, fail or reference");
  }

  @Test
  void quarantineChecksFolderKeywordAndAttempts() {
    assertThat(Quarantine.toFolder("Quarantine").maxAttempts()).isEqualTo(3);
    assertThat(Quarantine.withKeyword("$Poison").describe()).isEqualTo("keyword:$Poison");
    assertThatThrownBy(() -> Quarantine.toFolder("")).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("quarantine.folder is missing");
    assertThatThrownBy(() -> Quarantine.toFolder("Bad*")).isInstanceOf(BadInputException.class)
        .hasMessageStartingWith("quarantine.folder 'Bad*' contains '*'");
    assertThatThrownBy(() -> Quarantine.withKeyword("two words")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("quarantine.keyword 'two words' is not an IMAP keyword");
    assertThatThrownBy(() -> Quarantine.withKeyword("\\Seen")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("quarantine.keyword '\\Seen' is not an IMAP keyword");
    assertThatThrownBy(() -> Quarantine.withKeyword("")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("quarantine.keyword is empty");
    assertThatThrownBy(() -> Quarantine.toFolder("Q").maxAttempts(0)).isInstanceOf(ConfigException.class)
        .hasMessage("quarantine.maxAttempts 0 is out of range 1-1000");
  }

  @Test
  void quarantineFolderCannotBeTheFolderRead() {
    assertThatThrownBy(() -> ReceiveSettings.builder().folder("INBOX").quarantine(Quarantine.toFolder("INBOX"))
        .build()).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("receive.quarantine folder 'INBOX' is the folder being read");
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX", "Orders")
        .quarantine(Quarantine.toFolder("Orders")).build()).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("listener.quarantine folder 'Orders' is a watched folder");
    // a keyword quarantine stays in the folder read, by design
    assertThat(ReceiveSettings.builder().quarantine(Quarantine.withKeyword("$Q")).build().quarantine()).isPresent();
  }

  @Test
  void settingsKeepLimitsThroughToBuilder() {
    ReceiveSettings s = ReceiveSettings.builder().sizeLimits(SizeLimits.of(5, 6, SizePolicy.REFERENCE))
        .quarantine(Quarantine.toFolder("Q")).build();
    assertThat(s.toBuilder().build()).isEqualTo(s);
    ListenerSettings l = ListenerSettings.builder().folders("INBOX").sizeLimits(SizeLimits.of(5, 6, SizePolicy.FAIL))
        .quarantine(Quarantine.withKeyword("$Q").maxAttempts(7)).build();
    assertThat(l.toBuilder().build()).isEqualTo(l);
  }
}
