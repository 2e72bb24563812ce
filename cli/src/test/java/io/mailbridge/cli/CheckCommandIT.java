package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@RealServer
class CheckCommandIT {
  @TempDir
  Path dir;

  private String[] args(MailStack s, Path passwordFile, String... extra) {
    List<String> a = new java.util.ArrayList<>(List.of("check", "--imap-host", s.host(), "--imap-port",
        String.valueOf(s.imapsPort()), "--smtp-host", s.host(), "--smtp-port", String.valueOf(s.submissionPort()),
        "--smtp-security", "starttls", "--user", s.alice().user(), "--password-file", passwordFile.toString(),
        "--ca-file", s.caFile()));
    a.addAll(List.of(extra));
    return a.toArray(String[]::new);
  }

  @Test
  void checkPrintsOneJsonLinePerServerAndExitsZero(MailStack s) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), s.alice().password() + "\n");
    Cli r = Cli.run(args(s, pw));
    assertThat(r.exit()).as(r.err()).isZero();
    List<JsonNode> lines = CliTest.lines(r.out());
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0).path("protocol").asText()).isEqualTo("IMAP");
    assertThat(lines.get(1).path("protocol").asText()).isEqualTo("SMTP");
    assertThat(lines).allMatch(n -> n.path("ok").asBoolean() && n.path("tlsProtocol").asText().startsWith("TLSv1."));
    assertThat(r.out()).doesNotContain(s.alice().password());
  }

  @Test
  void wrongPasswordExitsTwoWithOneClearLineAndNoSecret(MailStack s) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), "wrong-" + s.alice().password() + "\n");
    Cli r = Cli.run(args(s, pw, "--inbound-only"));
    assertThat(r.exit()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).startsWith("mailbridge: IMAP " + s.host()).contains("login rejected")
        .doesNotContain("wrong-" + s.alice().password()).doesNotContain("\tat ");
    assertThat(CliTest.lines(r.out()).get(0).path("error").path("type").asText()).isEqualTo("AuthException");
  }

  @Test
  void untrustedCertificateExitsTwoWithTheReason(MailStack s) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), s.alice().password() + "\n");
    Cli r = Cli.run("check", "--imap-host", s.host(), "--imap-port", String.valueOf(s.imapsPort()),
        "--user", s.alice().user(), "--password-file", pw.toString());
    assertThat(r.exit()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(CliTest.lines(r.out()).get(0).path("error").path("reason").asText()).isEqualTo("TLS_UNTRUSTED");
    assertThat(r.err()).contains("not trusted").contains("trustedCertificates");
  }
}
