package io.mailbridge.connection.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import javax.net.ssl.SSLSocket;

/**
 * An SSL/TLS socket whose {@link #connect} first opens the proxy tunnel and then layers the JDK's
 * TLS socket (from {@link TlsSockets.Secure}: TLS 1.2+, certificate checked against the mail host)
 * over it. Angus Mail needs an unconnected {@link SSLSocket} from a plain socket factory to keep
 * its own TLS code out of the way. Options and addresses are the tunnel's; streams, timeouts and
 * state are the layered socket's once connected, the tunnel's before.
 */
final class TunnelTlsSocket extends ForwardingSslSocket {
  private final ProxySockets.TunnelSocket raw;
  private final String host;
  private final TlsSockets.Secure factory;
  private volatile SSLSocket ssl;

  TunnelTlsSocket(ProxySockets.TunnelSocket raw, String host, TlsSockets.Secure tls) {
    this.raw = raw;
    this.host = host;
    this.factory = tls;
  }

  private SSLSocket ssl() throws SocketException {
    SSLSocket s = ssl;
    if (s == null) {
      throw new SocketException("TLS socket not connected yet");
    }
    return s;
  }

  private SSLSocket sslOrNull() {
    return ssl;
  }

  /** TLS calls before {@link #connect} have no TLS socket to go to. */
  @Override
  SSLSocket tls() {
    return requireConnected();
  }

  /** Options and addresses are the tunnel's, before and after TLS is layered over it. */
  @Override
  Socket plain() {
    return raw;
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    raw.connect(endpoint, timeout);
    try {
      // The certificate is checked against the mail host (Secure ignores the name passed here).
      ssl = (SSLSocket) factory.createSocket(raw, host, raw.getPort(), true);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  // ---- streams, timeouts and state: the tunnel's until TLS is layered, then the TLS socket's

  @Override
  public InputStream getInputStream() throws IOException {
    return ssl().getInputStream();
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return ssl().getOutputStream();
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    SSLSocket s = sslOrNull();
    if (s != null) {
      s.setSoTimeout(timeout);
    } else {
      raw.setSoTimeout(timeout);
    }
  }

  @Override
  public int getSoTimeout() throws SocketException {
    SSLSocket s = sslOrNull();
    return s != null ? s.getSoTimeout() : raw.getSoTimeout();
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    ssl().sendUrgentData(data);
  }

  @Override
  public void close() throws IOException {
    SSLSocket s = sslOrNull();
    if (s != null) {
      s.close();
    }
    raw.close();
  }

  @Override
  public void shutdownInput() throws IOException {
    ssl().shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    ssl().shutdownOutput();
  }

  @Override
  public boolean isClosed() {
    SSLSocket s = sslOrNull();
    return s != null ? s.isClosed() : raw.isClosed();
  }

  @Override
  public boolean isInputShutdown() {
    SSLSocket s = sslOrNull();
    return s != null ? s.isInputShutdown() : raw.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    SSLSocket s = sslOrNull();
    return s != null ? s.isOutputShutdown() : raw.isOutputShutdown();
  }

  // ---- TLS answers that hold before the TLS socket exists (the rest is only meaningful once connected)

  @Override
  public String[] getSupportedCipherSuites() {
    return factory.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    SSLSocket s = sslOrNull();
    return s != null ? s.getEnabledCipherSuites() : factory.getDefaultCipherSuites();
  }

  @Override
  public void startHandshake() throws IOException {
    ssl().startHandshake();
  }

  @Override
  public boolean getUseClientMode() {
    return true;
  }

  @Override
  public boolean getNeedClientAuth() {
    return false;
  }

  @Override
  public boolean getWantClientAuth() {
    return false;
  }

  @Override
  public boolean getEnableSessionCreation() {
    SSLSocket s = sslOrNull();
    return s == null || s.getEnableSessionCreation();
  }

  private SSLSocket requireConnected() {
    SSLSocket s = sslOrNull();
    if (s == null) {
      throw new IllegalStateException("TLS socket not connected yet");
    }
    return s;
  }

  @Override
  public String toString() {
    return "TunnelTlsSocket[" + raw + "]";
  }
}
