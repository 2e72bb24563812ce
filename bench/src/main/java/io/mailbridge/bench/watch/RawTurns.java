package io.mailbridge.bench.watch;

import io.mailbridge.testkit.MailStack;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The server's own limit for accounts taking turns on a few connections: plain TLS sockets (one
 * SSLContext, so sessions are resumed) that log in, send {@code STATUS INBOX (UIDNEXT UIDVALIDITY
 * MESSAGES)} and LOGOUT, pipelined, and read until the server closes; {@code budget} of them at once
 * until every account was checked once. The time of such a round is the least a watcher taking
 * turns needs to look at every account once, whatever the client does.
 */
final class RawTurns {
  private RawTurns() {}

  /** Wall time in ms of one round of checks over {@code users} on {@code budget} parallel connections. */
  static double roundMillis(SSLContext tls, MailStack stack, List<MailStack.User> users, int budget)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    long start = System.nanoTime();
    for (int t = 0; t < budget; t++) {
      Thread th = new Thread(() -> {
        for (int i = next.getAndIncrement(); i < users.size(); i = next.getAndIncrement()) {
          try {
            check(tls, stack, users.get(i));
          } catch (IOException | RuntimeException e) {
            failures.add(e);
          }
        }
      }, "raw-turns-" + t);
      th.start();
      threads.add(th);
    }
    for (Thread th : threads) {
      th.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("raw turns: " + failures.size() + " checks failed, first: " + failures.get(0));
    }
    return (System.nanoTime() - start) / 1e6;
  }

  private static void check(SSLContext tls, MailStack stack, MailStack.User u) throws IOException {
    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket(stack.host(), stack.imapsPort())) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      line(in); // greeting
      out.write(("a LOGIN \"" + u.user() + "\" \"" + u.password() + "\"\r\nb STATUS INBOX (UIDNEXT UIDVALIDITY MESSAGES)"
          + "\r\nc LOGOUT\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      String l;
      while ((l = line(in)) != null && !l.startsWith("c ")) {
        if (l.startsWith("a ") && !l.startsWith("a OK")) {
          throw new IOException("raw turns: login of " + u.user() + ": " + l);
        }
      }
      while (in.read() >= 0) {
        // until the server has closed: it has ended the session then
      }
    }
  }

  private static String line(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.append((char) c);
      }
    }
    return c == -1 && b.length() == 0 ? null : b.toString();
  }
}
