package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.connection.Auth;
import io.mailbridge.kafka.internal.SourceMailbox;
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

/** Several mailboxes in one IMAP source: mapping, validation, and how folders are dealt to tasks. */
class ImapSourceMailboxesTest {
  private static Map<String, String> props(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("imap.host", "imap.example.com");
    p.put("imap.user", "alice@example.com");
    p.put("imap.password", "alice-pw");
    p.put("topic", "mail-in");
    p.put("folders", "INBOX,Invoices");
    p.put("mailboxes", "bob,carol");
    p.put("mailbox.bob.imap.user", "bob@example.com");
    p.put("mailbox.bob.imap.password", "bob-pw");
    p.put("mailbox.carol.imap.user", "carol@example.com");
    p.put("mailbox.carol.imap.password", "carol-pw");
    p.put("mailbox.carol.folders", "INBOX,Orders,Returns");
    p.put("mailbox.carol.imap.host", "other.example.com");
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        p.remove(kv[i]);
      } else {
        p.put(kv[i], kv[i + 1]);
      }
    }
    return p;
  }

  @Test
  void eachMailboxHasItsLoginAndFoldersAndSharesTheRest() {
    List<SourceMailbox> ms = new ImapSourceConfig(props("post.action", "read")).sources();
    assertThat(ms).extracting(SourceMailbox::name).containsExactly("default", "bob", "carol");
    SourceMailbox bob = ms.get(1);
    assertThat(bob.settings().mailbox()).isEqualTo("bob@example.com@imap.example.com:993");
    assertThat(((Auth.Basic) bob.settings().imap().auth()).password().reveal()).isEqualTo("bob-pw");
    assertThat(bob.settings().folders()).containsExactly("INBOX", "Invoices");
    assertThat(bob.settings().postAction()).isEqualTo(ms.get(0).settings().postAction());
    SourceMailbox carol = ms.get(2);
    assertThat(carol.settings().folders()).containsExactly("INBOX", "Orders", "Returns");
    assertThat(carol.server()).isEqualTo("other.example.com:993");
    assertThat(ms.toString()).doesNotContain("bob-pw").doesNotContain("carol-pw");
  }

  @Test
  void missingPasswordIsShownOnTheMailboxesKey() {
    Map<String, String> p = props("mailbox.bob.imap.password", null);
    assertThatThrownBy(() -> new ImapSourceConfig(p).sources()).isInstanceOf(ConfigException.class)
        .hasMessage("mailboxes entry 'bob': mailbox.bob.imap.password is missing for bob@example.com: give the "
            + "password (e.g. with a config provider ${file:...})");
    Config config = new ImapSourceConnector().validate(p);
    List<String> errors = new ArrayList<>();
    for (ConfigValue v : config.configValues()) {
      v.errorMessages().forEach(m -> errors.add(v.name() + ": " + m));
    }
    assertThat(errors).singleElement().asString().startsWith("mailboxes: mailboxes entry 'bob'");
  }

  @Test
  void keysOfUnlistedOrUnknownMailboxSettingsAreRefused() {
    assertThatThrownBy(() -> new ImapSourceConfig(props("mailbox.dave.imap.user", "d@example.com")).sources())
        .isInstanceOf(ConfigException.class)
        .hasMessage("mailboxes does not name 'dave', yet mailbox.dave.imap.user is set: add 'dave' to mailboxes or "
            + "remove the key");
    assertThatThrownBy(() -> new ImapSourceConfig(props("mailbox.bob.topic", "x")).sources())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("mailboxes entry 'bob': mailbox.bob.topic is not "
            + "a mailbox key");
    assertThatThrownBy(() -> new ImapSourceConfig(props("mailboxes", "bob,default")).sources())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("mailboxes names 'default'");
    assertThatThrownBy(() -> new ImapSourceConfig(props("mailbox.bob.max.connections", "0")).sources())
        .isInstanceOf(ConfigException.class)
        .hasMessage("mailboxes entry 'bob': mailbox.bob.max.connections '0' is not a number in 1-1000");
  }

  @Test
  void sameAccountTwiceIsRefused() {
    assertThatThrownBy(() -> new ImapSourceConfig(props("mailbox.bob.imap.user", "ALICE@example.com")).sources())
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("mailboxes entry 'bob' is the same account as 'default'");
  }

  @Test
  void moveTargetInsideAMailboxsFoldersIsRefused() {
    assertThatThrownBy(() -> new ImapSourceConfig(props("post.action", "move:Orders")).sources())
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("mailboxes entry 'carol': post.action=move:Orders");
  }

  /**
   * Three mailboxes on one server, one connection each at most, two connections for the server:
   * two tasks, each mailbox read by exactly one of them, every folder exactly once.
   */
  @Test
  void serverBudgetBoundsTheTasksOfAServerAndEachMailboxStaysInOneTask() {
    Map<String, String> p = props("mailbox.carol.imap.host", null, "max.connections", "1",
        "imap.max.connections.per.server", "2");
    ImapSourceConnector c = new ImapSourceConnector();
    c.start(p);
    List<Map<String, String>> tasks = c.taskConfigs(5);
    assertThat(tasks).hasSize(2);
    Map<String, Integer> tasksPerMailbox = new HashMap<>();
    Set<String> seen = new HashSet<>();
    for (Map<String, String> t : tasks) {
      for (SourceMailbox m : new ImapSourceConfig(t).sources()) {
        tasksPerMailbox.merge(m.name(), 1, Integer::sum);
        for (String f : m.settings().folders()) {
          assertThat(seen.add(m.name() + "/" + f)).as(m.name() + "/" + f + " in one task only").isTrue();
        }
      }
    }
    assertThat(tasksPerMailbox).containsOnlyKeys("default", "bob", "carol").allSatisfy((k, n) -> assertThat(n)
        .isEqualTo(1));
    assertThat(seen).hasSize(2 + 2 + 3);
  }

  @Test
  void perMailboxMaximumSpreadsItsFoldersOverThatManyTasks() {
    ImapSourceConnector c = new ImapSourceConnector();
    c.start(props("mailboxes", "carol", "mailbox.bob.imap.user", null, "mailbox.bob.imap.password", null,
        "mailbox.carol.max.connections", "2", "max.connections", "1"));
    List<Map<String, String>> tasks = c.taskConfigs(10);
    // default (1 connection) + carol on another server (2 connections) = 3 tasks.
    assertThat(tasks).hasSize(3);
    assertThat(tasks).filteredOn(t -> t.get("task.mailboxes").contains("carol"))
        .extracting(t -> t.get("mailbox.carol.folders")).containsExactlyInAnyOrder("INBOX,Returns", "Orders");
  }
}
