package io.mailbridge.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.OAuth2Config;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenCallback;
import no.nav.security.mock.oauth2.token.OAuth2TokenProvider;
import picocli.CommandLine;

/** mock-oauth2-server for CLI tests, a profile file pointing at it, and a CLI run in the background. */
final class OAuthTestServer implements AutoCloseable {
  final MockOAuth2Server server;

  OAuthTestServer(int port, boolean interactive) {
    server = new MockOAuth2Server(new OAuth2Config(interactive, null, null, true, new OAuth2TokenProvider(),
        Set.<OAuth2TokenCallback>of()));
    try {
      server.start(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Issuer on 127.0.0.1 (Dovecot introspects there, and a token's issuer is the host it came from). */
  String issuer() {
    return "http://127.0.0.1:" + server.baseUrl().port() + "/default";
  }

  void nextTokenFor(String subject) {
    server.enqueueCallback(new DefaultOAuth2TokenCallback("default", subject, "JWT", List.of("mail"),
        Map.of("email", subject), 3600));
  }

  /** A mailbridge.yaml with profile {@code work} using this server; {@code extra} is appended to the profile. */
  Path config(Path dir, String extra) throws IOException {
    Path file = dir.resolve("mailbridge.yaml");
    Files.writeString(file, "profiles:\n  work:\n    user: alice@example.test\n    auth: oauth2\n"
        + "    oauth2:\n      provider: custom\n      issuer: " + issuer() + "\n      clientId: mailbridge-cli\n"
        + "      scopes: [openid, email, offline_access]\n      tokenFile: " + dir.resolve("tokens/work.json") + "\n"
        + "      loginTimeout: 30s\n" + extra);
    return file;
  }

  static HttpResponse<String> browse(URI uri) throws IOException, InterruptedException {
    return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
        .send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /** A CLI run on another thread whose stderr can be watched while it waits for the browser. */
  static final class Background {
    private static final Pattern URL = Pattern.compile("(http://127\\.0\\.0\\.1:\\d+/default/authorize\\S+)");
    final StringWriter out = new StringWriter();
    final StringWriter err = new StringWriter();
    final CompletableFuture<Integer> exit;

    Background(String... args) {
      CommandLine cl = MailbridgeCommand.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      exit = CompletableFuture.supplyAsync(() -> cl.execute(args));
    }

    /** The authorization URL the CLI printed. */
    URI authorizationUrl() throws InterruptedException {
      for (int i = 0; i < 200; i++) {
        Matcher m = URL.matcher(err.toString());
        if (m.find()) {
          return URI.create(m.group(1));
        }
        if (exit.isDone()) {
          throw new AssertionError("CLI ended before printing the URL: " + err);
        }
        Thread.sleep(50);
      }
      throw new AssertionError("no authorization URL printed: " + err);
    }

    int awaitExit() throws Exception {
      return exit.get(60, java.util.concurrent.TimeUnit.SECONDS);
    }
  }
}
