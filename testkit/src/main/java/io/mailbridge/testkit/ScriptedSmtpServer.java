package io.mailbridge.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * A plain-text SMTP server on a real loopback socket whose replies a test scripts, to inject the
 * failures a real server will not produce on demand: a 4xx or 5xx to one command, a connection
 * dropped before or after the message data, a reply held back as a pipelining server may hold it.
 * It speaks the transaction (MAIL, RCPT, DATA with dot-stuffing, BDAT chunks, RSET), records every
 * command and, on request, every accepted message.
 *
 * <p>Where a test needs a server that misbehaves below the transaction (garbled, endless or
 * trickling replies), {@link io.mailbridge.testkit.hostile.HostileServer} is the tool.
 *
 * <pre>{@code
 * try (ScriptedSmtpServer smtp = new ScriptedSmtpServer(0, (conn, event, n) ->
 *     event.equals("END") && n == 0 ? "451 4.3.0 try again" : "").offering("PIPELINING", "CHUNKING")) {
 *   ... send to 127.0.0.1:smtp.port() ...
 * }
 * }</pre>
 */
public final class ScriptedSmtpServer implements AutoCloseable {
  /** Decides the reply to an event: {@code ""} for the normal reply, {@code null} to drop the connection. */
  public interface Script {
    /**
     * @param connection 0 for the first connection
     * @param event MAIL, RCPT, DATA, BDAT (a chunk before the last) or END (the message complete:
     *     the final "." after DATA, or the data of BDAT ... LAST)
     * @param count how many times this event happened before, over all connections
     */
    String reply(int connection, String event, int count);
  }

  /** Appended by {@link #thenClose}: the server answers, then closes the connection. */
  private static final String CLOSE = "\u0000close";

  private final ServerSocket server;
  private final Script script;
  private final long sizeLimit;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> commands = new CopyOnWriteArrayList<>();
  private final AtomicInteger messagesReceived = new AtomicInteger();
  private final AtomicLong dataBytes = new AtomicLong();
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
  private final List<String> keywords = new CopyOnWriteArrayList<>();
  private final List<byte[]> messages = new CopyOnWriteArrayList<>();
  private volatile boolean keep;
  private volatile boolean hold;
  private final AtomicInteger holdFinal = new AtomicInteger();
  private volatile BiFunction<String, Integer, String> perRecipient = (a, n) -> "";

