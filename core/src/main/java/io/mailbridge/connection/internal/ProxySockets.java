package io.mailbridge.connection.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ProxySettings;
import io.mailbridge.connection.ServerInput;
import io.mailbridge.connection.internal.ProxyException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import javax.net.SocketFactory;

/**
 * Socket factories handed to Angus Mail when an endpoint goes through a proxy. Angus creates an
 * unconnected socket with {@code createSocket()} and then calls {@code connect(address, timeout)};
 * our sockets connect to the proxy there instead and open the tunnel to the mail server, so
 * everything Angus does afterwards (greeting, STARTTLS, login) runs through the tunnel.
 *
 * <p>The mail server's name comes from the endpoint, not from the address Angus passes: that
 * address may be an unresolved name (the proxy resolves it) and must not be resolved here.
 */
public final class ProxySockets {
  private ProxySockets() {}

  /**
   * What both factories share: every {@code createSocket} overload makes the unconnected socket of
   * {@link #createSocket()} and connects it to the endpoint's host name, unresolved (the proxy
   * resolves it); the address and local binding Angus passes are not used.
   */
  private abstract static class Tunnelled extends SocketFactory {
    final ProxySettings proxy;
    final String host;

    Tunnelled(ProxySettings proxy, String host) {
      this.proxy = proxy;
      this.host = host;
    }

    @Override
    public abstract Socket createSocket() throws IOException;

    @Override
    public Socket createSocket(String h, int port) throws IOException {
      Socket s = createSocket();
      s.connect(InetSocketAddress.createUnresolved(host, port));
      return s;
    }

    @Override
    public Socket createSocket(String h, int port, InetAddress local, int localPort) throws IOException {
      return createSocket(h, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
      return createSocket(host, port);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) throws IOException {
      return createSocket(host, port);
    }

    @Override
    public String toString() {
      return "ProxySockets." + getClass().getSimpleName() + "[" + proxy + "]";
    }
  }

  /** Plain tunnelled sockets, for STARTTLS (upgraded later through the tunnel) and NONE. */
  public static final class Plain extends Tunnelled {
    private final Endpoint guarded;

    /**
     * @param host the mail server's host name, sent to the proxy
     */
    public Plain(ProxySettings proxy, String host) {
      this(proxy, host, null);
    }

    /**
     * @param guarded whose limits and read timeout apply to what the mail server sends through the
     *     tunnel (until TLS is layered over it), or null
     */
    public Plain(ProxySettings proxy, String host, Endpoint guarded) {
      super(proxy, host);
      this.guarded = guarded;
    }

    @Override
    public Socket createSocket() throws IOException {
      return new TunnelSocket(proxy, host, guarded);
    }
  }

  /**
   * Tunnelled sockets with TLS from the first byte (SSL/TLS). A plain socket factory on purpose:
   * Angus connects a socket it made itself when given an {@code SSLSocketFactory}, so the tunnel
   * must be inside the socket this factory returns ({@link TunnelTlsSocket}).
   */
  public static final class Tls extends Tunnelled {
    private final TlsSockets.Secure tls;

    public Tls(ProxySettings proxy, String host, TlsSockets.Secure tls) {
      super(proxy, host);
      this.tls = tls;
    }

    @Override
    public Socket createSocket() throws IOException {
      return new TunnelTlsSocket(new TunnelSocket(proxy, host), host, tls);
    }
  }

  /** A TCP socket to the proxy that, once {@link #connect connected}, is a tunnel to the mail server. */
  static final class TunnelSocket extends Socket {
    private final ProxySettings proxy;
    private final String host;
    private final Endpoint guarded;
    private int targetPort;
    private boolean open;
    private boolean layered;
    private ServerInput input;

    TunnelSocket(ProxySettings proxy, String host) throws SocketException {
      this(proxy, host, null);
    }

    TunnelSocket(ProxySettings proxy, String host, Endpoint guarded) throws SocketException {
      this.proxy = proxy;
      this.host = host;
      this.guarded = guarded;
      setTcpNoDelay(true);
    }

    /**
     * Once the tunnel is open, what the mail server sends is read through {@link ServerInput}, as on
     * a direct connection; the proxy's own answer before that is bounded by {@link ProxyHandshake}.
     */
    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (guarded == null || !open || layered) {
        return super.getInputStream();
      }
      if (input == null) {
        input = new ServerInput(super.getInputStream(), guarded);
      }
      return input;
    }

    /** TLS is being layered over the tunnel (STARTTLS): its bytes are checked above the TLS instead. */
    synchronized void layered() {
      layered = true;
      if (input != null) {
        input.stopChecking();
      }
    }

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
      connect(endpoint, 0);
    }

    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
      if (!(endpoint instanceof InetSocketAddress target)) {
        throw new IllegalArgumentException("unsupported address type: " + endpoint);
      }
      targetPort = target.getPort();
      InetSocketAddress proxyAddress = new InetSocketAddress(proxy.host(), proxy.port());
      try {
        if (proxyAddress.isUnresolved()) {
          throw new ProxyException(Kind.UNREACHABLE, proxy, "cannot be reached: host '" + proxy.host()
              + "' is unknown: check the proxy host (typo? DNS?)", new UnknownHostException(proxy.host()));
        }
        try {
          super.connect(proxyAddress, timeout);
        } catch (SocketTimeoutException e) {
          throw new ProxyException(Kind.UNREACHABLE, proxy, "cannot be reached: no answer within the connect "
              + "timeout: check the proxy host, port and firewall", e);
        } catch (IOException e) {
          throw new ProxyException(Kind.UNREACHABLE, proxy, "cannot be reached (" + e.getMessage()
              + "): check the proxy host and port and that the proxy is running", e);
        }
        // Each proxy answer is bounded by the read timeout Angus set before connecting.
        ProxyHandshake.open(proxy, host, targetPort, getInputStream(), getOutputStream());
        synchronized (this) {
          open = true;
        }
      } catch (IOException | RuntimeException e) {
        try {
          close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }

    @Override
    public String toString() {
      return "TunnelSocket[" + proxy + " -> " + ProxyHandshake.authority(host, targetPort) + ", "
          + (isConnected() ? "open" : "not connected") + "]";
    }
  }
}
