package io.mailbridge.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys a profile in {@code mailbridge.yaml} may hold (dotted, as {@link Settings} flattens
 * them): a typo such as {@code passwrod} is an error naming the nearest known key, never a
 * setting silently ignored.
 */
final class ProfileKeys {
  /** Keys for both servers, or for one when prefixed with {@code imap.} or {@code smtp.}. */
  private static final List<String> SHARED = List.of("user", "password", "passwordFile", "auth", "caFile",
      "connectTimeout", "readTimeout", "allowPlaintext", "proxy", "proxyPassword", "proxyPasswordFile");
  private static final List<String> SERVER = List.of("host", "port", "security");
  private static final List<String> OAUTH2 = List.of("provider", "tenant", "clientId", "clientSecret",
      "clientSecretFile", "grant", "issuer", "authorizationEndpoint", "tokenEndpoint", "revocationEndpoint", "scopes",
      "mechanism", "redirectPort", "loginTimeout", "refreshSkew", "tokenFile");
  private static final Set<String> KNOWN = known();

  private ProfileKeys() {}

  private static Set<String> known() {
    Set<String> out = new TreeSet<>(SHARED);
    ServerLimitsSettings.NAMES.forEach(n -> out.add("limits." + n));
    for (String role : List.of("imap.", "smtp.")) {
      SHARED.forEach(k -> out.add(role + k));
      SERVER.forEach(k -> out.add(role + k));
      ServerLimitsSettings.NAMES.forEach(n -> out.add(role + "limits." + n));
    }
    OAUTH2.forEach(k -> out.add("oauth2." + k));
    out.add("journal.maxAge");
    out.add("journal.maxRecords");
    return out;
  }

  static boolean known(String key) {
    return KNOWN.contains(key);
  }

  /** The known key closest to {@code key} (edit distance, ignoring case), when one is close enough. */
  static Optional<String> nearest(String key) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    List<String> candidates = new ArrayList<>(KNOWN);
    for (String k : candidates) {
      int d = distance(key.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return bestDistance <= Math.max(2, key.length() / 2) ? Optional.ofNullable(best) : Optional.empty();
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