  /**
   * Starts listening on 127.0.0.1 and a free port.
   *
   * @param sizeLimit the SIZE announced in the EHLO reply (0: no limit); the server does not enforce it
   */
  public ScriptedSmtpServer(long sizeLimit, Script script) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.script = script;
    this.sizeLimit = sizeLimit;
    Thread t = new Thread(this::acceptLoop, "scripted-smtp");
    t.setDaemon(true);
    t.start();
  }

  /** A reply the server sends and then closes the connection, as a server's idle timeout does. */
  public static String thenClose(String reply) {
    return reply + CLOSE;
  }

  /** Reply to RCPT for one address (given the address and how often it was seen before); "" = the script decides. */
  public ScriptedSmtpServer recipients(BiFunction<String, Integer, String> script) {
    this.perRecipient = script;
    return this;
  }

  /** Keep every accepted message's bytes, see {@link #messages()}. */
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

  /**
   * Hold the reply to the first {@code messages} messages' final "." until the next command
   * arrives: a client that waits for that reply before it writes the next transaction hangs here.
   */
  public ScriptedSmtpServer holdingFinalReplies(int messages) {
    this.holdFinal.set(messages);
    return this;
  }

  /** Offer more EHLO keywords, e.g. SMTPUTF8, PIPELINING, CHUNKING. */
  public ScriptedSmtpServer offering(String... more) {
    keywords.addAll(List.of(more));
    return this;
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return server.getLocalPort();
  }

  /** How many connections were accepted. */
  public int connections() {
    return connections.get();
  }

  /** Every command line received, in order, over all connections; {@code <END>} marks each complete message. */
  public List<String> commands() {
    return List.copyOf(commands);
  }

  /** How many command lines start with {@code prefix}. */
  public long count(String prefix) {
    return commands.stream().filter(c -> c.startsWith(prefix)).count();
  }

  /** Messages whose data arrived in full, whatever the reply to them. */
  public int messagesReceived() {
    return messagesReceived.get();
  }

  /** Bytes of message data received, line ends not counted. */
  public long dataBytes() {
    return dataBytes.get();
  }

  /** With {@link #keepMessages()}: each message the server accepted (2xx), as it arrived after un-dot-stuffing. */
  public List<byte[]> messages() {
    return List.copyOf(messages);
  }

  /** With {@link #keepMessages()}: the Subject of each accepted message (unfolded, undecoded), in order. */
  public List<String> subjects() {
    if (!keep) {
      throw new IllegalStateException("call keepMessages() before sending to see the subjects");
    }
    return messages.stream().map(ScriptedSmtpServer::subject).toList();
  }

  /** The first Subject header field's value in the message's header block, "" when there is none. */
  static String subject(byte[] message) {
    String text = new String(message, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    String head = (end < 0 ? text : text.substring(0, end + 2)).replaceAll("\r\n[ \t]", " ");
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "Subject:", 0, 8)) {
        return line.substring(8).strip();
      }
    }
    return "";
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
      Transaction tx = new Transaction();
      StringBuilder held = new StringBuilder();
      String line;
      while ((line = readLine(in)) != null) {
        commands.add(line);
        String verb = line.length() >= 4 ? line.substring(0, 4).toUpperCase(Locale.ROOT) : line;
        String reply = switch (verb) {
          case "EHLO" -> "250-scripted\r\n250-SIZE " + sizeLimit + "\r\n250-8BITMIME"
              + keywords.stream().map(k -> "\r\n250-" + k).reduce("", String::concat) + "\r\n250 HELP";
          case "HELO", "NOOP" -> "250 2.0.0 Ok";
          case "AUTH" -> "235 2.7.0 Authentication successful"; // any login, for a client that must log in
          case "RSET" -> {
            tx.reset();
            yield "250 2.0.0 Ok";
          }
          case "QUIT" -> "221 2.0.0 Bye" + CLOSE;
          case "MAIL" -> {
            String r = decide(connection, "MAIL", "250 2.1.0 Ok");
            tx.mailOk = r != null && r.startsWith("2");
            yield r;
          }
          case "RCPT" -> rcpt(connection, line, tx);
          case "DATA" -> data(connection, in, out, tx, held);
          case "BDAT" -> bdat(connection, line, in, tx);
          default -> "502 5.5.2 Error: command not recognized";
        };
        if (reply == null) {
          return; // drop the connection without answering
        }
        if ((hold && verb.equals("MAIL")) || (verb.equals("DATA") && commands.get(commands.size() - 1).equals("<END>")
            && holdFinal.getAndUpdate(h -> Math.max(0, h - 1)) > 0)) {
          held.append(reply).append("\r\n");
          continue;
        }
        boolean close = reply.endsWith(CLOSE);
        send(out, held + (close ? reply.substring(0, reply.length() - CLOSE.length()) : reply));
        held.setLength(0);
        if (close || reply.startsWith("421")) {
          return; // RFC 5321 3.8: the server closes the connection after a 421
        }
      }
    } catch (IOException e) {
      // client went away
    }
  }

  private String rcpt(int connection, String line, Transaction tx) {
    if (!tx.mailOk) {
      return "503 5.5.1 Error: need MAIL command";
    }
    String address = line.substring(line.indexOf('<') + 1, line.lastIndexOf('>'));
    int seen = counts.computeIfAbsent("RCPT " + address, k -> new AtomicInteger()).getAndIncrement();
    String own = perRecipient.apply(address, seen);
    String reply = own != null && !own.isEmpty() ? own : decide(connection, "RCPT", "250 2.1.5 Ok");
    if (reply != null && reply.startsWith("2")) {
      tx.rcptOk++;
    }
    return reply;
  }

  private String data(int connection, InputStream in, OutputStream out, Transaction tx, StringBuilder held)
      throws IOException {
    if (tx.rcptOk == 0) {
      return "554 5.5.1 Error: no valid recipients";
    }
    String reply = decide(connection, "DATA", "354 End data with <CR><LF>.<CR><LF>");
    if (reply == null || !reply.startsWith("354")) {
      return reply;
    }
    send(out, held + reply);
    held.setLength(0);
    ByteArrayOutputStream message = new ByteArrayOutputStream();
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
      return null;
    }
    tx.reset();
    return accept(connection, message.toByteArray());
  }

  private String bdat(int connection, String line, InputStream in, Transaction tx) throws IOException {
    String[] words = line.split(" ");
    int size = Integer.parseInt(words[1]);
    boolean last = words.length > 2 && words[2].equalsIgnoreCase("LAST");
    byte[] chunk = in.readNBytes(size);
    if (chunk.length < size) {
      return null;
    }
    // RFC 3030 2: the chunk is read in full even when the transaction already failed.
    if (keep) {
      tx.chunks.writeBytes(chunk);
    }
    if (tx.rcptOk == 0) {
      tx.chunks.reset();
      return "554 5.5.1 Error: no valid recipients";
    }
    for (byte c : chunk) {
      if (c != '\r' && c != '\n') {
        dataBytes.incrementAndGet();
      }
    }
    if (!last) {
      String reply = decide(connection, "BDAT", "250 2.0.0 Ok: " + size + " octets received");
      if (reply != null && !reply.startsWith("2")) {
        tx.chunks.reset();
      }
      return reply;
    }
    byte[] message = tx.chunks.toByteArray();
    tx.reset();
    return accept(connection, message);
  }

  /** The whole message arrived: recorded, and the script decides the final reply (event END). */
  private String accept(int connection, byte[] message) {
    messagesReceived.incrementAndGet();
    commands.add("<END>");
    String reply = decide(connection, "END", "250 2.0.0 Ok: queued as " + messagesReceived.get());
    if (reply != null && reply.startsWith("2") && keep) {
      messages.add(message);
    }
    return reply;
  }

  /** One connection's transaction state (RFC 5321 3.3): MAIL accepted, recipients accepted, BDAT chunks so far. */
  private static final class Transaction {
    boolean mailOk;
    int rcptOk;
    final ByteArrayOutputStream chunks = new ByteArrayOutputStream();

    void reset() {
      mailOk = false;
      rcptOk = 0;
      chunks.reset();
    }
  }

  /** One command line without its CRLF (UTF-8, for SMTPUTF8 addresses), or null at the end of the stream. */
  private static String readLine(InputStream in) throws IOException {
    byte[] b = readBytes(in);
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  /** One line's bytes without its CRLF, or null at the end of the stream. */
  private static byte[] readBytes(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.write(c);
    }
    if (c == -1 && b.size() == 0) {
      return null;
    }
    byte[] line = b.toByteArray();
    return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
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
