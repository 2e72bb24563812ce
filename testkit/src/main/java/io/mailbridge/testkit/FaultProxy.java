package io.mailbridge.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * A TCP proxy on 127.0.0.1 between Mailbridge and a real server that misbehaves on demand: drops
 * connections after N bytes, stalls, slows to a trickle, injects garbage, or rewrites protocol
 * lines (e.g. strips STARTTLS from capabilities, or answers the STARTTLS command itself). It
 * records what the client sent, so a test can prove that nothing (e.g. a password) went out in
 * plain text. Faults can be changed while connections are open.
 *
 * <pre>{@code
 * try (FaultProxy proxy = FaultProxy.to("127.0.0.1", stack.imapPort())) {
 *   proxy.rewriteServerLines(l -> l.replace(" STARTTLS", ""));
 *   ... connect to 127.0.0.1:proxy.port() ...
 * }
 * }</pre>
 */
public final class FaultProxy implements AutoCloseable {
  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final ByteArrayOutputStream clientBytes = new ByteArrayOutputStream();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong serverBytes = new AtomicLong();
  private volatile long faultyUpTo = Long.MAX_VALUE;

  private volatile long dropAfterServerBytes = Long.MAX_VALUE;
  private volatile boolean stalled;
  private volatile boolean refusing;
  private volatile int bytesPerSecond;
  private volatile byte[] garbageAfterGreeting;
  private volatile UnaryOperator<String> serverLines;
  private volatile ClientLineHook clientLines;

  /** Answers a client line itself instead of forwarding it; returns null to forward unchanged. */
  @FunctionalInterface
  public interface ClientLineHook {
    String replyInsteadOf(String clientLine);
  }

  private FaultProxy(String targetHost, int targetPort) throws IOException {
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
    accept.setDaemon(true);
    accept.start();
  }

