package io.mailbridge.connection.internal;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
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
 * An {@link SSLSocket} that passes its calls on: the JDK's TLS socket cannot be subclassed, so a
 * socket that must change one thing about it (read its input through a guard, open a proxy tunnel
 * before the handshake) wraps it and forwards everything else. TLS calls go to {@link #tls()},
 * socket options and addresses to {@link #plain()}; streams, timeouts, shutdown and close are each
 * subclass's own, since which socket they belong to is what the subclasses differ in.
 */
abstract class ForwardingSslSocket extends SSLSocket {
  /** The TLS socket that TLS calls go to. */
  abstract SSLSocket tls();

  /** The socket whose options and addresses this socket reports. */
  abstract Socket plain();

  @Override
  public void bind(SocketAddress bindpoint) throws IOException {
    plain().bind(bindpoint);
  }

  @Override
  public InetAddress getInetAddress() {
    return plain().getInetAddress();
  }

  @Override
  public InetAddress getLocalAddress() {
    return plain().getLocalAddress();
  }

  @Override
  public int getPort() {
    return plain().getPort();
  }

  @Override
  public int getLocalPort() {
    return plain().getLocalPort();
  }

  @Override
  public SocketAddress getRemoteSocketAddress() {
    return plain().getRemoteSocketAddress();
  }

  @Override
  public SocketAddress getLocalSocketAddress() {
    return plain().getLocalSocketAddress();
  }

  @Override
  public SocketChannel getChannel() {
    return null;
  }

  @Override
  public boolean isConnected() {
    return plain().isConnected();
  }

  @Override
  public boolean isBound() {
    return plain().isBound();
  }

  @Override
  public void setTcpNoDelay(boolean on) throws SocketException {
    plain().setTcpNoDelay(on);
  }

  @Override
  public boolean getTcpNoDelay() throws SocketException {
    return plain().getTcpNoDelay();
  }

  @Override
  public void setSoLinger(boolean on, int linger) throws SocketException {
    plain().setSoLinger(on, linger);
  }

  @Override
  public int getSoLinger() throws SocketException {
    return plain().getSoLinger();
  }

  @Override
  public void setSendBufferSize(int size) throws SocketException {
    plain().setSendBufferSize(size);
  }

  @Override
  public int getSendBufferSize() throws SocketException {
    return plain().getSendBufferSize();
  }

  @Override
  public void setReceiveBufferSize(int size) throws SocketException {
    plain().setReceiveBufferSize(size);
  }

  @Override
  public int getReceiveBufferSize() throws SocketException {
    return plain().getReceiveBufferSize();
  }

  @Override
  public void setKeepAlive(boolean on) throws SocketException {
    plain().setKeepAlive(on);
  }

  @Override
  public boolean getKeepAlive() throws SocketException {
    return plain().getKeepAlive();
  }

  @Override
  public void setTrafficClass(int tc) throws SocketException {
    plain().setTrafficClass(tc);
  }

  @Override
  public int getTrafficClass() throws SocketException {
    return plain().getTrafficClass();
  }

  @Override
  public void setReuseAddress(boolean on) throws SocketException {
    plain().setReuseAddress(on);
  }

  @Override
  public boolean getReuseAddress() throws SocketException {
    return plain().getReuseAddress();
  }

  @Override
  public void setOOBInline(boolean on) throws SocketException {
    plain().setOOBInline(on);
  }

  @Override
  public boolean getOOBInline() throws SocketException {
    return plain().getOOBInline();
  }

  // ---- TLS

  @Override
  public String[] getSupportedCipherSuites() {
    return tls().getSupportedCipherSuites();
  }

  @Override
  public String[] getEnabledCipherSuites() {
    return tls().getEnabledCipherSuites();
  }

  @Override
  public void setEnabledCipherSuites(String[] suites) {
    tls().setEnabledCipherSuites(suites);
  }

  @Override
  public String[] getSupportedProtocols() {
    return tls().getSupportedProtocols();
  }

  @Override
  public String[] getEnabledProtocols() {
    return tls().getEnabledProtocols();
  }

  @Override
  public void setEnabledProtocols(String[] protocols) {
    tls().setEnabledProtocols(protocols);
  }

  @Override
  public SSLSession getSession() {
    return tls().getSession();
  }

  @Override
  public SSLSession getHandshakeSession() {
    return tls().getHandshakeSession();
  }

  @Override
  public void addHandshakeCompletedListener(HandshakeCompletedListener listener) {
    tls().addHandshakeCompletedListener(listener);
  }

  @Override
  public void removeHandshakeCompletedListener(HandshakeCompletedListener listener) {
    tls().removeHandshakeCompletedListener(listener);
  }

  @Override
  public void startHandshake() throws IOException {
    tls().startHandshake();
  }

  @Override
  public void setUseClientMode(boolean mode) {
    tls().setUseClientMode(mode);
  }

  @Override
  public boolean getUseClientMode() {
    return tls().getUseClientMode();
  }

  @Override
  public void setNeedClientAuth(boolean need) {
    tls().setNeedClientAuth(need);
  }

  @Override
  public boolean getNeedClientAuth() {
    return tls().getNeedClientAuth();
  }

  @Override
  public void setWantClientAuth(boolean want) {
    tls().setWantClientAuth(want);
  }

  @Override
  public boolean getWantClientAuth() {
    return tls().getWantClientAuth();
  }

  @Override
  public void setEnableSessionCreation(boolean flag) {
    tls().setEnableSessionCreation(flag);
  }

  @Override
  public boolean getEnableSessionCreation() {
    return tls().getEnableSessionCreation();
  }

  @Override
  public SSLParameters getSSLParameters() {
    return tls().getSSLParameters();
  }

  @Override
  public void setSSLParameters(SSLParameters params) {
    tls().setSSLParameters(params);
  }

  @Override
  public String getApplicationProtocol() {
    return tls().getApplicationProtocol();
  }

  @Override
  public String getHandshakeApplicationProtocol() {
    return tls().getHandshakeApplicationProtocol();
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(BiFunction<SSLSocket, List<String>, String> selector) {
    tls().setHandshakeApplicationProtocolSelector(selector);
  }

  @Override
  public BiFunction<SSLSocket, List<String>, String> getHandshakeApplicationProtocolSelector() {
    return tls().getHandshakeApplicationProtocolSelector();
  }
}
