package io.mailbridge.connection.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ServerInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket whose decrypted input is read through {@link ServerInput}: the JDK's own TLS socket
 * cannot be subclassed, so every call is passed to it and only the input stream is wrapped.
 */
final class GuardedTlsSocket extends SSLSocket {
  private final SSLSocket inner;
  private final Endpoint endpoint;
  private InputStream input;

  GuardedTlsSocket(SSLSocket inner, Endpoint endpoint) {
    this.inner = inner;
    this.endpoint = endpoint;
  }

  @Override
  public synchronized InputStream getInputStream() throws IOException {
    if (input == null) {
      input = new ServerInput(inner.getInputStream(), endpoint);
    }
    return input;
  }

  @Override
  public OutputStream getOutputStream() throws IOException {
    return inner.getOutputStream();
  }

  @Override
  public <T> T getOption(java.net.SocketOption<T> name) throws IOException {
    return inner.getOption(name);
  }

  @Override
  public <T> java.net.Socket setOption(java.net.SocketOption<T> name, T value) throws IOException {
    inner.setOption(name, value);
    return this;
  }

  @Override
  public String toString() {
    return inner.toString();
  }

  @Override
  public boolean getEnableSessionCreation() {
    return inner.getEnableSessionCreation();
  }

  @Override
  public boolean getNeedClientAuth() {
    return inner.getNeedClientAuth();
  }

  @Override
  public boolean getUseClientMode() {
    return inner.getUseClientMode();
  }

  @Override
  public boolean getWantClientAuth() {
    return inner.getWantClientAuth();
  }

  @Override
  public java.lang.String[] getEnabledCipherSuites() {
    return inner.getEnabledCipherSuites();
  }

  @Override
  public java.lang.String[] getEnabledProtocols() {
    return inner.getEnabledProtocols();
  }

  @Override
  public java.lang.String[] getSupportedCipherSuites() {
    return inner.getSupportedCipherSuites();
  }

  @Override
  public java.lang.String[] getSupportedProtocols() {
    return inner.getSupportedProtocols();
  }

  @Override
  public javax.net.ssl.SSLSession getSession() {
    return inner.getSession();
  }

  @Override
  public void addHandshakeCompletedListener(javax.net.ssl.HandshakeCompletedListener a0) {
    inner.addHandshakeCompletedListener(a0);
  }

  @Override
  public void removeHandshakeCompletedListener(javax.net.ssl.HandshakeCompletedListener a0) {
    inner.removeHandshakeCompletedListener(a0);
  }

  @Override
  public void setEnableSessionCreation(boolean a0) {
    inner.setEnableSessionCreation(a0);
  }

  @Override
  public void setEnabledCipherSuites(java.lang.String[] a0) {
    inner.setEnabledCipherSuites(a0);
  }

  @Override
  public void setEnabledProtocols(java.lang.String[] a0) {
    inner.setEnabledProtocols(a0);
  }

  @Override
  public void setNeedClientAuth(boolean a0) {
    inner.setNeedClientAuth(a0);
  }

  @Override
  public void setUseClientMode(boolean a0) {
    inner.setUseClientMode(a0);
  }

  @Override
  public void setWantClientAuth(boolean a0) {
    inner.setWantClientAuth(a0);
  }

  @Override
  public void startHandshake() throws java.io.IOException {
    inner.startHandshake();
  }

  @Override
  public boolean getKeepAlive() throws java.net.SocketException {
    return inner.getKeepAlive();
  }

  @Override
  public boolean getOOBInline() throws java.net.SocketException {
    return inner.getOOBInline();
  }

  @Override
  public boolean getReuseAddress() throws java.net.SocketException {
    return inner.getReuseAddress();
  }

  @Override
  public boolean getTcpNoDelay() throws java.net.SocketException {
    return inner.getTcpNoDelay();
  }

  @Override
  public boolean isBound() {
    return inner.isBound();
  }

  @Override
  public boolean isClosed() {
    return inner.isClosed();
  }

  @Override
  public boolean isConnected() {
    return inner.isConnected();
  }

  @Override
  public boolean isInputShutdown() {
    return inner.isInputShutdown();
  }

  @Override
  public boolean isOutputShutdown() {
    return inner.isOutputShutdown();
  }

  @Override
  public int getLocalPort() {
    return inner.getLocalPort();
  }

  @Override
  public int getPort() {
    return inner.getPort();
  }

  @Override
  public int getSoLinger() throws java.net.SocketException {
    return inner.getSoLinger();
  }

