package io.mailbridge.connection.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.BiFunction;
import javax.net.ssl.HandshakeCompletedListener;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * An SSL/TLS socket whose {@link #connect} first opens the proxy tunnel and then layers the JDK's
 * TLS socket (from {@link TlsSockets.Secure}: TLS 1.2+, certificate checked against the mail host)
 * over it. Angus Mail needs an unconnected {@link SSLSocket} from a plain socket factory to keep
 * its own TLS code out of the way; every call is passed to the layered socket once connected, to
 * the tunnel socket before.
 */
final class TunnelTlsSocket extends SSLSocket {
  private final ProxySockets.TunnelSocket raw;
  private final String host;
  private final TlsSockets.Secure tls;
  private volatile SSLSocket ssl;

  TunnelTlsSocket(ProxySockets.TunnelSocket raw, String host, TlsSockets.Secure tls) {
    this.raw = raw;
    this.host = host;
    this.tls = tls;
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

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    connect(endpoint, 0);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    raw.connect(endpoint, timeout);
    try {
      // The certificate is checked against the mail host (Secure ignores the name passed here).
      ssl = (SSLSocket) tls.createSocket(raw, host, raw.getPort(), true);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    raw.bind(bindpoint);
  }

  // ---- state and addresses: the tunnel's until TLS is layered, then the TLS socket's

  @Override
  public InetAddress getInetAddress() {
    return raw.getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return raw.getLocalAddress();
  }

  @Override
  public int getPort() {
    return raw.getPort();
  }

  @Override
  public int getLocalPort() {
    return raw.getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return raw.getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return raw.getLocalSocketAddress();
  }

  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public InputStream getInputStream() throws IOException {
    return ssl().getInputStream();
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return ssl().getOutputStream();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    raw.setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return raw.getTcpNoDelay();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    raw.setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return raw.getSoLinger();
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
  public void setSendBufferSize(int size) throws SocketException {
    raw.setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return raw.getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    raw.setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return raw.getReceiveBufferSize();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    raw.setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return raw.getKeepAlive();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    raw.setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return raw.getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    raw.setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return raw.getReuseAddress();
  }

  @Override
  public void setOOBInline(boolean on) throws SocketException {
    raw.setOOBInline(on);
  }

  @Override
  public boolean getOOBInline() throws SocketException {
    return raw.getOOBInline();
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
  public boolean isConnected() {
    return raw.isConnected();
  }

  @Override
  public boolean isBound() {
    return raw.isBound();
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

  // ---- SSLSocket: only meaningful once connected

  @Override
  public String[] getSupportedCipherSuites() {
    return tls.getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    SSLSocket s = sslOrNull();
    return s != null ? s.getEnabledCipherSuites() : tls.getDefaultCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    requireConnected().setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return requireConnected().getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return requireConnected().getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    requireConnected().setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return requireConnected().getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return requireConnected().getHandshakeSession();
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    requireConnected().addHandshakeCompletedListener(listener);
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    requireConnected().removeHandshakeCompletedListener(listener);
  }

  @Override
  public void startHandshake() throws IOException {
    ssl().startHandshake();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    requireConnected().setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return true;
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    requireConnected().setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return false;
  }

  @Override
  public void setWantClientAuth(boolean want) {
    requireConnected().setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return false;
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    requireConnected().setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    SSLSocket s = sslOrNull();
    return s == null || s.getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return requireConnected().getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    requireConnected().setSSLParameters(params);
  }

  @Override
  public String getApplicationProtocol() {
    return requireConnected().getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return requireConnected().getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
    requireConnected().setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return requireConnected().getHandshakeApplicationProtocolSelector();
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
