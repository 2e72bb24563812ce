package io.mailbridge.cli;

import io.mailbridge.MailbridgeException;
import io.mailbridge.oauth.AuthorizationCodeLogin;
import io.mailbridge.oauth.ClientCredentialsTokenProvider;
import io.mailbridge.oauth.OAuthSettings;
import io.mailbridge.oauth.RefreshingTokenProvider;
import io.mailbridge.oauth.TokenStore;
import io.mailbridge.oauth.Tokens;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code mailbridge auth login|status|logout}: OAuth 2.0 tokens of a profile. */
@Command(name = "auth", mixinStandardHelpOptions = true,
    description = "Log in with OAuth 2.0 (Gmail, Microsoft 365, any OAuth provider) and manage the stored tokens. "
        + "Profiles with `auth: oauth2` then connect with these tokens.",
    subcommands = {AuthCommand.Login.class, AuthCommand.Status.class, AuthCommand.Logout.class})
public final class AuthCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is required: login, status or logout");
  }

  /** Which profile: the same resolution as every other command. */
  static final class ProfileOptions {
    @Option(names = "--profile", paramLabel = "NAME",
        description = "Profile in mailbridge.yaml (default: $MAILBRIDGE_PROFILE or 'default').")
    String profile;

    @Option(names = "--config", paramLabel = "FILE",
        description = "Settings file (default: ./mailbridge.yaml, then ~/.config/mailbridge/mailbridge.yaml).")
    Path config;

    @Option(names = {"-v", "--verbose"}, description = "Log what happens (stderr).")
    boolean verbose;

    @Option(names = "--debug", description = "Log detail (tokens never shown) and stack traces (stderr).")
    boolean debug;

    Settings settings() {
      LogLevel.apply(verbose, debug);
      return Settings.resolve(Map.of(), System.getenv(), Optional.ofNullable(config), Optional.ofNullable(profile));
    }
  }

  /** {@code mailbridge auth login}. */
  @Command(name = "login", mixinStandardHelpOptions = true,
      description = "Log in in a browser (authorization code with PKCE, redirect to 127.0.0.1) and store the tokens "
          + "in the profile's token file (owner-only). Prints the URL on stderr, opens a browser when there is one, "
          + "and prints one JSON line with the result on stdout.")
  static final class Login implements Callable<Integer> {
    @Mixin
    ProfileOptions options;

    @Option(names = "--no-browser", description = "Do not open a browser; open the printed URL yourself "
        + "(on this machine: the redirect goes to 127.0.0.1). Default: open one when possible.")
    boolean noBrowser;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Settings settings = options.settings();
      OAuthSettings oauth = settings.oauth2();
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      if (oauth.grant() == OAuthSettings.Grant.CLIENT_CREDENTIALS) {
        // Nothing to store: prove the client credentials work instead.
        new ClientCredentialsTokenProvider(oauth).accessToken();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("profile", settings.profile());
        m.put("grant", "client_credentials");
        m.put("ok", true);
        Json.line(out, m);
        err.println("mailbridge: client credentials accepted; tokens are fetched on every connect, nothing stored");
        err.flush();
        return ExitCodes.OK;
      }
      TokenStore store = settings.tokenStore();
      try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(oauth, store.loginHint())) {
        err.println("Open this URL in a browser to log in (waiting " + human(oauth.loginTimeout()) + "):");
        err.println();
        err.println("  " + login.authorizationUri());
        err.println();
        err.flush();
        if (!noBrowser && !Browser.open(login.authorizationUri())) {
          err.println("(no browser could be opened here: open the URL yourself)");
          err.flush();
        }
        Tokens tokens = login.awaitTokens();
        store.save(tokens);
        err.println("mailbridge: logged in" + tokens.subject().map(s -> " as " + s).orElse("") + "; tokens in "
            + store.file());
        err.flush();
        Json.line(out, Status.view(settings.profile(), store, Optional.of(tokens)));
        return ExitCodes.OK;
      }
    }
  }

  /** {@code mailbridge auth status}. */
  @Command(name = "status", mixinStandardHelpOptions = true,
      description = "Show who is logged in and when the access token expires (never the token). Exit 0 when "
          + "logged in, 2 when not.")
  static final class Status implements Callable<Integer> {
    @Mixin
    ProfileOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Settings settings = options.settings();
      TokenStore store = settings.tokenStore();
      Optional<Tokens> tokens = store.load();
      Json.line(spec.commandLine().getOut(), view(settings.profile(), store, tokens));
      if (tokens.isEmpty()) {
        spec.commandLine().getErr().println("mailbridge: profile '" + settings.profile() + "' is not logged in: run "
            + "`mailbridge auth login --profile " + settings.profile() + "`");
        spec.commandLine().getErr().flush();
        return ExitCodes.CONNECTION;
      }
      return ExitCodes.OK;
    }

    static Map<String, Object> view(String profile, TokenStore store, Optional<Tokens> tokens) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("profile", profile);
      m.put("loggedIn", tokens.isPresent());
      tokens.ifPresent(t -> {
        t.subject().ifPresent(s -> m.put("user", s));
        Instant now = Instant.now();
        m.put("accessTokenExpiresAt", t.expiresAt().toString());
        m.put("accessTokenExpiresInSeconds", Math.max(0, Duration.between(now, t.expiresAt()).toSeconds()));
        m.put("refreshToken", t.refreshToken().isPresent());
        m.put("obtainedAt", t.obtainedAt().toString());
        m.put("scopes", t.scopes());
      });
      m.put("tokenFile", store.file().toString());
      return m;
    }
  }

  /** {@code mailbridge auth logout}. */
  @Command(name = "logout", mixinStandardHelpOptions = true,
      description = "Revoke the login at the provider when it has a revocation endpoint, and delete the token file.")
  static final class Logout implements Callable<Integer> {
    @Mixin
    ProfileOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Settings settings = options.settings();
      TokenStore store = settings.tokenStore();
      PrintWriter err = spec.commandLine().getErr();
      boolean revoked = false;
      boolean had = store.load().isPresent();
      if (had) {
        try {
          revoked = new RefreshingTokenProvider(settings.oauth2(), store).revoke();
        } catch (MailbridgeException e) {
          // Still remove the local copy: the user asked to log out here.
          err.println("mailbridge: warning: could not revoke at the provider (" + e.getMessage() + ")");
        }
      }
      store.delete();
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("profile", settings.profile());
      m.put("loggedOut", had);
      m.put("revoked", revoked);
      m.put("tokenFile", store.file().toString());
      Json.line(spec.commandLine().getOut(), m);
      err.println("mailbridge: " + (had ? "logged out" + (revoked ? " and revoked at the provider" : "")
          : "was not logged in") + " (profile '" + settings.profile() + "')");
      err.flush();
      return ExitCodes.OK;
    }
  }

  private static String human(Duration d) {
    return d.toSeconds() % 60 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  /** Opens the system browser without AWT: xdg-open / open / rundll32, only where a desktop is likely. */
  static final class Browser {
    private Browser() {}

    static boolean open(URI uri) {
      String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
      List<String> cmd;
      if (os.contains("mac")) {
        cmd = List.of("open", uri.toString());
      } else if (os.contains("win")) {
        cmd = List.of("rundll32", "url.dll,FileProtocolHandler", uri.toString());
      } else if (System.getenv("DISPLAY") != null || System.getenv("WAYLAND_DISPLAY") != null) {
        cmd = List.of("xdg-open", uri.toString());
      } else {
        return false;
      }
      try {
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return true;
      } catch (IOException e) {
        return false;
      }
    }
  }
}
