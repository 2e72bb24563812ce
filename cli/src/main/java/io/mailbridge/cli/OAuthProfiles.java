package io.mailbridge.cli;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Secret;
import io.mailbridge.oauth.OAuthSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The {@code oauth2.*} keys of a profile, turned into {@link OAuthSettings} in one place:
 * <pre>
 * oauth2.provider      google | microsoft | custom (default: custom)
 * oauth2.tenant        Microsoft tenant (default: common)
 * oauth2.issuer        custom: discover endpoints from this issuer URL
 * oauth2.authorizationEndpoint, oauth2.tokenEndpoint, oauth2.revocationEndpoint   custom, or overrides
 * oauth2.clientId      required
 * oauth2.clientSecretFile   file whose first line is the client secret (public clients: none)
 * oauth2.scopes        space- or comma-separated (default: the provider's)
 * oauth2.redirectPort  loopback port of `auth login` (default: 0 = any free port)
 * oauth2.grant         authorization_code (default) | client_credentials
 * oauth2.mechanism     xoauth2 (default) | oauthbearer
 * oauth2.loginTimeout, oauth2.refreshSkew   durations (defaults 5m, 60s)
 * oauth2.tokenFile     default ~/.config/mailbridge/tokens/PROFILE.json
 * </pre>
 */
final class OAuthProfiles {
  private OAuthProfiles() {}

  static String loginHint(String profile) {
    return "run `mailbridge auth login --profile " + profile + "` again";
  }

  static OAuthSettings settings(Settings s) {
    String provider = s.get("oauth2.provider").map(p -> p.strip().toLowerCase(Locale.ROOT)).orElse("custom");
    OAuthSettings.Builder b = switch (provider) {
      case "google", "gmail" -> OAuthSettings.google();
      case "microsoft", "office365", "outlook" -> OAuthSettings.microsoft(s.get("oauth2.tenant").orElse("common"));
      case "custom" -> s.get("oauth2.issuer").map(i -> OAuthSettings.discover(uri("oauth2.issuer", i)))
          .orElseGet(OAuthSettings::builder);
      default -> throw new ConfigException("oauth2.provider '" + provider + "' is not one of google, microsoft, custom");
    };
    s.get("oauth2.grant").ifPresent(g -> b.grant(grant(g)));
    s.get("oauth2.authorizationEndpoint").ifPresent(u -> b.authorizationEndpoint(uri("oauth2.authorizationEndpoint", u)));
    s.get("oauth2.tokenEndpoint").ifPresent(u -> b.tokenEndpoint(uri("oauth2.tokenEndpoint", u)));
    s.get("oauth2.revocationEndpoint").ifPresent(u -> b.revocationEndpoint(uri("oauth2.revocationEndpoint", u)));
    b.clientId(s.get("oauth2.clientId").orElseThrow(() -> new ConfigException("oauth2.clientId is missing in profile '"
        + s.profile() + "': register an application with the provider and set oauth2.clientId (or "
        + "MAILBRIDGE_OAUTH2_CLIENT_ID)")));
    Optional<String> secretFile = s.get("oauth2.clientSecretFile");
    if (secretFile.isPresent()) {
      b.clientSecret(Secret.fromFile(Settings.expand(secretFile.get())));
    } else {
      s.get("oauth2.clientSecret").map(Secret::of).ifPresent(b::clientSecret);
    }
    s.get("oauth2.scopes").ifPresent(v -> b.scopes(scopes(v)));
    s.get("oauth2.redirectPort").ifPresent(p -> b.redirectPort(Settings.parseInt("oauth2.redirectPort", p)));
    s.get("oauth2.loginTimeout").ifPresent(t -> b.loginTimeout(Settings.parseDuration("oauth2.loginTimeout", t)));
    s.get("oauth2.refreshSkew").ifPresent(t -> b.refreshSkew(Settings.parseDuration("oauth2.refreshSkew", t)));
    return b.build();
  }

  static Auth.OAuth2.Mechanism mechanism(Settings s) {
    String m = s.get("oauth2.mechanism").orElse("xoauth2").strip().toUpperCase(Locale.ROOT);
    try {
      return Auth.OAuth2.Mechanism.valueOf(m);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("oauth2.mechanism '" + m.toLowerCase(Locale.ROOT) + "' is not one of xoauth2, "
          + "oauthbearer");
    }
  }

  private static OAuthSettings.Grant grant(String g) {
    String norm = g.strip().toUpperCase(Locale.ROOT).replace('-', '_');
    try {
      return OAuthSettings.Grant.valueOf(norm);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("oauth2.grant '" + g + "' is not one of authorization_code, client_credentials");
    }
  }

  private static List<String> scopes(String v) {
    // A YAML list arrives flattened as "[a, b]".
    return Arrays.stream(v.replace("[", " ").replace("]", " ").split("[\\s,]+")).filter(x -> !x.isEmpty()).toList();
  }

  private static URI uri(String field, String v) {
    try {
      return new URI(v.strip());
    } catch (URISyntaxException e) {
      throw new ConfigException(field + " '" + v + "' is not a URL");
    }
  }
}
