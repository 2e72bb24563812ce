package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.connection.Security;
import io.mailbridge.kafka.internal.SourceSettings;
import io.mailbridge.kafka.internal.SourceSettings.AttachmentsMode;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.listen.UidValidityPolicy;
import io.mailbridge.receive.PostAction;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class ImapSourceConfigTest {
  private static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("imap.host", "imap.example.com");
    p.put("imap.user", "bob@example.com");
    p.put("imap.password", "s3cret-pw");
    p.put("topic", "mail-in");
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        p.remove(kv[i]);
      } else {
        p.put(kv[i], kv[i + 1]);
      }
    }
    return p;
  }

  private static SourceSettings settings(String... kv) {
    return new ImapSourceConfig(props(kv)).settings();
  }

  @Test
  void mapsTheMinimalConfigToImapsOn993ReadingInboxFromNow() {
    SourceSettings s = settings();
    assertThat(s.imap().security()).isEqualTo(Security.SSL_TLS);
    assertThat(s.imap().port()).isEqualTo(993);
    assertThat(s.mailbox()).isEqualTo("bob@example.com@imap.example.com:993");
    assertThat(s.folders()).containsExactly("INBOX");
    assertThat(s.topic()).isEqualTo("mail-in");
    assertThat(s.start()).isEqualTo(StartPosition.now());
    assertThat(s.uidValidityPolicy()).isEqualTo(UidValidityPolicy.RESCAN);
    assertThat(s.postAction()).isEqualTo(PostAction.none());
    assertThat(s.attachments()).isEqualTo(AttachmentsMode.REFERENCE);
    assertThat(s.batchSize()).isEqualTo(100);
    assertThat(s.pollInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(s.cacheDir()).isEmpty();
  }

  @Test
  void mapsEveryKey() {
    SourceSettings s = settings("imap.security", "STARTTLS", "imap.port", "1143", "folders", " INBOX , Invoices ",
        "start", "2026-01-31", "uidvalidity.policy", "SKIP", "post.action", "move:Done", "attachments.mode", "inline",
        "attachments.inline.max.bytes", "1000", "batch.size", "7", "poll.interval.ms", "500",
        "imap.read.timeout.ms", "2500", "attachments.cache.dir", "/tmp/cache");
    assertThat(s.imap().security()).isEqualTo(Security.STARTTLS);
    assertThat(s.imap().port()).isEqualTo(1143);
    assertThat(s.imap().readTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(s.folders()).containsExactly("INBOX", "Invoices");
    assertThat(s.start()).isEqualTo(StartPosition.since(LocalDate.of(2026, 1, 31)));
    assertThat(s.uidValidityPolicy()).isEqualTo(UidValidityPolicy.SKIP);
    assertThat(s.postAction()).isEqualTo(PostAction.moveTo("Done"));
    assertThat(s.attachments()).isEqualTo(AttachmentsMode.INLINE);
    assertThat(s.inlineMaxBytes()).isEqualTo(1000);
    assertThat(s.batchSize()).isEqualTo(7);
    assertThat(s.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.cacheDir()).hasValueSatisfying(p -> assertThat(p.toString()).isEqualTo("/tmp/cache"));
  }

  @Test
  void neverShowsThePassword() {
    assertThat(settings().toString()).doesNotContain("s3cret-pw");
    assertThat(new ImapSourceConfig(props()).toString()).doesNotContain("s3cret-pw");
  }

  @Test
  void refusesPlainTextWithoutTheOptIn() {
    assertThatThrownBy(() -> settings("imap.security", "none"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("imap.security=none sends the login and mail unencrypted: use ssl_tls or starttls, or set "
            + "imap.allow.plaintext=true if this is really wanted");
    assertThat(settings("imap.security", "none", "imap.allow.plaintext", "true").imap().port()).isEqualTo(143);
  }

  @Test
  void refusesMissingRequiredKeys() {
    assertThatThrownBy(() -> settings("imap.host", null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("imap.host");
    assertThatThrownBy(() -> settings("topic", null)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("topic");
    assertThatThrownBy(() -> settings("imap.password", null)).isInstanceOf(ConfigException.class)
        .hasMessage("imap.password is missing for imap.user=bob@example.com: give the password (e.g. with a config "
            + "provider ${file:...})");
  }

  @Test
  void refusesBadValuesNamingTheKey() {
    assertThatThrownBy(() -> settings("start", "yesterday")).isInstanceOf(ConfigException.class)
        .hasMessage("start 'yesterday' is unknown: use now, all or a day YYYY-MM-DD");
    assertThatThrownBy(() -> settings("post.action", "archive")).isInstanceOf(ConfigException.class)
        .hasMessage("post.action 'archive' is unknown: use none, read, flag, delete or move:FOLDER");
    assertThatThrownBy(() -> settings("post.action", "move:Done", "folders", "INBOX,Done"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("post.action=move:Done moves into a folder that is also read (folders): choose a target outside "
            + "folders");
    assertThatThrownBy(() -> settings("folders", "INBOX,A,INBOX")).isInstanceOf(ConfigException.class)
        .hasMessage("folders lists 'INBOX' twice: give each folder once");
    assertThatThrownBy(() -> settings("folders", " , ")).isInstanceOf(ConfigException.class)
        .hasMessage("folders is empty: give at least one folder, e.g. INBOX");
    assertThatThrownBy(() -> settings("uidvalidity.policy", "ignore")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("uidvalidity.policy");
    assertThatThrownBy(() -> settings("attachments.mode", "embed")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("attachments.mode");
    assertThatThrownBy(() -> settings("batch.size", "0")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("batch.size");
    assertThatThrownBy(() -> settings("imap.port", "70000")).isInstanceOf(ConfigException.class)
        .hasMessageContaining("imap.port");
    assertThatThrownBy(() -> settings("imap.ca.file", "/nonexistent/ca.pem")).isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("imap.ca.file /nonexistent/ca.pem cannot be read");
  }

  @Test
  void connectorValidationPutsTheCrossKeyErrorOnTheKeyAtFault() {
    Config config = new ImapSourceConnector().validate(props("imap.security", "none"));
    List<String> errors = new ArrayList<>();
    for (ConfigValue v : config.configValues()) {
      v.errorMessages().forEach(m -> errors.add(v.name() + ": " + m));
    }
    assertThat(errors).singleElement().asString().startsWith("imap.security: imap.security=none");
  }

  @Test
  void connectorStartFailsFastNamingTheKey() {
    assertThatThrownBy(() -> new ImapSourceConnector().start(props("post.action", "bogus")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("post.action 'bogus'");
  }

  @Test
  void taskConfigsSpreadFoldersRoundRobinWithoutOverlap() {
    ImapSourceConnector c = new ImapSourceConnector();
    c.start(props("folders", "a,b,c,d,e,f,g"));
    List<Map<String, String>> tasks = c.taskConfigs(3);
    assertThat(tasks).extracting(t -> t.get("folders")).containsExactly("a,d,g", "b,e", "c,f");
    Set<String> seen = new HashSet<>();
    for (Map<String, String> t : tasks) {
      for (String f : new ImapSourceConfig(t).settings().folders()) {
        assertThat(seen.add(f)).as("folder " + f + " in one task only").isTrue();
      }
      assertThat(t.get("imap.host")).isEqualTo("imap.example.com");
    }
    assertThat(seen).hasSize(7);
  }

  @Test
  void noMoreTasksThanFolders() {
    ImapSourceConnector c = new ImapSourceConnector();
    c.start(props("folders", "INBOX,Archive"));
    assertThat(c.taskConfigs(5)).extracting(t -> t.get("folders")).containsExactly("INBOX", "Archive");
    assertThat(c.taskConfigs(1)).extracting(t -> t.get("folders")).containsExactly("INBOX,Archive");
  }

  @Test
  void mapsTheProxyKeys() {
    SourceSettings s = settings("imap.proxy", "http://relay@proxy.example.com:3128", "imap.proxy.password",
        "px-s3cret");
    assertThat(s.imap().proxy()).hasValueSatisfying(p -> {
      assertThat(p.type()).isEqualTo(io.mailbridge.connection.ProxySettings.Type.HTTP);
      assertThat(p.address()).isEqualTo("proxy.example.com:3128");
      assertThat(p.password().orElseThrow().reveal()).isEqualTo("px-s3cret");
    });
    assertThat(s.imap().toString()).doesNotContain("px-s3cret");
    assertThatThrownBy(() -> settings("imap.proxy", "https://proxy.example.com:443"))
        .isInstanceOf(org.apache.kafka.common.config.ConfigException.class)
        .hasMessageStartingWith("imap.proxy rejected: ");
  }
}
