package io.mailbridge.hostile;

import static io.mailbridge.hostile.HostileFixture.READ_TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mailbridge.ConnectionException;
import io.mailbridge.ProtocolException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.ProxySettings;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.testkit.hostile.HostileServer;
import io.mailbridge.testkit.hostile.ImapScript;
import io.mailbridge.testkit.hostile.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A hostile server reached through an HTTP CONNECT proxy with security {@code none}: what it sends
 * through the tunnel is checked exactly as on a direct connection (deadlines and bounds).
 */
class HostileThroughProxyTest {
  private static final Duration LIMIT = READ_TIMEOUT.multipliedBy(2);

  private static Throwable receiveThroughProxy(HostileServer.Script script) throws IOException {
    try (HostileServer s = HostileServer.start(script); ConnectProxy proxy = new ConnectProxy()) {
      MailConnection c = MailConnection.builder().inbound(Endpoint.imap(s.host()).port(s.port())
          .security(Security.NONE).allowPlaintext(true).auth(Auth.basic("bob", Secret.of("hostile-pw")))
          .connectTimeout(READ_TIMEOUT).readTimeout(READ_TIMEOUT).limits(HostileFixture.LIMITS)
          .proxy(ProxySettings.http("127.0.0.1", proxy.port())).build()).build();
      Throwable t = assertTimeoutPreemptively(LIMIT, () -> catchThrowable(() ->
          Receive.from(c).receiveAll(ReceiveSettings.builder().folder("INBOX").build())));
      assertThat(proxy.tunnels).as("tunnels opened by the proxy").isPositive();
      return t;
    }
  }

  @Test
  void tricklingGreetingThroughTheProxyTimesOut() throws IOException {
    Throwable t = receiveThroughProxy(ImapScript.mailbox(1).greeting(Reply.trickle(
        Reply.lines("* OK [CAPABILITY IMAP4rev1] a greeting that takes its time"), Duration.ofSeconds(1))).build());
    assertThat(t).isInstanceOf(ConnectionException.class);
    assertThat(((ConnectionException) t).reason()).isEqualTo(ConnectionException.Reason.TIMEOUT);
  }

  @Test
  void literalFarAboveTheMessageSizeThroughTheProxyIsAProtocolError() throws IOException {
    Throwable t = receiveThroughProxy(ImapScript.mailbox(1).on("UID FETCH", (tag, line) ->
        line.toUpperCase().contains("BODY") ? Reply.text("* 1 FETCH (UID 1 FLAGS () RFC822.SIZE 180 BODY[] {300000000}\r\n")
            : null).build());
    assertThat(t).isInstanceOf(ProtocolException.class).hasMessageContaining("300000000");
  }

  /** The smallest HTTP CONNECT proxy: one tunnel per connection, bytes copied both ways. */
  private static final class ConnectProxy implements AutoCloseable {
    private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    volatile int tunnels;

    ConnectProxy() throws IOException {
      Thread t = new Thread(this::accept, "connect-proxy");
      t.setDaemon(true);
      t.start();
    }

    int port() {
      return server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          Thread t = new Thread(() -> tunnel(client), "connect-proxy-tunnel");
          t.setDaemon(true);
          t.start();
        } catch (IOException e) {
          return;
        }
      }
    }

    private void tunnel(Socket client) {
      try (client) {
        InputStream in = client.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
          int c = in.read();
          if (c < 0) {
            return;
          }
          head.write(c);
        }
        String target = head.toString(StandardCharsets.ISO_8859_1).split(" ")[1];
        int colon = target.lastIndexOf(':');
        try (Socket upstream = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)))) {
          tunnels++;
          client.getOutputStream().write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
          Thread up = new Thread(() -> copy(in, upstream), "connect-proxy-up");
          up.setDaemon(true);
          up.start();
          copy(upstream.getInputStream(), client);
        }
      } catch (IOException | RuntimeException e) {
        // the client or the server went away
      }
    }

    private static void copy(InputStream from, Socket to) {
      try {
        OutputStream out = to.getOutputStream();
        byte[] buf = new byte[8192];
        for (int n; (n = from.read(buf)) >= 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
        to.shutdownOutput();
      } catch (IOException e) {
        // one side closed
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
