package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.GreenMailFixture;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connector validation logs in to the server and shows a failure on the key to fix. */
class ConnectorValidationTest {
  @RegisterExtension
  final GreenMailFixture mail = new GreenMailFixture();

  private Map<String, String> source(String user, String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", ImapSourceConnector.class.getName());
    p.put("imap.host", "127.0.0.1");
    p.put("imap.port", String.valueOf(mail.imapPort()));
    p.put("imap.security", "none");
    p.put("imap.allow.plaintext", "true");
    p.put("imap.user", user);
    p.put("imap.password", GreenMailFixture.PASSWORD);
    p.put("topic", "mail-in");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  private Map<String, String> sink(String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("connector.class", SmtpSinkConnector.class.getName());
    p.put("smtp.host", "127.0.0.1");
    p.put("smtp.port", String.valueOf(mail.smtpPort()));
    p.put("smtp.security", "none");
    p.put("smtp.allow.plaintext", "true");
    p.put("mail.from.default", "sender@example.test");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  private static List<String> errors(Config config) {
    List<String> out = new ArrayList<>();
    for (ConfigValue v : config.configValues()) {
      v.errorMessages().forEach(m -> out.add(v.name() + ": " + m));
    }
    return out;
  }

  private static int closedPort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aWorkingSourceConfigurationPasses() {
    assertThat(errors(new ImapSourceConnector().validate(source(mail.user("alice"))))).isEmpty();
  }

  @Test
  void aWrongPasswordIsShownOnThePasswordKey() {
    String alice = mail.user("alice");
    assertThat(errors(new ImapSourceConnector().validate(source(alice, "imap.password", "wrong"))))
        .singleElement().asString().startsWith("imap.password: imap.password failed the connection check: IMAP ")
        .contains("login rejected for '" + alice + "'").doesNotContain("wrong");
  }

  @Test
  void aClosedPortIsShownOnThePortKeyInTheConnectorsTerms() throws Exception {
    int port = closedPort();
    assertThat(errors(new ImapSourceConnector().validate(source("alice", "imap.port", String.valueOf(port)))))
        .singleElement().asString().startsWith("imap.port: imap.port failed the connection check: IMAP 127.0.0.1:" + port)
        .contains("check imap.port").doesNotContain("inbound");
  }

  @Test
  void aFurtherMailboxsFailureIsShownOnTheMailboxesKeyNamingItsOwnKey() {
    String alice = mail.user("alice");
    mail.user("bob");
    assertThat(errors(new ImapSourceConnector().validate(source(alice, "mailboxes", "bob",
        "mailbox.bob.imap.user", "bob", "mailbox.bob.imap.password", "nope"))))
        .singleElement().asString().startsWith("mailboxes: mailbox.bob.imap.password failed the connection check");
  }

  @Test
  void theCheckCanBeSwitchedOff() throws Exception {
    assertThat(errors(new ImapSourceConnector().validate(source("alice", "imap.port", String.valueOf(closedPort()),
        "validate.connection.timeout.ms", "0")))).isEmpty();
  }

  @Test
  void theSinkChecksItsSmtpServer() throws Exception {
    assertThat(errors(new SmtpSinkConnector().validate(sink()))).isEmpty();
    int port = closedPort();
    assertThat(errors(new SmtpSinkConnector().validate(sink("smtp.port", String.valueOf(port)))))
        .singleElement().asString().startsWith("smtp.port: smtp.port failed the connection check: SMTP 127.0.0.1:" + port)
        .contains("check smtp.port").doesNotContain("outbound");
  }

  @Test
  void aServerThatNeverAnswersIsBoundedByTheTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) { // accepts (backlog) and never greets
      long t0 = System.nanoTime();
      List<String> errors = errors(new ImapSourceConnector().validate(source("alice", "imap.port",
          String.valueOf(silent.getLocalPort()), "validate.connection.timeout.ms", "1000")));
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(errors).singleElement().asString().startsWith("imap.port: imap.port failed the connection check");
      assertThat(ms).isLessThan(5_000);
    }
  }
}