  @Override
  public int getTrafficClass() throws java.net.SocketException {
    return inner.getTrafficClass();
  }

  @Override
  public java.lang.String getApplicationProtocol() {
    return inner.getApplicationProtocol();
  }

  @Override
  public java.lang.String getHandshakeApplicationProtocol() {
    return inner.getHandshakeApplicationProtocol();
  }

  @Override
  public java.net.InetAddress getInetAddress() {
    return inner.getInetAddress();
  }

  @Override
  public java.net.InetAddress getLocalAddress() {
    return inner.getLocalAddress();
  }

  @Override
  public java.net.SocketAddress getLocalSocketAddress() {
    return inner.getLocalSocketAddress();
  }

  @Override
  public java.net.SocketAddress getRemoteSocketAddress() {
    return inner.getRemoteSocketAddress();
  }

  @Override
  public java.nio.channels.SocketChannel getChannel() {
    return null;
  }

  @Override
  public java.util.Set<java.net.SocketOption<?>> supportedOptions() {
    return inner.supportedOptions();
  }

  @Override
  public java.util.function.BiFunction<javax.net.ssl.SSLSocket, java.util.List<java.lang.String>, java.lang.String> getHandshakeApplicationProtocolSelector() {
    return inner.getHandshakeApplicationProtocolSelector();
  }

  @Override
  public javax.net.ssl.SSLParameters getSSLParameters() {
    return inner.getSSLParameters();
  }

  @Override
  public javax.net.ssl.SSLSession getHandshakeSession() {
    return inner.getHandshakeSession();
  }

  @Override
  public int getReceiveBufferSize() throws java.net.SocketException {
    return inner.getReceiveBufferSize();
  }

  @Override
  public int getSendBufferSize() throws java.net.SocketException {
    return inner.getSendBufferSize();
  }

  @Override
  public int getSoTimeout() throws java.net.SocketException {
    return inner.getSoTimeout();
  }

  @Override
  public void close() throws java.io.IOException {
    inner.close();
  }

  @Override
  public void setReceiveBufferSize(int a0) throws java.net.SocketException {
    inner.setReceiveBufferSize(a0);
  }

  @Override
  public void setSendBufferSize(int a0) throws java.net.SocketException {
    inner.setSendBufferSize(a0);
  }

  @Override
  public void setSoTimeout(int a0) throws java.net.SocketException {
    inner.setSoTimeout(a0);
  }

  @Override
  public void bind(java.net.SocketAddress a0) throws java.io.IOException {
    inner.bind(a0);
  }

  @Override
  public void connect(java.net.SocketAddress a0) throws java.io.IOException {
    inner.connect(a0);
  }

  @Override
  public void connect(java.net.SocketAddress a0, int a1) throws java.io.IOException {
    inner.connect(a0, a1);
  }

  @Override
  public void sendUrgentData(int a0) throws java.io.IOException {
    inner.sendUrgentData(a0);
  }

  @Override
  public void setHandshakeApplicationProtocolSelector(java.util.function.BiFunction<javax.net.ssl.SSLSocket, java.util.List<java.lang.String>, java.lang.String> a0) {
    inner.setHandshakeApplicationProtocolSelector(a0);
  }

  @Override
  public void setKeepAlive(boolean a0) throws java.net.SocketException {
    inner.setKeepAlive(a0);
  }

  @Override
  public void setOOBInline(boolean a0) throws java.net.SocketException {
    inner.setOOBInline(a0);
  }

  @Override
  public void setPerformancePreferences(int a0, int a1, int a2) {
    inner.setPerformancePreferences(a0, a1, a2);
  }

  @Override
  public void setReuseAddress(boolean a0) throws java.net.SocketException {
    inner.setReuseAddress(a0);
  }

  @Override
  public void setSSLParameters(javax.net.ssl.SSLParameters a0) {
    inner.setSSLParameters(a0);
  }

  @Override
  public void setSoLinger(boolean a0, int a1) throws java.net.SocketException {
    inner.setSoLinger(a0, a1);
  }

  @Override
  public void setTcpNoDelay(boolean a0) throws java.net.SocketException {
    inner.setTcpNoDelay(a0);
  }

  @Override
  public void setTrafficClass(int a0) throws java.net.SocketException {
    inner.setTrafficClass(a0);
  }

  @Override
  public void shutdownInput() throws java.io.IOException {
    inner.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws java.io.IOException {
    inner.shutdownOutput();
  }

}
