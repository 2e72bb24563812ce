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
  private static final int START_ATTEMPTS = 3;
  private static final long STARTUP_TIMEOUT_MS = 30_000;
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

  /**
   * Starts on fresh free ports. GreenMail waits only 2 s for its server threads by default, which a
   * loaded machine can exceed; and a port {@link #freePort} handed out can be taken by another
   * process before GreenMail binds it, which GreenMail reports the same way. So the wait is long and
   * a failed start is tried again on other ports.
   */
  public void start() {
    IllegalStateException failure = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      smtpPort = freePort();
      imapPort = freePort();
      greenMail = new GreenMail(new ServerSetup[] {
          setup(smtpPort, ServerSetup.PROTOCOL_SMTP), setup(imapPort, ServerSetup.PROTOCOL_IMAP)});
      try {
        greenMail.start();
        return;
      } catch (IllegalStateException e) {
        greenMail.stop();
        greenMail = null;
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    throw failure;
  }

  private static ServerSetup setup(int port, String protocol) {
    ServerSetup setup = new ServerSetup(port, "127.0.0.1", protocol);
    setup.setServerStartupTimeout(STARTUP_TIMEOUT_MS);
    return setup;
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
