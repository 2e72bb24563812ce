package io.mailbridge.kafka;

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
import java.util.function.Function;

/**
 * A plain SMTP server on a loopback socket whose replies to RCPT and to the end of the data a test
 * decides, to produce what a real server will not on demand (4xx, a reply lost after the data).
 * Records the Subject of every message it accepted.
 */
final class ScriptedSmtp implements AutoCloseable {
  /** Reply for RCPT TO:&lt;address&gt;; "" for 250, null to drop the connection. */
  private final Function<String, String> rcpt;
  /**
   * Reply after the data of a message with this subject; "" for 250, null to drop the connection,
   * "CLOSE:" + reply to answer and then close the connection.
   */
  private final Function<String, String> end;
  private final ServerSocket server;
  final List<String> accepted = new CopyOnWriteArrayList<>();
  final List<String> connections = new CopyOnWriteArrayList<>();

  ScriptedSmtp(Function<String, String> rcpt, Function<String, String> end) throws IOException {
    this.rcpt = rcpt;
    this.end = end;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "scripted-smtp");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        connections.add(s.toString());
        Thread t = new Thread(() -> serve(s), "scripted-smtp-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s) {
    try (s; BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
        OutputStream out = s.getOutputStream()) {
      send(out, "220 scripted ESMTP");
      String line;
      while ((line = in.readLine()) != null) {
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
        String reply;
        switch (verb) {
          case "EHLO" -> reply = "250-scripted\r\n250 8BITMIME";
          case "QUIT" -> {
            send(out, "221 2.0.0 Bye");
            return;
          }
          case "RCPT" -> reply = or(rcpt.apply(line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'))),
              "250 2.1.5 Ok");
          case "DATA" -> {
            send(out, "354 End data with <CR><LF>.<CR><LF>");
            String subject = "";
            String d;
            while ((d = in.readLine()) != null && !d.equals(".")) {
              if (d.startsWith("Subject: ") && subject.isEmpty()) {
                subject = d.substring("Subject: ".length());
              }
            }
            if (d == null) {
              return;
            }
            reply = or(end.apply(subject), "250 2.0.0 Ok: queued");
            if (reply != null && (reply.startsWith("250") || reply.startsWith("CLOSE:250"))) {
              accepted.add(subject);
            }
          }
          default -> reply = "250 2.0.0 Ok";
        }
        if (reply == null) {
          return; // drop the connection without answering
        }
        if (reply.startsWith("CLOSE:")) {
          send(out, reply.substring("CLOSE:".length())); // answer, then close as an idle timeout would
          return;
        }
        send(out, reply);
      }
    } catch (IOException e) {
      // client went away
    }
  }

  private static String or(String reply, String normal) {
    return reply == null ? null : reply.isEmpty() ? normal : reply;
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
