package io.mailbridge.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A TLS server with a deliberately bad setup, made with the {@code openssl} command: an expired
 * certificate, a self-signed one, or TLS 1.1 only. Certificates are generated at test time in a
 * temporary directory (nothing secret is committed). It speaks no mail protocol: a client that
 * gets past the handshake waits for a greeting that never comes.
 */
public final class TlsTestServer implements AutoCloseable {
  /** What is wrong with the server. */
  public enum Flaw { EXPIRED_CERTIFICATE, SELF_SIGNED, TLS_1_1_ONLY, NONE }

  private final Process process;
  private final int port;
  private final Path trustAnchor;

  private TlsTestServer(Process process, int port, Path trustAnchor) {
    this.process = process;
    this.port = port;
    this.trustAnchor = trustAnchor;
  }

  /** Whether the openssl command is available. */
  public static boolean available() {
    try {
      return new ProcessBuilder("openssl", "version").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts a server with the given flaw. {@link #trustAnchor()} is the CA (or, when self-signed,
   * the certificate itself) a client would have to trust.
   */
  public static TlsTestServer start(Flaw flaw, Path dir) {
    try {
      run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
          "-days", "2", "-subj", "/CN=Mailbridge test CA");
      run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "leaf.key", "-out", "leaf.csr",
          "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
      Path trust = dir.resolve("ca.pem");
      String cert;
      String key = "leaf.key";
      switch (flaw) {
        case EXPIRED_CERTIFICATE -> {
          Files.writeString(dir.resolve("ca.cnf"), String.join("\n", "[ ca ]", "default_ca = d", "[ d ]",
              "database = index.txt", "new_certs_dir = .", "serial = serial", "default_md = sha256",
              "policy = p", "copy_extensions = copy", "[ p ]", "commonName = supplied", ""));
          Files.writeString(dir.resolve("index.txt"), "");
          Files.writeString(dir.resolve("serial"), "01\n");
          run(dir, "openssl", "ca", "-batch", "-config", "ca.cnf", "-cert", "ca.pem", "-keyfile", "ca.key",
              "-in", "leaf.csr", "-out", "leaf.pem", "-startdate", "20200101000000Z", "-enddate",
              "20200102000000Z", "-notext");
          cert = "leaf.pem";
        }
        case SELF_SIGNED -> {
          run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "self.key", "-out",
              "self.pem", "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1");
          cert = "self.pem";
          key = "self.key";
          trust = dir.resolve("self.pem");
        }
        default -> {
          run(dir, "openssl", "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
              "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-copy_extensions", "copy");
          cert = "leaf.pem";
        }
      }
      int port = freePort();
      List<String> cmd = new ArrayList<>(List.of("openssl", "s_server", "-accept", "127.0.0.1:" + port,
          "-cert", cert, "-key", key, "-quiet"));
      if (flaw == Flaw.TLS_1_1_ONLY) {
        cmd.addAll(List.of("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0"));
      }
      Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("server.log").toFile()).start();
      waitForPort(port, p, dir);
      return new TlsTestServer(p, port, trust);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start openssl s_server: " + e, e);
    }
  }

  public int port() {
    return port;
  }

  public Path trustAnchor() {
    return trustAnchor;
  }

  private static void waitForPort(int port, Process p, Path dir) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new IOException("openssl s_server exited: " + Files.readString(dir.resolve("server.log")));
      }
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted", e);
        }
      }
    }
    throw new IOException("openssl s_server did not listen on " + port);
  }

  private static void run(Path dir, String... cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", cmd) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
