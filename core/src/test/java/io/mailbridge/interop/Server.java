package io.mailbridge.interop;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.InteropServers;
import io.mailbridge.testkit.MailStack;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One IMAP server of the interoperability suite: the stack's Dovecot (implicit TLS) or one of the
 * interop stack's servers (plain IMAP on loopback), with alice's credentials.
 */
record Server(String name, String version, String host, int port, Optional<Path> ca, String user, String password) {

  /**
   * Every running server; empty pieces when a stack is not running. {@code INTEROP_TEST_SERVERS}
   * (names, comma-separated) narrows the list while working on one server.
   */
  static List<Server> all() {
    String only = System.getenv("INTEROP_TEST_SERVERS");
    List<Server> all = running();
    if (only == null || only.isBlank()) {
      return all;
    }
    List<String> names = List.of(only.split("\\s*,\\s*"));
    return all.stream().filter(s -> names.contains(s.name())).toList();
  }

  private static List<Server> running() {
    List<Server> out = new ArrayList<>();
    MailStack.find().ifPresent(s -> out.add(new Server("dovecot", "Dovecot " + dovecotVersion(), s.host(),
        s.imapsPort(), Optional.of(s.ca()), s.alice().user(), s.alice().password())));
    InteropServers.find().ifPresent(i -> i.servers().forEach(s -> out.add(new Server(s.name(), s.version(),
        s.host(), s.port(), Optional.empty(), s.alice().user(), s.alice().password()))));
    return out;
  }

  private static String dovecotVersion() {
    try {
      Process p = new ProcessBuilder("dovecot", "--version").redirectErrorStream(true).start();
      String v = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      return v.isEmpty() ? "?" : v.split("\\s+")[0] + " (scripts/mailstack)";
    } catch (java.io.IOException e) {
      return "? (scripts/mailstack)";
    }
  }

  Endpoint endpoint() {
    Endpoint.Builder b = Endpoint.imap(host).port(port).auth(Auth.basic(user, Secret.of(password)))
        .readTimeout(Duration.ofSeconds(20));
    if (ca.isPresent()) {
      b.security(Security.SSL_TLS).trustedCertificates(ca.get());
    } else {
      b.security(Security.NONE).allowPlaintext(true);
    }
    return b.build();
  }

  MailConnection connection() {
    return MailConnection.builder().inbound(endpoint()).build();
  }

  Peer peer() {
    return new Peer(this);
  }

  @Override
  public String toString() {
    return name;
  }
}
