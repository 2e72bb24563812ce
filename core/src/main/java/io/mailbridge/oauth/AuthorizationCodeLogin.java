package io.mailbridge.oauth;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import io.mailbridge.AuthException;
import io.mailbridge.ConfigException;
import io.mailbridge.oauth.internal.LoopbackListener;
import io.mailbridge.oauth.internal.TokenEndpoint;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One interactive login with the authorization code grant, PKCE (RFC 7636, S256) and a random
 * {@code state}, for native apps as RFC 8252 describes: a listener on {@code 127.0.0.1} receives
 * the browser's redirect, checks {@code state}, shows the user a page saying what happened, and
 * the code is exchanged for tokens.
 *
 * <pre>{@code
 * try (AuthorizationCodeLogin login = AuthorizationCodeLogin.start(settings)) {
 *   System.err.println("Open " + login.authorizationUri());
 *   Tokens tokens = login.awaitTokens();      // waits up to settings.loginTimeout()
 *   TokenStore.at(file).save(tokens);
 * }
 * }</pre>
 */
public final class AuthorizationCodeLogin implements AutoCloseable {
  private final OAuthSettings settings;
  private final LoopbackListener listener;
  private final URI authorizationUri;
  private final CodeVerifier verifier;
  private final String loginHint;

  private AuthorizationCodeLogin(OAuthSettings settings, LoopbackListener listener, URI authorizationUri,
      CodeVerifier verifier, String loginHint) {
    this.settings = settings;
    this.listener = listener;
    this.authorizationUri = authorizationUri;
    this.verifier = verifier;
    this.loginHint = loginHint;
  }

  /** Starts the loopback listener and prepares the authorization URL. */
  public static AuthorizationCodeLogin start(OAuthSettings settings) {
    return start(settings, "run the login again");
  }

  /**
   * @param loginHint what the user should do after a failure, e.g.
   *     "run `mailbridge auth login --profile work` again"
   */
  public static AuthorizationCodeLogin start(OAuthSettings settings, String loginHint) {
    Objects.requireNonNull(settings, "settings");
    if (settings.grant() != OAuthSettings.Grant.AUTHORIZATION_CODE) {
      throw new ConfigException("oauth2.grant is client_credentials: there is nothing to log in to; tokens are "
          + "fetched when connecting");
    }
    State state = new State();
    CodeVerifier verifier = new CodeVerifier();
    LoopbackListener listener = LoopbackListener.start(settings.redirectPort(), state.getValue(), loginHint);
    try {
      AuthorizationRequest.Builder b = new AuthorizationRequest.Builder(ResponseType.CODE,
          new ClientID(settings.clientId()))
          .endpointURI(settings.authorizationEndpoint().orElseThrow())
          .redirectionURI(listener.redirectUri())
          .state(state)
          .codeChallenge(verifier, CodeChallengeMethod.S256);
      if (!settings.scopes().isEmpty()) {
        b.scope(new Scope(settings.scopes().toArray(String[]::new)));
      }
      for (Map.Entry<String, String> e : settings.extraAuthorizationParameters().entrySet()) {
        b.customParameter(e.getKey(), e.getValue());
      }
      return new AuthorizationCodeLogin(settings, listener, b.build().toURI(), verifier, loginHint);
    } catch (RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  /** The URL to open in a browser. */
  public URI authorizationUri() {
    return authorizationUri;
  }

  /** Where the provider sends the browser back: {@code http://127.0.0.1:PORT/callback}. */
  public URI redirectUri() {
    return listener.redirectUri();
  }

  /**
   * Waits for the redirect (up to {@link OAuthSettings#loginTimeout()}) and exchanges the code.
   *
   * @throws AuthException when the user denied access, the state did not match, the redirect was
   *     malformed, the code was refused, or nobody came back in time
   */
  public Tokens awaitTokens() {
    AuthorizationCode code = listener.await(settings.loginTimeout());
    TokenEndpoint endpoint = new TokenEndpoint(settings, Clock.systemUTC());
    return endpoint.request(new AuthorizationCodeGrant(code, listener.redirectUri(), verifier), Optional.empty(),
        loginHint);
  }

  /** Stops the listener (idempotent). */
  @Override
  public void close() {
    listener.close();
  }

  @Override
  public String toString() {
    return "AuthorizationCodeLogin[redirect=" + listener.redirectUri() + ", scopes=" + List.copyOf(settings.scopes())
        + "]";
  }
}
