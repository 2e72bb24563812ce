package io.mailbridge.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.ConnectionException;
import io.mailbridge.folder.FolderInfo;
import io.mailbridge.folder.Folders;
import io.mailbridge.testkit.GreenMailFixture;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GreenMailCheckIT {
  @RegisterExtension
  static GreenMailFixture mail = new GreenMailFixture();

  private Endpoint.Builder imap(String user) {
    return Endpoint.imap("127.0.0.1").port(mail.imapPort()).security(Security.NONE).allowPlaintext(true)
        .auth(Auth.basic(user, Secret.of(GreenMailFixture.PASSWORD)));
  }

  @Test
  void plaintextCheckWorksWhenExplicitlyAllowed() {
    String user = mail.user("ann");
    CheckReport report = MailConnection.builder().inbound(imap(user).build())
        .outbound(Endpoint.smtp("127.0.0.1").port(mail.smtpPort()).security(Security.NONE).allowPlaintext(true).build())
        .build().check();
    assertThat(report.ok()).isTrue();
    assertThat(report.endpoints()).extracting(CheckReport.EndpointReport::tlsProtocol).allMatch(t -> t.isEmpty());
    assertThat(report.endpoints().get(0).capabilities()).contains("IMAP4REV1");
  }

  @Test
  void imapServerWithoutStarttlsIsRefused() {
    String user = mail.user("ann");
    CheckReport report = MailConnection.builder().inbound(imap(user).security(Security.STARTTLS).build()).build().check();
    assertThat(report.ok()).isFalse();
    ConnectionException e = (ConnectionException) report.endpoints().get(0).error().orElseThrow();
    assertThat(e.reason()).isEqualTo(ConnectionException.Reason.STARTTLS_UNAVAILABLE);
  }

  @Test
  void listsFoldersWithCounts() {
    String user = mail.user("ann");
    List<FolderInfo> folders = Folders.of(MailConnection.builder().inbound(imap(user).build()).build()).list(true);
    assertThat(folders).extracting(FolderInfo::name).contains("INBOX");
    assertThat(folders.get(0).messages()).contains(0);
  }
}
