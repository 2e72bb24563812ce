package io.mailbridge;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.ScriptedSmtpServer;

/**
 * The core-typed side of the testkit's servers: {@link Endpoint}s and {@link MailConnection}s for
 * a user of the real stack or for a scripted server. The servers themselves, and everything that
 * seeds or reads a mailbox, live in the testkit and speak the protocols without core.
 */
public final class TestEndpoints {
  private TestEndpoints() {}

  /** Plain SMTP without TLS or AUTH to the scripted server. */
  public static Endpoint of(ScriptedSmtpServer server) {
    return plainSmtp(server.port());
  }

  /** Plain SMTP without TLS or AUTH to a test server on 127.0.0.1. */
  public static Endpoint plainSmtp(int port) {
    return Endpoint.smtp("127.0.0.1").port(port).security(Security.NONE).allowPlaintext(true).build();
  }

  /** The user's IMAPS (implicit TLS) on the stack, the stack's CA trusted. */
  public static Endpoint imaps(MailStack stack, MailStack.User user) {
    return imaps(stack, user, stack.imapsPort());
  }

  /** The user's IMAPS through another port on the stack's host (a proxy in front of it), the stack's CA trusted. */
  public static Endpoint imaps(MailStack stack, MailStack.User user, int port) {
    return Endpoint.imap(stack.host()).port(port).security(Security.SSL_TLS).trustedCertificates(stack.ca())
        .auth(basic(user)).build();
  }

  /** The user's submission port (STARTTLS + AUTH). */
  public static Endpoint submission(MailStack stack, MailStack.User user) {
    return Endpoint.smtp(stack.host()).port(stack.submissionPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(basic(user)).build();
  }

  /** The user's SMTPS (implicit TLS + AUTH). */
  public static Endpoint smtps(MailStack stack, MailStack.User user) {
    return Endpoint.smtp(stack.host()).port(stack.smtpsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(basic(user)).build();
  }

  /** A connection that receives as the user over IMAPS. */
  public static MailConnection inbound(MailStack stack, MailStack.User user) {
    return MailConnection.builder().inbound(imaps(stack, user)).build();
  }

  /** A connection that sends through submission and receives over IMAPS as the user. */
  public static MailConnection both(MailStack stack, MailStack.User user) {
    return MailConnection.builder().outbound(submission(stack, user)).inbound(imaps(stack, user)).build();
  }

  private static Auth basic(MailStack.User user) {
    return Auth.basic(user.user(), Secret.of(user.password()));
  }
}
