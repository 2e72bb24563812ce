package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Auth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailboxesTest {
  @TempDir
  Path dir;

  private Path file(String yaml) throws Exception {
    Path f = dir.resolve("mailboxes.yaml");
    Files.writeString(f, yaml);
    return f;
  }

  private List<Mailboxes.Entry> read(String yaml, Map<String, String> env) throws Exception {
    return Mailboxes.read(file(yaml), dir.resolve("state.json"), env);
  }

  @Test
  void eachMailboxGetsItsConnectionFoldersLimitsAndOwnStateFile() throws Exception {
    Files.writeString(dir.resolve("bob.pw"), "bob-secret\n");
    List<Mailboxes.Entry> es = read("""
        mailboxes:
          - name: alice
            user: alice@example.com
            passwordEnv: ALICE_PW
            imap: { host: mail.example.com }
            folders: [INBOX, Invoices]
            maxConnections: 2
            rateLimit: 0.5
          - name: bob
            user: bob@example.com
            passwordFile: %s
            imap: { host: mail.example.com, port: 10993 }
            state: %s
        """.formatted(dir.resolve("bob.pw"), dir.resolve("b.json")), Map.of("ALICE_PW", "alice-secret"));
    assertThat(es).hasSize(2);
    Mailboxes.Entry a = es.get(0);
    assertThat(a.folders()).containsExactly("INBOX", "Invoices");
    assertThat(a.maxConnections()).contains(2);
    assertThat(a.rateLimit().orElseThrow().messagesPerSecond()).isEqualTo(0.5);
    assertThat(a.state()).isEqualTo(dir.resolve("state-alice.json"));
    Auth.Basic auth = (Auth.Basic) a.connection().inbound().orElseThrow().auth();
    assertThat(auth.password().reveal()).isEqualTo("alice-secret");
    assertThat(a.toString()).doesNotContain("alice-secret");
    Mailboxes.Entry b = es.get(1);
    assertThat(b.folders()).containsExactly("INBOX");
    assertThat(b.state()).isEqualTo(dir.resolve("b.json"));
    assertThat(b.connection().inbound().orElseThrow().port()).isEqualTo(10993);
  }

  @Test
  void inlinePasswordIsRefusedWithoutEchoingIt() {
    assertThatThrownBy(() -> read("""
        mailboxes:
          - { name: alice, user: a@example.com, password: hunter2, imap: { host: h } }
        """, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessage("mailboxes.yaml mailboxes[0] (alice) has a password inline: passwords never go in this file; "
            + "use passwordFile (first line of a file) or passwordEnv (name of an environment variable)")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void missingPasswordVariableNamesIt() {
    assertThatThrownBy(() -> read("""
        mailboxes:
          - { name: alice, user: a@example.com, passwordEnv: NOPE_PW, imap: { host: h } }
        """, Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("(alice).passwordEnv: the environment variable NOPE_PW is not set");
  }

  @Test
  void sameAccountTwiceIsRefused() {
    assertThatThrownBy(() -> read("""
        mailboxes:
          - { name: a1, user: a@example.com, passwordEnv: P, imap: { host: h } }
          - { name: a2, user: A@example.com, passwordEnv: P, imap: { host: H } }
        """, Map.of("P", "x"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("mailboxes[1] (a2) is the same account as 'a1'");
  }

  @Test
  void repeatedNameUnknownKeyAndBadNameAreRefused() {
    assertThatThrownBy(() -> read("""
        mailboxes:
          - { name: a, user: a@example.com, passwordEnv: P, imap: { host: h } }
          - { name: A, user: b@example.com, passwordEnv: P, imap: { host: h } }
        """, Map.of("P", "x"))).isInstanceOf(ConfigException.class).hasMessageContaining("repeats the name 'A'");
    assertThatThrownBy(() -> read("""
        mailboxes:
          - { name: a, user: a@example.com, passwordEnv: P, imap: { host: h }, folder: INBOX }
        """, Map.of("P", "x"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("has the unknown key 'folder'").hasMessageContaining("folders");
    assertThatThrownBy(() -> read("""
        mailboxes:
          - { name: ../x, user: a@example.com, passwordEnv: P, imap: { host: h } }
        """, Map.of("P", "x"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("mailboxes[0].name '../x' is not usable");
    assertThatThrownBy(() -> read("mailboxes: []\n", Map.of())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("has no 'mailboxes:' list");
  }

  @Test
  void rateLimitMustBeANumber() {
    assertThatThrownBy(() -> read("""
        mailboxes:
          - { name: a, user: a@example.com, passwordEnv: P, imap: { host: h }, rateLimit: fast }
        """, Map.of("P", "x"))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("(a).rateLimit 'fast' is not a number of messages per second");
  }
}
