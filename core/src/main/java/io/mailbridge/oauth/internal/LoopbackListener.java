package io.mailbridge.oauth.internal;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.ParseException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mailbridge.AuthException;
import io.mailbridge.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loopback redirect endpoint of a native-app login (RFC 8252 7.3): an HTTP listener on
 * 127.0.0.1 only, path {@code /callback}. The first redirect decides the outcome: a code with the
 * right state completes the login; an error, a wrong state or a redirect without a code fails it.
 * Either way the browser gets a page saying so.
 */
public final class LoopbackListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LoopbackListener.class);
  static final String PATH = "/callback";

  private final HttpServer server;
  private final ExecutorService executor;
  private final URI redirectUri;
  private final String state;
  private final String loginHint;
  private final CompletableFuture<AuthorizationCode> result = new CompletableFuture<>();
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  private LoopbackListener(HttpServer server, ExecutorService executor, String state, String loginHint) {
    this.server = server;
    this.executor = executor;
    this.state = state;
    this.loginHint = loginHint;
    this.redirectUri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + PATH);
  }

  /** Binds 127.0.0.1:{@code port} (0 = any free port) and starts serving. */
  public static LoopbackListener start(int port, String state, String loginHint) {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 8);
    } catch (BindException e) {
      throw new ConfigException("oauth2.redirectPort " + port + " is in use on 127.0.0.1: free it or choose another "
          + "port registered as redirect URI (0 = any free port, where the provider allows it)", e);
    } catch (IOException e) {
      throw new ConfigException("cannot listen on 127.0.0.1:" + port + " for the login redirect ("
          + e.getMessage() + ")", e);
    }
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "mailbridge-oauth-redirect");
      t.setDaemon(true);
      return t;
    });
    LoopbackListener l = new LoopbackListener(server, executor, state, loginHint);
    server.createContext("/", l::handle);
    server.setExecutor(executor);
    server.start();
    LOG.debug("oauth redirect listener on {}", l.redirectUri);
    return l;
  }

  public URI redirectUri() {
    return redirectUri;
  }

  /** Waits for the first redirect to {@code /callback}. */
  public AuthorizationCode await(Duration timeout) {
    try {
      return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AuthException("login timed out: the browser did not come back to " + redirectUri + " within "
          + human(timeout) + ": " + loginHint + " and finish the login in the browser (with --no-browser, open the "
          + "printed URL on this machine)", null);
    } catch (ExecutionException e) {
      throw (AuthException) e.getCause();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AuthException("login interrupted", e);
    } finally {
      close();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      URI uri = ex.getRequestURI();
      if (!PATH.equals(uri.getPath()) || !"GET".equals(ex.getRequestMethod())) {
        // e.g. /favicon.ico: not a redirect, not the end of the login.
        page(ex, 404, "Not found", "This is Mailbridge's login listener; nothing lives at this address.");
        return;
      }
      if (result.isDone()) {
        page(ex, 409, "Already done", "This login is already finished. Return to the terminal.");
        return;
      }
      URI full = redirectUri.resolve(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
      AuthException failure;
      AuthorizationResponse response;
      try {
        response = AuthorizationResponse.parse(full);
      } catch (ParseException e) {
        failure = new AuthException("login failed: the browser came back to " + redirectUri + " without an "
            + "authorization code or error (wrong redirect URI registered with the provider?): " + loginHint, null);
        fail(ex, failure);
        return;
      }
      if (response.getState() == null || !state.equals(response.getState().getValue())) {
        failure = new AuthException("login failed: the redirect's state does not match this login (a stale browser "
            + "tab, or a forged redirect): nothing was stored; " + loginHint, null);
        fail(ex, failure);
        return;
      }
      if (!response.indicatesSuccess()) {
        ErrorObject err = ((AuthorizationErrorResponse) response).getErrorObject();
        String code = err.getCode() == null ? "error" : err.getCode();
        String detail = code + (err.getDescription() == null ? "" : ": " + err.getDescription().replaceAll("\\s+", " "));
        String why = "access_denied".equals(code) ? "access was denied at the provider (consent not given)"
            : "the provider refused the authorization request";
        fail(ex, new AuthException("login failed: " + why + " (" + detail + "): " + loginHint
            + " and approve access", null));
        return;
      }
      AuthorizationCode code = response.toSuccessResponse().getAuthorizationCode();
      if (code == null) {
        fail(ex, new AuthException("login failed: the browser came back to " + redirectUri + " without an "
            + "authorization code (wrong redirect URI registered with the provider, or no code flow allowed?): "
            + loginHint, null));
        return;
      }
      page(ex, 200, "Mailbridge is logged in",
          "The login succeeded. You can close this tab and return to the terminal.");
      result.complete(code);
    } catch (RuntimeException e) {
      LOG.debug("oauth redirect handling failed: {}", e.getClass().getSimpleName());
      fail(ex, new AuthException("login failed: the redirect could not be handled (" + e.getClass().getSimpleName()
          + "): " + loginHint, e));
    }
  }

  private void fail(HttpExchange ex, AuthException failure) throws IOException {
    page(ex, 400, "Mailbridge login failed", failure.getMessage());
    result.completeExceptionally(failure);
  }

  private static void page(HttpExchange ex, int status, String title, String text) throws IOException {
    String html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>"
        + "<body style=\"font-family:sans-serif;max-width:40em;margin:4em auto\"><h1 id=\"title\">" + escape(title)
        + "</h1><p id=\"message\">" + escape(text) + "</p></body></html>";
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    ex.getResponseHeaders().set("Cache-Control", "no-store");
    ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  private static String human(Duration d) {
    return d.toSeconds() % 60 == 0 && d.toMinutes() > 0 ? d.toMinutes() + " min" : d.toSeconds() + " s";
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Give the last page time to reach the browser before the socket goes away.
    server.stop(result.isDone() ? 1 : 0);
    executor.shutdownNow();
  }
}
