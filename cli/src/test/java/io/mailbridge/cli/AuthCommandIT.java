package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `mailbridge auth login|status|logout` end to end against mock-oauth2-server (no browser: an HTTP client). */
class AuthCommandIT {
  private OAuthTestServer oauth;
  @TempDir
  Path dir;
  private Path config;

  @BeforeEach
  void start() throws Exception {
    oauth = new OAuthTestServer(0, false);
    config = oauth.config(dir, "");
  }

  @AfterEach
  void stop() {
    oauth.close();
  }

  @Test
  void loginStatusLogoutEndToEnd() throws Exception {
    oauth.nextTokenFor("alice@example.test");
    OAuthTestServer.Background login = new OAuthTestServer.Background("auth", "login", "--config", config.toString(),
        "--profile", "work", "--no-browser");
    URI url = login.authorizationUrl();
    assertThat(url.getQuery()).contains("code_challenge_method=S256", "state=");
    HttpResponse<String> page = OAuthTestServer.browse(url);
    assertThat(page.uri().getHost()).isEqualTo("127.0.0.1");
    assertThat(page.body()).contains("Mailbridge is logged in");
    assertThat(login.awaitExit()).as(login.err.toString()).isZero();
    JsonNode result = Json.mapper().readTree(login.out.toString());
    assertThat(result.path("loggedIn").asBoolean()).isTrue();
    assertThat(result.path("user").asText()).isEqualTo("alice@example.test");

    Path tokenFile = dir.resolve("tokens/work.json");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
    String stored = Files.readString(tokenFile);
    String accessToken = Json.mapper().readTree(stored).path("accessToken").asText();

    Cli status = Cli.run("auth", "status", "--config", config.toString(), "--profile", "work");
    assertThat(status.exit()).isZero();
    JsonNode s = Json.mapper().readTree(status.out());
    assertThat(s.path("user").asText()).isEqualTo("alice@example.test");
    assertThat(s.path("accessTokenExpiresInSeconds").asLong()).isBetween(3000L, 3600L);
    assertThat(s.path("refreshToken").asBoolean()).isTrue();
    assertThat(status.out() + status.err() + login.out + login.err).doesNotContain(accessToken);

    Cli logout = Cli.run("auth", "logout", "--config", config.toString(), "--profile", "work");
    assertThat(logout.exit()).isZero();
    assertThat(Json.mapper().readTree(logout.out()).path("revoked").asBoolean()).isTrue();
    assertThat(tokenFile).doesNotExist();

    Cli after = Cli.run("auth", "status", "--config", config.toString(), "--profile", "work");
    assertThat(after.exit()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(after.err()).contains("not logged in: run `mailbridge auth login --profile work`");
  }

  @Test
  void wrongStateEndsTheLoginWithAnActionableMessageAndNoStackTrace() throws Exception {
    OAuthTestServer.Background login = new OAuthTestServer.Background("auth", "login", "--config", config.toString(),
        "--profile", "work", "--no-browser");
    URI url = login.authorizationUrl();
    String redirect = java.net.URLDecoder.decode(url.getRawQuery().replaceAll(".*redirect_uri=([^&]+).*", "$1"),
        java.nio.charset.StandardCharsets.UTF_8);
    HttpResponse<String> page = OAuthTestServer.browse(URI.create(redirect + "?code=x&state=forged"));
    assertThat(page.body()).contains("Mailbridge login failed");
    assertThat(login.awaitExit()).isEqualTo(ExitCodes.CONNECTION);
    assertThat(login.err.toString()).contains("state does not match", "run `mailbridge auth login --profile work` again")
        .doesNotContain("Exception", "\tat ");
    assertThat(dir.resolve("tokens/work.json")).doesNotExist();
  }

  @Test
  void tokenFileWithLoosePermissionsIsRefusedWithTheFix() throws Exception {
    Path tokenFile = dir.resolve("tokens/work.json");
    Files.createDirectories(tokenFile.getParent());
    Files.writeString(tokenFile, "{}");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-rw-r--"));
    Cli status = Cli.run("auth", "status", "--config", config.toString(), "--profile", "work");
    assertThat(status.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(status.err()).contains("has permissions rw-rw-r--", "chmod 600").doesNotContain("\tat ");
  }

  @Test
  void corruptTokenFileNamesTheFixAndTheProfile() throws Exception {
    Path tokenFile = dir.resolve("tokens/work.json");
    Files.createDirectories(tokenFile.getParent());
    Files.writeString(tokenFile, "not json at all");
    Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
    Cli status = Cli.run("auth", "status", "--config", config.toString(), "--profile", "work");
    assertThat(status.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(status.err()).contains("is corrupt", "auth login --profile work").doesNotContain("not json at all");
  }
}
