package io.mailbridge.testkit.hostile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * A scripted IMAP or SMTP server on loopback that answers each client command with whatever its
 * {@link Script} says: broken, lying, endless or trickling replies. Plain TCP, or implicit TLS with
 * a given {@link SSLContext}. Every connection runs the script from its greeting; the commands
 * received are recorded for assertions.
 *
 * <pre>{@code
 * try (HostileServer s = HostileServer.start(ImapScript.mailbox(msgs)
 *     .on("UID FETCH", (tag, line) -> Reply.text("* 1 FETCH (UID 1 BODY[] {300000000}\r\n"))
 *     .build())) {
 *   ... connect to 127.0.0.1:s.port() ...
 * }
 * }</pre>
 *
 * IMAP: a client literal ({@code {n}} at the end of a line) is taken in (with a {@code +}
 * continuation for a synchronizing one) and the line handed to the script with the literal's text
 * inline. SMTP: after a reply starting with {@code 354} the message data is read up to the
 * terminating {@code .} line, which is then handed to the script as the line {@code "."}.
 */
public final class HostileServer implements AutoCloseable {
  /** Which protocol's framing the server reads the client with. */
  public enum Protocol { IMAP, SMTP }

  /** A greeting and, for each client command line (without CRLF), the answer. */
  public interface Script {
    Protocol protocol();

    Reply greeting();

    /** The answer to one command line; {@code null} means no answer. */
    Reply answer(String line);
  }

  private static final int MAX_CLIENT_LINE = 1024 * 1024;
  private static final Pattern CLIENT_LITERAL = Pattern.compile("\\{(\\d{1,9})(\\+?)}$");

  private final Script script;
  private final ServerSocket server;
  private final SSLContext tls;
  private final Thread acceptor;
  private final Set<Socket> clients = ConcurrentHashMap.newKeySet();
  private final List<String> received = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Throwable> failures = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private HostileServer(Script script, SSLContext tls) throws IOException {
    this.script = script;
    this.tls = tls;
    this.server = tls == null ? new ServerSocket(0, 50, InetAddress.getLoopbackAddress())
        : tls.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "hostile-" + script.protocol().name().toLowerCase() + "-accept");
    acceptor.setDaemon(true);
  }

  /** Starts a plain-TCP server on 127.0.0.1 and a free port. */
  public static HostileServer start(Script script) {
    return start(script, null);
  }

  /** Starts a server speaking implicit TLS with the given context ({@code null}: plain TCP). */
  public static HostileServer start(Script script, SSLContext tls) {
    try {
      HostileServer s = new HostileServer(script, tls);
      s.acceptor.start();
      return s;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on loopback: " + e, e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Every command line received so far, on all connections, in order (client literals inline). */
  public List<String> received() {
    return List.copyOf(received);
  }

  /** Whether some received line starts with {@code prefix} after the IMAP tag (or, SMTP, at all), ignoring case. */
  public boolean receivedCommand(String prefix) {
    for (String l : received) {
      String cmd = script.protocol() == Protocol.IMAP && l.indexOf(' ') > 0 ? l.substring(l.indexOf(' ') + 1) : l;
      if (cmd.regionMatches(true, 0, prefix, 0, prefix.length())) {
        return true;
      }
    }
    return false;
  }

  /** How many connections were accepted. */
  public int connections() {
    return connections.get();
  }

  /** What went wrong inside the server itself (a script throwing), other than the client leaving. */
  public List<Throwable> failures() {
    return List.copyOf(failures);
  }

  private void accept() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      connections.incrementAndGet();
      clients.add(s);
      Thread t = new Thread(() -> serve(s), "hostile-" + script.protocol().name().toLowerCase() + "-" + s.getPort());
      t.setDaemon(true);
      t.start();
    }
  }

  private void serve(Socket s) {
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      SniffingOutput out = new SniffingOutput(s.getOutputStream());
      script.greeting().writeTo(out);
      out.flush();
      boolean data = false;
      while (!closed) {
        if (data) {
          if (!skipData(in)) {
            return;
          }
          data = false;
          received.add(".");
          if (!answer(".", out)) {
            return;
          }
          continue;
        }
        String line = readLine(in, out);
        if (line == null) {
          return;
        }
        received.add(line);
        out.reset();
        if (!answer(line, out)) {
          return;
        }
        data = script.protocol() == Protocol.SMTP && out.startsWith("354");
      }
    } catch (Reply.HangUp | java.net.SocketException | java.io.EOFException gone) {
      // the script hung up or the client went away: the normal end of a hostile exchange
    } catch (IOException | RuntimeException | Error e) {
      if (!closed) {
        failures.add(e);
      }
    } finally {
      clients.remove(s);
    }
  }

  private boolean answer(String line, SniffingOutput out) throws IOException {
    Reply r = script.answer(line);
    if (r != null) {
      r.writeTo(out);
      out.flush();
    }
    return true;
  }

  /** One command line; IMAP client literals are taken in and kept in the line. Null at end of stream. */
  private String readLine(InputStream in, OutputStream out) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      String part = rawLine(in);
      if (part == null) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
      }
      line.write(part.getBytes(StandardCharsets.UTF_8));
      Matcher m = script.protocol() == Protocol.IMAP ? CLIENT_LITERAL.matcher(part) : null;
      if (m == null || !m.find()) {
        return line.toString(StandardCharsets.UTF_8);
      }
      int n = Integer.parseInt(m.group(1));
      if (m.group(2).isEmpty()) {
        out.write("+ go ahead\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
      }
      line.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      line.write(in.readNBytes(Math.min(n, MAX_CLIENT_LINE)));
    }
  }

  private static String rawLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        byte[] bytes = b.toByteArray();
        int len = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, len, StandardCharsets.UTF_8);
      }
      if (b.size() < MAX_CLIENT_LINE) {
        b.write(c);
      }
    }
    return b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }

  /** Reads SMTP message data up to the CRLF.CRLF terminator; false at end of stream. */
  private static boolean skipData(InputStream in) throws IOException {
    String l;
    while ((l = rawLine(in)) != null) {
      if (l.equals(".")) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : new ArrayList<>(clients)) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  /** Remembers the first bytes of a reply, to notice an SMTP 354. */
  private static final class SniffingOutput extends OutputStream {
    private final OutputStream out;
    private final byte[] head = new byte[3];
    private int headLen;

    SniffingOutput(OutputStream out) {
      this.out = out;
    }

    void reset() {
      headLen = 0;
    }

    boolean startsWith(String s) {
      return headLen >= s.length() && new String(head, 0, s.length(), StandardCharsets.US_ASCII).equals(s);
    }

    @Override
    public void write(int b) throws IOException {
      if (headLen < head.length) {
        head[headLen++] = (byte) b;
      }
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      for (int i = off; i < off + len && headLen < head.length; i++) {
        head[headLen++] = b[i];
      }
      out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
