package io.mailbridge.testkit;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * Seeds folders fast over raw IMAP, independent of the code under test: MULTIAPPEND with LITERAL+
 * (hundreds of messages per command) when the server offers both, else one APPEND per message.
 * Dovecot takes 10,000 x 4 KB in a few seconds this way.
 */
public final class ImapSeeder implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String capabilities;
  private int tag;

  private ImapSeeder(Socket socket, String user, String password) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 65536);
    this.out = new BufferedOutputStream(socket.getOutputStream(), 65536);
    readLine(); // greeting
    command("LOGIN " + quote(user) + " " + quote(password));
    String caps = command("CAPABILITY");
    this.capabilities = caps.toUpperCase(Locale.ROOT);
  }

  /** Logs in over implicit TLS, trusting the given PEM CA file. */
  public static ImapSeeder tls(String host, int port, Path caPem, String user, String password) {
    try {
      SSLContext ctx = trusting(caPem);
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(host, port);
      s.setTcpNoDelay(true);
      s.startHandshake();
      return new ImapSeeder(s, user, password);
    } catch (Exception e) {
      throw new IllegalStateException("seeder cannot log in to " + host + ":" + port + ": " + e, e);
    }
  }

  /** A TLS context that trusts the certificates of a PEM file (the stack's own CA) and nothing else. */
  static SSLContext trusting(Path caPem) throws IOException, java.security.GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
    ks.load(null, null);
    try (InputStream pem = Files.newInputStream(caPem)) {
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(pem)) {
        ks.setCertificateEntry("ca" + i++, c);
      }
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ks);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** Logs in over plain TCP (GreenMail). */
  public static ImapSeeder plain(String host, int port, String user, String password) {
    try {
      Socket s = new Socket(host, port);
      s.setTcpNoDelay(true);
      return new ImapSeeder(s, user, password);
    } catch (IOException e) {
      throw new IllegalStateException("seeder cannot log in to " + host + ":" + port + ": " + e, e);
    }
  }

  /** Creates the folder when it does not exist (errors ignored: it may exist). */
  public void create(String folder) {
    try {
      command("CREATE " + quote(folder));
    } catch (IllegalStateException exists) {
      // already there
    }
  }

  /** Deletes the folder with everything in it. */
  public void delete(String folder) {
    command("DELETE " + quote(folder));
  }

  /** Renames a folder; its messages keep their UIDs and the folder its UIDVALIDITY. */
  public void rename(String from, String to) {
    command("RENAME " + quote(from) + " " + quote(to));
  }

  /** Appends raw RFC 822 messages to {@code folder} with the given flags, e.g. {@code "\\Seen"} or "". */
  public void append(String folder, List<byte[]> messages, String flags) {
    boolean multi = capabilities.contains("MULTIAPPEND") && capabilities.contains("LITERAL+");
    int batch = multi ? 500 : 1;
    for (int i = 0; i < messages.size(); i += batch) {
      List<byte[]> part = messages.subList(i, Math.min(messages.size(), i + batch));
      try {
        appendBatch(folder, part, flags, multi);
      } catch (IOException e) {
        throw new IllegalStateException("APPEND to " + folder + " failed: " + e, e);
      }
    }
  }

  private void appendBatch(String folder, List<byte[]> part, String flags, boolean literalPlus) throws IOException {
    String t = "S" + (++tag);
    write(t + " APPEND " + quote(folder));
    for (byte[] m : part) {
      write(" (" + flags + ") {" + m.length + (literalPlus ? "+" : "") + "}\r\n");
      if (!literalPlus) {
        out.flush();
        String cont = readLine();
        if (!cont.startsWith("+")) {
          throw new IOException("server refused literal: " + cont);
        }
      }
      out.write(m);
    }
    write("\r\n");
    out.flush();
    expectTagged(t);
  }

  private String command(String cmd) {
    try {
      String t = "S" + (++tag);
      write(t + " " + cmd + "\r\n");
      out.flush();
      return expectTagged(t);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private String expectTagged(String t) throws IOException {
    StringBuilder untagged = new StringBuilder();
    while (true) {
      String line = readLine();
      if (line.startsWith(t + " ")) {
        if (!line.startsWith(t + " OK")) {
          throw new IllegalStateException("IMAP error: " + line);
        }
        return untagged.toString();
      }
      untagged.append(line).append('\n');
    }
  }

  private void write(String s) throws IOException {
    out.write(s.getBytes(StandardCharsets.UTF_8));
  }

  private String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    if (b == -1 && line.size() == 0) {
      throw new IOException("connection closed");
    }
    return line.toString(StandardCharsets.UTF_8);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    try {
      command("LOGOUT");
    } catch (RuntimeException ignored) {
      // closing anyway
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // closed
    }
  }
}
