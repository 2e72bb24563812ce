package io.mailbridge.kafka.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.listen.StartPosition;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Library field names in messages become the connector's keys. */
class ConnectorKeysTest {
  @Test
  void imapMessagesNameTheSourceKeys() {
    assertThat(ConnectorKeys.speak("IMAP 127.0.0.1:1: connection refused: check inbound.port and that the server is "
        + "running", Endpoint.Protocol.IMAP)).isEqualTo("IMAP 127.0.0.1:1: connection refused: check imap.port and "
        + "that the server is running");
    assertThat(ConnectorKeys.speak("no answer within the timeout: check host, port and firewall, or raise "
        + "inbound.readTimeout", Endpoint.Protocol.IMAP)).endsWith("raise imap.read.timeout.ms");
    assertThat(ConnectorKeys.speak("give the server's CA with inbound.trustedCertificates (PEM)",
        Endpoint.Protocol.IMAP)).isEqualTo("give the server's CA with imap.ca.file (PEM)");
    assertThat(ConnectorKeys.speak("TLS could not be negotiated (x): check inbound.security matches the port "
        + "(SSL_TLS for 993)", Endpoint.Protocol.IMAP)).endsWith("check imap.security matches imap.port (ssl_tls for 993)");
  }

  @Test
  void aFurtherMailboxNamesItsOwnHostAndPortKeys() {
    assertThat(ConnectorKeys.speak("host 'x' is unknown: check inbound.host (typo? DNS?)", Endpoint.Protocol.IMAP,
        "mailbox.sales.imap.")).isEqualTo("host 'x' is unknown: check mailbox.sales.imap.host (typo? DNS?)");
  }

  @Test
  void smtpMessagesNameTheSinkKeys() {
    assertThat(ConnectorKeys.speak("SMTP 127.0.0.1:2: connection refused: check outbound.port", Endpoint.Protocol.SMTP))
        .isEqualTo("SMTP 127.0.0.1:2: connection refused: check smtp.port");
    assertThat(ConnectorKeys.speak("the server does not offer STARTTLS, so the connection was refused rather than "
        + "continue unencrypted: use security SSL_TLS (port 465)", Endpoint.Protocol.SMTP))
        .endsWith("use smtp.security=ssl_tls (port 465)");
  }

  @Test
  void theStartPositionIsLoggedAsTheKeySpellsIt() {
    assertThat(FolderReader.startText(StartPosition.all())).isEqualTo("all");
    assertThat(FolderReader.startText(StartPosition.now())).isEqualTo("now");
    assertThat(FolderReader.startText(StartPosition.since(LocalDate.of(2026, 11, 1)))).isEqualTo("2026-11-01");
  }
}
