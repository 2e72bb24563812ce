package io.mailbridge.send.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Security;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain-text SMTP server on a real loopback socket whose replies a test scripts, to inject the
 * failures a real server will not produce on demand: 4xx, a connection dropped before or after the
 * message data. Everything it receives is recorded.
 */
public final class ScriptedSmtpServer implements AutoCloseable {
  /** Decides the reply to an event; {@code null} drops the connection instead of answering. */
  public interface Script {
    /**
     * @param connection 0 for the first connection
     * @param event MAIL, RCPT, DATA (the command) or END (the final "." of the message data)
     * @param count how many times this event happened before, over all connections
     */
    String reply(int connection, String event, int count);
  }

  private final ServerSocket server;
  private final Script script;
  private final long sizeLimit;
  final AtomicInteger connections = new AtomicInteger();
  final List<String> commands = new CopyOnWriteArrayList<>();
  public final AtomicInteger messagesReceived = new AtomicInteger();
  /** Bytes of message data received (lines without their CRLF). */
  public final java.util.concurrent.atomic.AtomicLong dataBytes = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.Map<String, AtomicInteger> counts = new java.util.concurrent.ConcurrentHashMap<>();

  private volatile String extraKeyword = "8BITMIME";
  private volatile java.util.function.BiFunction<String, Integer, String> perRecipient = (a, n) -> "";

  /** Reply to RCPT for one address (given the address and how often it was seen before); "" = default. */
  public ScriptedSmtpServer recipients(java.util.function.BiFunction<String, Integer, String> script) {
    this.perRecipient = script;
    return this;
  }

  /** Offer one more EHLO keyword, e.g. SMTPUTF8. */
  public ScriptedSmtpServer offering(String keyword) {
    this.extraKeyword = keyword;
    return this;
  }

  public ScriptedSmtpServer(long sizeLimit, Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    this.sizeLimit = sizeLimit;
    Thread t = new Thread(this::acceptLoop, "scripted-smtp");
    t.setDaemon(true);
    t.start();
  }

  public Endpoint endpoint() {
    return Endpoint.smtp("127.0.0.1").port(server.getLocalPort()).security(Security.NONE).allowPlaintext(true).build();
  }

  long count(String command) {
    return commands.stream().filter(c -> c.startsWith(command)).count();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        int n = connections.getAndIncrement();
        Thread t = new Thread(() -> serve(s, n), "scripted-smtp-" + n);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private String decide(int connection, String event, String normal) {
    int before = counts.computeIfAbsent(event, k -> new AtomicInteger()).getAndIncrement();
    String r = script.reply(connection, event, before);
    return r == null ? null : r.isEmpty() ? normal : r;
  }

  private void serve(Socket s, int connection) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream()) {
      send(out, "220 scripted ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        commands.add(line);
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
        String reply;
        switch (verb) {
          case "EHLO" -> reply = "250-scripted\r\n250-SIZE " + sizeLimit + "\r\n250-8BITMIME\r\n250 " + extraKeyword;
          case "HELO", "RSET", "NOOP" -> reply = "250 2.0.0 Ok";
          case "QUIT" -> {
            send(out, "221 2.0.0 Bye");
            return;
          }
          case "MAIL" -> reply = decide(connection, "MAIL", "250 2.1.0 Ok");
          case "RCPT" -> {
            String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
            int seen = counts.computeIfAbsent("RCPT " + address, k -> new AtomicInteger()).getAndIncrement();
            String own = perRecipient.apply(address, seen);
            reply = own != null && !own.isEmpty() ? own : decide(connection, "RCPT", "250 2.1.5 Ok");
          }
          case "DATA" -> {
            reply = decide(connection, "DATA", "354 End data with <CR><LF>.<CR><LF>");
            if (reply != null && reply.startsWith("354")) {
              send(out, reply);
              String d;
              while ((d = in.readLine()) != null && !d.equals(".")) {
                dataBytes.addAndGet(d.length());
              }
              if (d == null) {
                return;
              }
              messagesReceived.incrementAndGet();
              commands.add("<END>");
              reply = decide(connection, "END", "250 2.0.0 Ok: queued as " + messagesReceived.get());
            }
          }
          default -> reply = "502 5.5.2 Error: command not recognized";
        }
        if (reply == null) {
          return; // drop the connection without answering
        }
        send(out, reply);
      }
    } catch (IOException e) {
      // client went away
    }
  }

  private static void send(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
