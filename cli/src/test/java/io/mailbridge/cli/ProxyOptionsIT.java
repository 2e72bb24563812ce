package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.ProxyServer;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --proxy} and {@code --proxy-password-file} against real proxies and the real stack. */
@RealServer
class ProxyOptionsIT {
  private static final String PROXY_PASSWORD = "cli-px-" + UUID.randomUUID();

  @TempDir
  Path dir;

  private String[] check(MailStack s, String proxy, Path proxyPasswordFile) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), s.alice().password() + "\n");
    List<String> a = new ArrayList<>(List.of("check", "--imap-host", "localhost", "--imap-port",
        String.valueOf(s.imapsPort()), "--smtp-host", "localhost", "--smtp-port", String.valueOf(s.submissionPort()),
        "--smtp-security", "starttls", "--user", s.alice().user(), "--password-file", pw.toString(),
        "--ca-file", s.caFile(), "--proxy", proxy));
    if (proxyPasswordFile != null) {
      a.addAll(List.of("--proxy-password-file", proxyPasswordFile.toString()));
    }
    return a.toArray(String[]::new);
  }

  @Test
  void checkThroughSocks5ReportsTheProxyOnEveryLine(MailStack s) throws Exception {
    try (ProxyServer p = ProxyServer.socks5("cli", PROXY_PASSWORD)) {
      Path pxw = Files.writeString(dir.resolve("proxy-pw"), PROXY_PASSWORD + "\n");
      String url = "socks5://cli@127.0.0.1:" + p.port();
      Cli r = Cli.run(check(s, url, pxw));
      assertThat(r.exit()).as(r.err()).isZero();
      List<JsonNode> lines = CliTest.lines(r.out());
      assertThat(lines).hasSize(2).allSatisfy(n -> {
        assertThat(n.path("ok").asBoolean()).isTrue();
        assertThat(n.path("proxy").asText()).isEqualTo(url);
      });
      assertThat(p.awaitTunnels(2)).containsExactly("localhost:" + s.imapsPort(), "localhost:" + s.submissionPort());
      assertThat(r.out() + r.err()).doesNotContain(PROXY_PASSWORD);
    }
  }

  @Test
  void checkThroughHttpConnectWithoutLogin(MailStack s) throws Exception {
    try (ProxyServer p = ProxyServer.http(null, null, s.imapsPort(), s.submissionPort())) {
      String url = "http://127.0.0.1:" + p.port();
      Cli r = Cli.run(check(s, url, null));
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(CliTest.lines(r.out())).allSatisfy(n -> assertThat(n.path("proxy").asText()).isEqualTo(url));
      assertThat(p.awaitTunnels(2)).hasSize(2);
    }
  }

  @Test
  void wrongProxyPasswordExitsTwoWithOneLineNamingTheProxyAndNoSecret(MailStack s) throws Exception {
    try (ProxyServer p = ProxyServer.socks5("cli", PROXY_PASSWORD)) {
      String wrong = "wrong-" + PROXY_PASSWORD;
      Path pxw = Files.writeString(dir.resolve("proxy-pw"), wrong + "\n");
      Cli r = Cli.run(check(s, "socks5://cli@127.0.0.1:" + p.port(), pxw));
      assertThat(r.exit()).isEqualTo(ExitCodes.CONNECTION);
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.err()).startsWith("mailbridge: IMAP localhost:" + s.imapsPort() + ": SOCKS5 proxy 127.0.0.1:"
          + p.port() + " rejected the login for proxy user 'cli'").doesNotContain(wrong).doesNotContain("\tat ");
      assertThat(CliTest.lines(r.out())).allSatisfy(n ->
          assertThat(n.path("error").path("reason").asText()).isEqualTo("PROXY_AUTH"));
      assertThat(r.out()).doesNotContain(wrong);
      assertThat(p.tunnels()).isEmpty();
    }
  }

  @Test
  void passwordInsideTheProxyUrlIsRefusedWithoutEchoingIt(MailStack s) throws Exception {
    Cli r = Cli.run(check(s, "socks5://cli:" + PROXY_PASSWORD + "@127.0.0.1:1080", null));
    assertThat(r.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(r.err()).contains("proxy URL contains a password").doesNotContain(PROXY_PASSWORD);
  }
}
