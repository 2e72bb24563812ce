package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.receive.PostAction;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ListenerSettingsTest {
  @Test
  void defaults() {
    ListenerSettings s = ListenerSettings.builder().folders("INBOX").build();
    assertThat(s.start()).isEqualTo(StartPosition.now());
    assertThat(s.uidValidityPolicy()).isEqualTo(UidValidityPolicy.FAIL);
    assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.idleRenew()).isEqualTo(Duration.ofMinutes(9));
    assertThat(s.postAction()).isEqualTo(PostAction.none());
    assertThat(s.toBuilder().build()).isEqualTo(s);
  }

  @Test
  void cacheRetentionNeedsACacheAndKeepsThroughTheBuilder() {
    io.mailbridge.document.CacheRetention r = io.mailbridge.document.CacheRetention.of(Duration.ofDays(30), 1L << 30);
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").cacheRetention(r).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("set listener.cacheDir too");
    ListenerSettings s = ListenerSettings.builder().folders("INBOX").cacheDir(java.nio.file.Path.of("c"))
        .cacheRetention(r).cachePruneInterval(Duration.ofMinutes(1)).build();
    assertThat(s.cacheRetention()).hasValue(r);
    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThat(ListenerSettings.builder().folders("INBOX").build().cachePruneInterval()).isEqualTo(Duration.ofMinutes(10));
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").cachePruneInterval(Duration.ZERO).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("cachePruneInterval");
  }

  @Test
  void rejectsNoFolders() {
    assertThatThrownBy(() -> ListenerSettings.builder().build()).isInstanceOf(ConfigException.class)
        .hasMessage("listener.folders is empty: give at least one folder to watch, e.g. INBOX");
  }

  @Test
  void rejectsDuplicateFolders() {
    assertThatThrownBy(() -> ListenerSettings.builder().folders("A", "A").build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("names a folder twice");
  }

  @Test
  void rejectsIdleRenewAboveTenMinutes() {
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").idleRenew(Duration.ofMinutes(11)).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("listener.idleRenew PT11M is above 10 minutes");
  }

  @Test
  void rejectsZeroPollInterval() {
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").pollInterval(Duration.ZERO).build())
        .isInstanceOf(ConfigException.class).hasMessage("listener.pollInterval PT0S must be positive");
  }

  @Test
  void rejectsBackoffMaxBelowMin() {
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").reconnectMin(Duration.ofSeconds(10))
        .reconnectMax(Duration.ofSeconds(1)).build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("listener.reconnectMax PT1S is below reconnectMin PT10S");
  }

  @Test
  void rejectsJitterOutOfRange() {
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").jitter(1.5).build())
        .isInstanceOf(ConfigException.class).hasMessage("listener.jitter 1.5 is out of range 0-1");
  }

  @Test
  void rejectsConnectionsAndBatchOutOfRange() {
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").maxConnections(0).build())
        .isInstanceOf(ConfigException.class).hasMessage("listener.maxConnections 0 is out of range 1-100");
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX").batchSize(0).build())
        .isInstanceOf(ConfigException.class).hasMessage("listener.batchSize 0 is out of range 1-10000");
  }

  @Test
  void rejectsMovingIntoAWatchedFolder() {
    assertThatThrownBy(() -> ListenerSettings.builder().folders("INBOX", "Done")
        .postAction(PostAction.moveTo("Done")).build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("moves to 'Done', a watched folder");
  }

  @Test
  void parsesStartPositions() {
    assertThat(StartPosition.parse("now")).isEqualTo(StartPosition.now());
    assertThat(StartPosition.parse("ALL")).isEqualTo(StartPosition.all());
    assertThat(StartPosition.parse("2026-11-01")).isEqualTo(StartPosition.since(LocalDate.of(2026, 11, 1)));
    assertThatThrownBy(() -> StartPosition.parse("yesterday")).isInstanceOf(BadInputException.class)
        .hasMessage("start position 'yesterday' is unknown: use now, all or a date YYYY-MM-DD");
  }
}
