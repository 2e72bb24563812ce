package io.mailbridge.testkit;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * In-process GreenMail on free loopback ports (plain SMTP and IMAP), fresh for every test:
 * <pre>{@code
 * @RegisterExtension static GreenMailFixture mail = new GreenMailFixture();
 * ... mail.imapPort(), mail.user("alice") ...
 * }</pre>
 * Use it for fast tests; protocol claims are proven against the real stack ({@link RealServer}).
 */
public final class GreenMailFixture implements BeforeEachCallback, AfterEachCallback {
  public static final String PASSWORD = "greenmail-secret";
  private GreenMail greenMail;
  private int smtpPort;
  private int imapPort;

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    stop();
  }

  /** Starts on fresh free ports. */
  public void start() {
    smtpPort = freePort();
    imapPort = freePort();
    greenMail = new GreenMail(new ServerSetup[] {
        new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP),
        new ServerSetup(imapPort, "127.0.0.1", ServerSetup.PROTOCOL_IMAP)});
    greenMail.start();
  }

  public void stop() {
    if (greenMail != null) {
      greenMail.stop();
      greenMail = null;
    }
  }

  /** Creates (or returns) a user {@code name@example.test} with password {@link #PASSWORD}. */
  public String user(String name) {
    String email = name + "@example.test";
    greenMail.setUser(email, email, PASSWORD);
    return email;
  }

  public GreenMail greenMail() {
    return greenMail;
  }

  public int smtpPort() {
    return smtpPort;
  }

  public int imapPort() {
    return imapPort;
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException("no free port", e);
    }
  }
}