  /** Starts a proxy forwarding to {@code host:port}. */
  public static FaultProxy to(String host, int port) {
    try {
      return new FaultProxy(host, port);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start proxy: " + e, e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  public long connections() {
    return connections.get();
  }

  /** Bytes forwarded from the server to clients so far, over all connections. */
  public long serverBytes() {
    return serverBytes.get();
  }

  /**
   * Applies {@link #dropAfterServerBytes(long) drops} only to the next {@code n} connections; later
   * ones pass untouched (so a retry can succeed).
   */
  public FaultProxy onlyNextConnections(int n) {
    this.faultyUpTo = connections.get() + n;
    return this;
  }

  /** Everything clients sent through the proxy (only the plaintext part is readable). */
  public synchronized String clientSent() {
    return clientBytes.toString(StandardCharsets.ISO_8859_1);
  }

  /** Closes every open connection after the server has sent {@code n} more bytes on each. */
  public FaultProxy dropAfterServerBytes(long n) {
    this.dropAfterServerBytes = n;
    return this;
  }

  /** Stops forwarding in both directions (connections stay open, nothing moves). */
  public FaultProxy stall(boolean on) {
    this.stalled = on;
    return this;
  }

  /** Limits server-to-client throughput; 0 = unlimited. */
  public FaultProxy throttle(int bytesPerSecond) {
    this.bytesPerSecond = bytesPerSecond;
    return this;
  }

  /** Sends these bytes to the client right after the server's first chunk. */
  public FaultProxy injectGarbage(byte[] garbage) {
    this.garbageAfterGreeting = garbage.clone();
    return this;
  }

  /** Rewrites each server line (plaintext protocols only: use before any TLS upgrade). */
  public FaultProxy rewriteServerLines(UnaryOperator<String> rewrite) {
    this.serverLines = rewrite;
    return this;
  }

  /** Lets the proxy answer chosen client lines itself (e.g. refuse STARTTLS). */
  public FaultProxy interceptClientLines(ClientLineHook hook) {
    this.clientLines = hook;
    return this;
  }

  /**
   * While on, closes each new connection right after accepting it, before the server's greeting
   * (as a server that is down or restarting would); open connections are not affected.
   */
  public FaultProxy refuse(boolean on) {
    this.refusing = on;
    return this;
  }

  /** Closes every open connection now, as a network failure would. */
  public void dropAll() {
    for (Socket s : open) {
      closeQuietly(s);
    }
    open.clear();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        if (refusing) {
          closeQuietly(client);
          continue;
        }
        connections.incrementAndGet();
        Socket upstream = new Socket(targetHost, targetPort);
        client.setTcpNoDelay(true);
        upstream.setTcpNoDelay(true);
        open.add(client);
        open.add(upstream);
        start(() -> pumpClientToServer(client, upstream));
        boolean faulty = connections.get() <= faultyUpTo;
        start(() -> pumpServerToClient(upstream, client, faulty));
      } catch (IOException e) {
        // closed or upstream refused: the client sees a dropped connection
      }
    }
  }

  private static void start(Runnable r) {
    Thread t = new Thread(r, "fault-proxy-pump");
    t.setDaemon(true);
    t.start();
  }

  private void pumpClientToServer(Socket client, Socket upstream) {
    try (InputStream in = client.getInputStream(); OutputStream up = upstream.getOutputStream();
        OutputStream back = client.getOutputStream()) {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        waitWhileStalled();
        synchronized (this) {
          clientBytes.write(b);
        }
        ClientLineHook hook = clientLines;
        if (hook == null) {
          up.write(b);
          if (in.available() == 0) {
            up.flush();
          }
          continue;
        }
        line.write(b);
        if (b == '\n') {
          String text = line.toString(StandardCharsets.ISO_8859_1);
          line.reset();
          String reply = hook.replyInsteadOf(text.strip());
          if (reply != null) {
            back.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            back.flush();
          } else {
            up.write(text.getBytes(StandardCharsets.ISO_8859_1));
            up.flush();
          }
        }
      }
    } catch (IOException e) {
      // connection ended
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private void pumpServerToClient(Socket upstream, Socket client, boolean faulty) {
    long sent = 0;
    boolean first = true;
    try (InputStream in = upstream.getInputStream(); OutputStream out = client.getOutputStream()) {
      byte[] buf = new byte[8192];
      ByteArrayOutputStream pending = new ByteArrayOutputStream();
      int n;
      while ((n = in.read(buf)) != -1) {
        waitWhileStalled();
        byte[] chunk = java.util.Arrays.copyOf(buf, n);
        UnaryOperator<String> rewrite = serverLines;
        if (rewrite != null) {
          pending.write(chunk);
          String text = pending.toString(StandardCharsets.ISO_8859_1);
          int cut = text.lastIndexOf('\n') + 1;
          StringBuilder outText = new StringBuilder();
          for (String l : text.substring(0, cut).split("(?<=\n)")) {
            if (!l.isEmpty()) {
              String body = l.endsWith("\r\n") ? l.substring(0, l.length() - 2) : l.strip();
              String rewritten = rewrite.apply(body);
              if (rewritten != null) {
                outText.append(rewritten).append("\r\n");
              }
            }
          }
          pending.reset();
          pending.write(text.substring(cut).getBytes(StandardCharsets.ISO_8859_1));
          chunk = outText.toString().getBytes(StandardCharsets.ISO_8859_1);
        }
        long limit = faulty ? dropAfterServerBytes : Long.MAX_VALUE;
        if (sent + chunk.length > limit) {
          out.write(chunk, 0, (int) Math.max(0, limit - sent));
          out.flush();
          return;
        }
        write(out, chunk);
        sent += chunk.length;
        serverBytes.addAndGet(chunk.length);
        if (first && garbageAfterGreeting != null) {
          out.write(garbageAfterGreeting);
        }
        first = false;
        out.flush();
      }
    } catch (IOException e) {
      // connection ended
    } finally {
      closeQuietly(client);
      closeQuietly(upstream);
    }
  }

  private void write(OutputStream out, byte[] chunk) throws IOException {
    int rate = bytesPerSecond;
    if (rate <= 0) {
      out.write(chunk);
      return;
    }
    int step = Math.max(1, rate / 10);
    for (int off = 0; off < chunk.length; off += step) {
      out.write(chunk, off, Math.min(step, chunk.length - off));
      out.flush();
      sleep(100);
    }
  }

  private void waitWhileStalled() {
    while (stalled && !server.isClosed()) {
      sleep(20);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closed
    }
    dropAll();
  }
}
