package io.mailbridge.receive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.document.BodyFormat;
import io.mailbridge.search.Filter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ReceiveSettingsTest {

  @Test
  void defaultsAreDocumented() {
    ReceiveSettings s = ReceiveSettings.builder().build();
    assertThat(s.folder()).isEqualTo("INBOX");
    assertThat(s.filter()).isEqualTo(Filter.all());
    assertThat(s.peek()).isTrue();
    assertThat(s.postAction()).isEqualTo(PostAction.none());
    assertThat(s.format()).isEqualTo(BodyFormat.TEXT);
    assertThat(s.order()).isEqualTo(ReceiveSettings.Order.OLDEST_FIRST);
    assertThat(s.cacheDir()).isEmpty();
    assertThat(s.batchMaxBytes()).isEqualTo(8L << 20);
    assertThat(s.largeMessageBytes()).isEqualTo(4L << 20);
    assertThat(s.chunkBytes()).isEqualTo(1 << 20);
    assertThat(s.toBuilder().cacheDir(Path.of("x")).build().cacheDir()).hasValue(Path.of("x"));
  }

  @Test
  void validationNamesTheFieldAndTheFix() {
    assertThatThrownBy(() -> ReceiveSettings.builder().folder(" ").build()).isInstanceOf(ConfigException.class)
        .hasMessage("receive.folder is empty: give a folder name such as INBOX");
    assertThatThrownBy(() -> ReceiveSettings.builder().maxMessages(0).build()).isInstanceOf(ConfigException.class)
        .hasMessage("receive.maxMessages 0 must be at least 1");
    assertThatThrownBy(() -> ReceiveSettings.builder().batchMaxMessages(0).build())
        .isInstanceOf(ConfigException.class).hasMessage("receive.batchMaxMessages 0 is out of range 1-100000");
    assertThatThrownBy(() -> ReceiveSettings.builder().chunkBytes(10).build()).isInstanceOf(ConfigException.class)
        .hasMessage("receive.chunkBytes 10 is out of range 4096-67108864");
    assertThatThrownBy(() -> ReceiveSettings.builder().largeMessageBytes(5000).build())
        .isInstanceOf(ConfigException.class).hasMessage("receive.largeMessageBytes 5000 must be at least chunkBytes (1048576)");
    assertThatThrownBy(() -> ReceiveSettings.builder().batchMaxBytes(1 << 20).build())
        .isInstanceOf(ConfigException.class)
        .hasMessage("receive.batchMaxBytes 1048576 must be at least largeMessageBytes (4194304)");
    assertThatThrownBy(() -> ReceiveSettings.builder().maxBodyBytes(0).build()).isInstanceOf(ConfigException.class)
        .hasMessage("receive.maxBodyBytes 0 must be positive");
    assertThatThrownBy(() -> ReceiveSettings.builder().folder("INBOX").postAction(PostAction.moveTo("INBOX")).build())
        .isInstanceOf(ConfigException.class).hasMessageContaining("moves to 'INBOX', the folder being read");
  }

  @Test
  void postActionsParseFromTheCliForm() {
    assertThat(PostAction.parse("none")).isEqualTo(PostAction.none());
    assertThat(PostAction.parse("read")).isEqualTo(PostAction.markRead());
    assertThat(PostAction.parse("flag")).isEqualTo(PostAction.flag());
    assertThat(PostAction.parse("delete")).isEqualTo(PostAction.delete());
    assertThat(PostAction.parse("move:Archive/2026")).isEqualTo(PostAction.moveTo("Archive/2026"));
    assertThatThrownBy(() -> PostAction.parse("archive")).isInstanceOf(BadInputException.class)
        .hasMessage("post-action 'archive' is unknown: use none, read, flag, delete or move:FOLDER");
    assertThatThrownBy(() -> PostAction.parse("move:")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("move target folder is empty");
  }

  @Test
  void rawSearchWithNonAsciiIsRejectedBecauseItWouldBeMangledOnTheWire() {
    assertThatThrownBy(() -> Filter.raw("SUBJECT Größe")).isInstanceOf(BadInputException.class)
        .hasMessageContaining("non-ASCII");
  }

  @Test
  void hostileInputLimitsHaveDefaultsAndNameTheirField() {
    ReceiveSettings s = ReceiveSettings.builder().build();
    assertThat(s.maxPartDepth()).isEqualTo(50);
    assertThat(s.maxParts()).isEqualTo(1000);
    assertThat(s.maxHeaderBytes()).isEqualTo(1 << 20);
    assertThat(s.toBuilder().maxParts(7).build().maxParts()).isEqualTo(7);
    assertThatThrownBy(() -> ReceiveSettings.builder().maxPartDepth(0).build()).isInstanceOf(ConfigException.class)
        .hasMessage("receive.maxPartDepth 0 is out of range 1-1000");
    assertThatThrownBy(() -> ReceiveSettings.builder().maxParts(0).build()).isInstanceOf(ConfigException.class)
        .hasMessage("receive.maxParts 0 must be at least 1");
    assertThatThrownBy(() -> ReceiveSettings.builder().maxHeaderBytes(100).build()).isInstanceOf(ConfigException.class)
        .hasMessage("receive.maxHeaderBytes 100 must be at least 1024 (RFC 5322 allows 998-byte lines)");
  }

  @Test
  void cacheRetentionNeedsACacheAndKeepsThroughTheBuilder() {
    io.mailbridge.document.CacheRetention r = io.mailbridge.document.CacheRetention.of(java.time.Duration.ofDays(30),
        null);
    assertThatThrownBy(() -> ReceiveSettings.builder().cacheRetention(r).build()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("set receive.cacheDir too");
    ReceiveSettings s = ReceiveSettings.builder().cacheDir(Path.of("c")).cacheRetention(r).build();
    assertThat(s.cacheRetention()).hasValue(r);
    assertThat(s.toBuilder().build()).isEqualTo(s);
    assertThat(ReceiveSettings.builder().build().cacheRetention()).isEmpty();
  }
}
