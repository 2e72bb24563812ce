package io.mailbridge.connection.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ServerInput;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** A plain socket (TCP_NODELAY) whose input is read through {@link ServerInput}. */
final class GuardedSocket extends Socket {
  private final Endpoint endpoint;
  private ServerInput input;
  private boolean layered;

  GuardedSocket(Endpoint endpoint) throws IOException {
    this.endpoint = endpoint;
    setTcpNoDelay(true);
  }

  @Override
  public synchronized InputStream getInputStream() throws IOException {
    if (layered) {
      return super.getInputStream();
    }
    if (input == null) {
      input = new ServerInput(super.getInputStream(), endpoint);
    }
    return input;
  }

  /** TLS is being layered over this socket (STARTTLS): its bytes are checked above the TLS instead. */
  synchronized void layered() {
    layered = true;
    if (input != null) {
      input.stopChecking();
    }
  }
}
