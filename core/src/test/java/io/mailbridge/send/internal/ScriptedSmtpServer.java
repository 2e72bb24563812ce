package io.mailbridge.send.internal;

import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Security;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
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
     * @param event MAIL, RCPT, DATA, BDAT (a chunk before the last) or END (the message complete:
   *     the final "." after DATA, or the data of BDAT ... LAST)
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

  private final List<String> keywords = new CopyOnWriteArrayList<>();
  private volatile boolean keep;
  private volatile boolean hold;
  /** With {@link #keepMessages()}: each message the server accepted, as it arrived (after un-dot-stuffing). */
  public final List<byte[]> messages = new CopyOnWriteArrayList<>();
  private volatile java.util.function.BiFunction<String, Integer, String> perRecipient = (a, n) -> "";

  /** Reply to RCPT for one address (given the address and how often it was seen before); "" = default. */
  public ScriptedSmtpServer recipients(java.util.function.BiFunction<String, Integer, String> script) {
    this.perRecipient = script;
    return this;
  }

  /** Keep every accepted message's bytes in {@link #messages}. */
  public ScriptedSmtpServer keepMessages() {
    this.keep = true;
    return this;
  }

  /**
   * Hold the reply to MAIL until the next command arrives, as a pipelining server may: a client
   * that waits for each reply before the next command hangs here.
   */
  public ScriptedSmtpServer holdingEnvelopeReplies() {
    this.hold = true;
    return this;
  }

  /** Offer more EHLO keywords, e.g. SMTPUTF8, PIPELINING, CHUNKING. */
  public ScriptedSmtpServer offering(String... more) {
    keywords.addAll(List.of(more));
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
        // Replies leave at once, as a real server's do (Nagle would hold a pipelined reply behind
        // the previous one until the client's delayed ACK).
        s.setTcpNoDelay(true);
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
    try (s; InputStream in = new BufferedInputStream(s.getInputStream(), 64 * 1024); OutputStream out = s.getOutputStream()) {
      send(out, "220 scripted ESMTP");
      String line;
      boolean mailOk = false;
      int rcptOk = 0;
      java.io.ByteArrayOutputStream chunks = new java.io.ByteArrayOutputStream();
      StringBuilder held = new StringBuilder();
      while ((line = readLine(in)) != null) {
        commands.add(line);
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(java.util.Locale.ROOT) : line;
        String reply;
        switch (verb) {
          case "EHLO" -> reply = "250-scripted\r\n250-SIZE " + sizeLimit + "\r\n250-8BITMIME"
              + keywords.stream().map(k -> "\r\n250-" + k).reduce("", String::concat) + "\r\n250 HELP";
          case "HELO", "NOOP" -> reply = "250 2.0.0 Ok";
          case "RSET" -> {
            mailOk = false;
            rcptOk = 0;
            chunks.reset();
            reply = "250 2.0.0 Ok";
          }
          case "QUIT" -> {
            send(out, "221 2.0.0 Bye");
            return;
          }
          case "MAIL" -> {
            reply = decide(connection, "MAIL", "250 2.1.0 Ok");
            mailOk = reply != null && reply.startsWith("2");
          }
          case "RCPT" -> {
            if (!mailOk) {
              reply = "503 5.5.1 Error: need MAIL command";
              break;
            }
            String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
            int seen = counts.computeIfAbsent("RCPT " + address, k -> new AtomicInteger()).getAndIncrement();
            String own = perRecipient.apply(address, seen);
            reply = own != null && !own.isEmpty() ? own : decide(connection, "RCPT", "250 2.1.5 Ok");
            if (reply != null && reply.startsWith("2")) {
              rcptOk++;
            }
          }
          case "DATA" -> {
            if (rcptOk == 0) {
              reply = "554 5.5.1 Error: no valid recipients";
              break;
            }
            reply = decide(connection, "DATA", "354 End data with <CR><LF>.<CR><LF>");
            if (reply != null && reply.startsWith("354")) {
              send(out, held + reply);
              held.setLength(0);
              java.io.ByteArrayOutputStream message = new java.io.ByteArrayOutputStream();
              byte[] d;
              while ((d = readBytes(in)) != null && !(d.length == 1 && d[0] == '.')) {
                dataBytes.addAndGet(d.length);
                // RFC 5321 4.5.2: undo the client's dot-stuffing.
                int from = d.length > 0 && d[0] == '.' ? 1 : 0;
                if (keep) {
                  message.write(d, from, d.length - from);
                  message.writeBytes(new byte[] {'\r', '\n'});
                }
              }
              if (d == null) {
                return;
              }
              reply = accept(connection, message.toByteArray());
              mailOk = false;
              rcptOk = 0;
            }
          }
          case "BDAT" -> {
            String[] words = line.split(" ");
            int size = Integer.parseInt(words[1]);
            boolean last = words.length > 2 && words[2].equalsIgnoreCase("LAST");
            byte[] chunk = in.readNBytes(size);
            if (chunk.length < size) {
              return;
            }
            // RFC 3030 2: the chunk is read in full even when the transaction already failed.
            if (keep) {
              chunks.writeBytes(chunk);
            }
            for (byte c : chunk) {
              if (c != '\r' && c != '\n' && rcptOk > 0) {
                dataBytes.incrementAndGet();
              }
            }
            if (rcptOk == 0) {
              reply = "554 5.5.1 Error: no valid recipients";
              chunks.reset();
            } else if (!last) {
              reply = decide(connection, "BDAT", "250 2.0.0 Ok: " + size + " octets received");
              if (reply != null && !reply.startsWith("2")) {
                chunks.reset();
              }
            } else {
              byte[] message = chunks.toByteArray();
              chunks.reset();
              reply = accept(connection, message);
              mailOk = false;
              rcptOk = 0;
            }
          }
          default -> reply = "502 5.5.2 Error: command not recognized";
        }
        if (reply == null) {
          return; // drop the connection without answering
        }
        if (hold && verb.equals("MAIL")) {
          held.append(reply).append("\r\n");
          continue;
        }
        send(out, held + reply);
        held.setLength(0);
        if (reply.startsWith("421")) {
          return; // RFC 5321 3.8: the server closes the connection after a 421
        }
      }
    } catch (IOException e) {
      // client went away
    }
  }

  /** The whole message arrived: recorded, and the script decides the final reply (event END). */
  private String accept(int connection, byte[] message) {
    messagesReceived.incrementAndGet();
    commands.add("<END>");
    String reply = decide(connection, "END", "250 2.0.0 Ok: queued as " + messagesReceived.get());
    if (reply != null && reply.startsWith("2")) {
      messages.add(message);
    }
    return reply;
  }

  /** One command line without its CRLF (UTF-8, for SMTPUTF8 addresses), or null at the end of the stream. */
  private static String readLine(InputStream in) throws IOException {
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** One line's bytes without its CRLF, or null at the end of the stream. */
  private static byte[] readBytes(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.write(c);
    }
    if (c == -1 && b.size() == 0) {
      return null;
    }
    byte[] line = b.toByteArray();
    return line.length > 0 && line[line.length - 1] == '\r' ? java.util.Arrays.copyOf(line, line.length - 1) : line;
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
