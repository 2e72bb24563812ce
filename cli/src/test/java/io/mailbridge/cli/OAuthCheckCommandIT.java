package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A profile with {@code auth: oauth2}: `auth login`, then `check` logs in to the real Dovecot (IMAP,
 * XOAUTH2) and Postfix (submission, OAUTHBEARER) with the stored token.
 */
@RealServer
class OAuthCheckCommandIT {
  @TempDir
  Path dir;

  @Test
  void checkConnectsWithTheTokensOfAuthLogin(MailStack s) throws Exception {
    String why = "the mail stack runs without OAuth 2.0 (no oauth2IntrospectionPort in " + MailStack.infoFile()
        + "): restart it with the current scripts/mailstack (stop, start)";
    if (s.oauth2Port().isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new IllegalStateException(why);
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(s.oauth2Port().isPresent(), why);
    try (OAuthTestServer oauth = new OAuthTestServer(s.oauth2Port().getAsInt(), false)) {
      Path config = oauth.config(dir, "      mechanism: oauthbearer\n"
          + "    imap: { host: " + s.host() + ", port: " + s.imapsPort() + ", security: ssl_tls }\n"
          + "    smtp: { host: " + s.host() + ", port: " + s.submissionPort() + ", security: starttls }\n"
          + "    caFile: " + s.caFile() + "\n");
      oauth.nextTokenFor(s.alice().user());
      OAuthTestServer.Background login = new OAuthTestServer.Background("auth", "login", "--config",
          config.toString(), "--profile", "work", "--no-browser");
      OAuthTestServer.browse(login.authorizationUrl());
      assertThat(login.awaitExit()).as(login.err.toString()).isZero();

      Cli check = Cli.run("check", "--config", config.toString(), "--profile", "work");
      assertThat(check.exit()).as(check.err()).isZero();
      for (String line : check.out().strip().split("\n")) {
        JsonNode r = Json.mapper().readTree(line);
        assertThat(r.path("ok").asBoolean()).as(line).isTrue();
        assertThat(r.path("user").asText()).isEqualTo(s.alice().user());
      }
      String token = Json.mapper().readTree(Files.readString(dir.resolve("tokens/work.json")))
          .path("accessToken").asText();
      assertThat(check.out() + check.err()).doesNotContain(token);
    }
  }
}
