package io.mailbridge.connection.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ServerInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.util.Set;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket whose decrypted input is read through {@link ServerInput}: the JDK's own TLS socket
 * cannot be subclassed, so every call is passed to it and only the input stream is wrapped.
 */
final class GuardedTlsSocket extends ForwardingSslSocket {
  private final SSLSocket inner;
  private final Endpoint endpoint;
  private InputStream input;

  GuardedTlsSocket(SSLSocket inner, Endpoint endpoint) {
    this.inner = inner;
    this.endpoint = endpoint;
  }

  @Override
  SSLSocket tls() {
    return inner;
  }

  @Override
  Socket plain() {
    return inner;
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
  public <T> T getOption(SocketOption<T> name) throws IOException {
    return inner.getOption(name);
  }

  @Override
  public <T> Socket setOption(SocketOption<T> name, T value) throws IOException {
    inner.setOption(name, value);
    return this;
  }

  @Override
  public Set<SocketOption<?>> supportedOptions() {
    return inner.supportedOptions();
  }

  @Override
  public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    inner.setPerformancePreferences(connectionTime, latency, bandwidth);
  }

  @Override
  public void connect(SocketAddress endpoint) throws IOException {
    inner.connect(endpoint);
  }

  @Override
  public void connect(SocketAddress endpoint, int timeout) throws IOException {
    inner.connect(endpoint, timeout);
  }

  @Override
  public void setSoTimeout(int timeout) throws SocketException {
    inner.setSoTimeout(timeout);
  }

  @Override
  public int getSoTimeout() throws SocketException {
    return inner.getSoTimeout();
  }

  @Override
  public void sendUrgentData(int data) throws IOException {
    inner.sendUrgentData(data);
  }

  @Override
  public boolean isClosed() {
    return inner.isClosed();
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
  public void shutdownInput() throws IOException {
    inner.shutdownInput();
  }

  @Override
  public void shutdownOutput() throws IOException {
    inner.shutdownOutput();
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }

  @Override
  public String toString() {
    return inner.toString();
  }
}
