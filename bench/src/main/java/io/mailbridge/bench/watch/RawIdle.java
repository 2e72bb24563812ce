package io.mailbridge.bench.watch;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The protocol's own limit for "new mail seen": a plain TLS socket that logs in, selects one folder
 * and sits in IDLE (RFC 2177), recording the {@code System.nanoTime()} at which each message number
 * was first announced by an untagged {@code EXISTS}. No library, no parsing beyond the line.
 */
final class RawIdle implements AutoCloseable {
  private final SSLSocket socket;
  private final InputStream in;
  private final OutputStream out;
  /** Message number (1-based, as EXISTS counts) to when it was first announced. */
  private final Map<Integer, Long> seen = new ConcurrentHashMap<>();
  private final CountDownLatch idling = new CountDownLatch(1);
  private final Thread reader;
  private volatile int exists;
  private volatile boolean closing;

  private RawIdle(SSLSocket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
    this.reader = new Thread(this::read, "raw-idle");
    this.reader.setDaemon(true);
  }

  static RawIdle start(SSLContext tls, String host, int port, String user, String password, String folder)
      throws Exception {
    SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(host, port);
    s.setTcpNoDelay(true);
    s.startHandshake();
    RawIdle r = new RawIdle(s);
    r.line(); // greeting
    r.command("a LOGIN " + quote(user) + " " + quote(password));
    r.command("b SELECT " + quote(folder));
    r.send("c IDLE");
    r.reader.start();
    if (!r.idling.await(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("raw IDLE client: no continuation for IDLE on " + folder);
    }
    return r;
  }

  /** When message number {@code n} was announced, or -1 if not (yet). */
  long announced(int n) {
    return seen.getOrDefault(n, -1L);
  }

  int exists() {
    return exists;
  }

  private void read() {
    try {
      while (!closing) {
        String l = line();
        long now = System.nanoTime();
        if (l.startsWith("+")) {
          idling.countDown();
        } else if (l.startsWith("* ") && l.endsWith(" EXISTS")) {
          int n = Integer.parseInt(l.substring(2, l.length() - 7));
          for (int i = exists + 1; i <= n; i++) {
            seen.putIfAbsent(i, now);
          }
          exists = Math.max(exists, n);
        }
      }
    } catch (IOException | RuntimeException e) {
      if (!closing) {
        System.err.println("raw IDLE client stopped: " + e);
      }
    }
  }

  private void command(String c) throws IOException {
    send(c);
    String tag = c.substring(0, c.indexOf(' ') + 1);
    while (true) {
      String l = line();
      if (l.startsWith("* ") && l.endsWith(" EXISTS")) {
        exists = Integer.parseInt(l.substring(2, l.length() - 7));
      }
      if (l.startsWith(tag)) {
        if (!l.startsWith(tag + "OK")) {
          throw new IOException("raw IDLE client: " + l);
        }
        return;
      }
    }
  }

  private void send(String c) throws IOException {
    out.write((c + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1) {
      throw new IOException("connection closed");
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    closing = true;
    try {
      send("DONE");
      send("z LOGOUT");
    } catch (IOException ignored) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }
}
