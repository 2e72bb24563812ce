package io.mailbridge.hostile;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.ServerLimits;
import io.mailbridge.testkit.hostile.HostileServer;
import java.time.Duration;

/** Connections to a {@link HostileServer} on loopback, in plain text, with short timeouts. */
final class HostileFixture {
  /** The read timeout every hostile scenario runs with: each must end within twice this. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(3);
  /** Lines up to 1 MiB: a longer hostile line is refused quickly even on a loaded machine. */
  static final ServerLimits LIMITS = ServerLimits.defaults().withMaxLineBytes(1 << 20);

  private HostileFixture() {}

  static MailConnection imap(HostileServer s) {
    return imap(s, LIMITS);
  }

  static MailConnection imap(HostileServer s, ServerLimits limits) {
    return MailConnection.builder().inbound(Endpoint.imap(s.host()).port(s.port()).security(Security.NONE)
        .allowPlaintext(true).auth(Auth.basic("bob", Secret.of("hostile-pw"))).connectTimeout(READ_TIMEOUT)
        .readTimeout(READ_TIMEOUT).limits(limits).build()).build();
  }

  static MailConnection smtp(HostileServer s) {
    return MailConnection.builder().outbound(Endpoint.smtp(s.host()).port(s.port()).security(Security.NONE)
        .allowPlaintext(true).auth(Auth.basic("bob", Secret.of("hostile-pw"))).connectTimeout(READ_TIMEOUT)
        .readTimeout(READ_TIMEOUT).limits(LIMITS).build()).build();
  }
}
