package io.mailbridge.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * A real proxy daemon on 127.0.0.1 for tests: {@code microsocks} (SOCKS5, RFC 1929 login) or
 * {@code tinyproxy} (HTTP CONNECT, Basic login, CONNECT allowed only to chosen ports). Both are
 * installed by {@code scripts/mailstack start}. Each instance runs its own process on a free port
 * and reads the daemon's log to tell which tunnels it opened, so a test can prove that traffic
 * really went through the proxy. The proxy password is registered with {@link SecretScanExtension}.
 *
 * <pre>{@code
 * try (ProxyServer socks = ProxyServer.socks5("px", "secret")) {
 *   ... connect via 127.0.0.1:socks.port() ...
 *   assertThat(socks.awaitTunnels(1)).containsExactly("localhost:993");
 * }
 * }</pre>
 */
public final class ProxyServer implements AutoCloseable {
  private static final Pattern SOCKS_TUNNEL = Pattern.compile("client\\[\\d+\\] \\S+: connected to (\\S+)");
  private static final Pattern HTTP_REQUEST = Pattern.compile("Request \\(file descriptor \\d+\\): CONNECT (\\S+) ");
  private static final Pattern HTTP_TUNNEL = Pattern.compile("Established connection to host \"");

  private final Process process;
  private final Path dir;
  private final Path log;
  private final int port;
  private final boolean socks;

  private ProxyServer(Process process, Path dir, Path log, int port, boolean socks) {
    this.process = process;
    this.dir = dir;
    this.log = log;
    this.port = port;
    this.socks = socks;
  }

  /** A SOCKS5 proxy (microsocks); with a user it requires RFC 1929 login. */
  public static ProxyServer socks5(String user, String password) {
    Path bin = binary("microsocks");
    try {
      Path dir = Files.createTempDirectory("socks5-");
      Path out = dir.resolve("microsocks.log");
      int port = freePort();
      List<String> cmd = new ArrayList<>(List.of(bin.toString(), "-i", "127.0.0.1", "-p", Integer.toString(port)));
      if (user != null) {
        register(user, password);
        cmd.addAll(List.of("-u", user, "-P", password));
      }
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
      return started(new ProxyServer(p, dir, out, port, true));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start microsocks: " + e.getMessage(), e);
    }
  }

  /**
   * An HTTP CONNECT proxy (tinyproxy); with a user it requires Basic login. CONNECT is allowed only
   * to {@code allowedPorts}; other ports are answered {@code 403}.
   */
  public static ProxyServer http(String user, String password, int... allowedPorts) {
    Path bin = binary("tinyproxy");
    try {
      Path dir = Files.createTempDirectory("httpproxy-");
      Path out = dir.resolve("tinyproxy.log");
      int port = freePort();
      StringBuilder conf = new StringBuilder()
          .append("Port ").append(port).append('\n')
          .append("Listen 127.0.0.1\n")
          .append("Timeout 120\n")
          .append("LogFile \"").append(out).append("\"\n")
          .append("LogLevel Connect\n")
          .append("PidFile \"").append(dir.resolve("tinyproxy.pid")).append("\"\n")
          .append("MaxClients 50\n")
          .append("Allow 127.0.0.1\n");
      if (user != null) {
        register(user, password);
        conf.append("BasicAuth ").append(user).append(' ').append(password).append('\n');
      }
      for (int allowed : allowedPorts) {
        conf.append("ConnectPort ").append(allowed).append('\n');
      }
      Path file = dir.resolve("tinyproxy.conf");
      Files.writeString(file, conf.toString());
      Process p = new ProcessBuilder(bin.toString(), "-d", "-c", file.toString()).redirectErrorStream(true)
          .redirectOutput(dir.resolve("stdout.log").toFile()).start();
      return started(new ProxyServer(p, dir, out, port, false));
    } catch (IOException e) {
      throw new IllegalStateException("cannot start tinyproxy: " + e.getMessage(), e);
    }
  }

  public String host() {
    return "127.0.0.1";
  }

  public int port() {
    return port;
  }

  /** The targets ({@code host:port}, as the client named them) of the tunnels opened so far. */
  public List<String> tunnels() {
    List<String> out = new ArrayList<>();
    String lastRequest = null;
    for (String line : lines()) {
      if (socks) {
        Matcher m = SOCKS_TUNNEL.matcher(line);
        if (m.find()) {
          out.add(m.group(1));
        }
      } else {
        Matcher r = HTTP_REQUEST.matcher(line);
        if (r.find()) {
          lastRequest = r.group(1);
        } else if (HTTP_TUNNEL.matcher(line).find() && lastRequest != null) {
          out.add(lastRequest);
          lastRequest = null;
        }
      }
    }
    return out;
  }

  /** Waits (up to 10 s) until at least {@code n} tunnels were logged; returns them. */
  public List<String> awaitTunnels(int n) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    List<String> t = tunnels();
    while (t.size() < n && System.nanoTime() < deadline) {
      sleep(50);
      t = tunnels();
    }
    return t;
  }

  /** The daemon's log lines so far. */
  public List<String> lines() {
    try {
      return Files.exists(log) ? Files.readAllLines(log, StandardCharsets.ISO_8859_1) : List.of();
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + log + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException ignored) {
      // a temp directory left behind is harmless
    }
  }

  private static void register(String user, String password) {
    SecretScanExtension.register(user, password);
    SecretScanExtension.register(user, Base64.getEncoder().encodeToString((user + ":" + password)
        .getBytes(StandardCharsets.UTF_8)));
  }

  private static ProxyServer started(ProxyServer s) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      if (!s.process.isAlive()) {
        String output = String.join("\n", s.lines());
        s.close();
        throw new IllegalStateException("proxy daemon exited at start (" + s.process.exitValue() + "): " + output);
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress("127.0.0.1", s.port), 200);
        return s;
      } catch (IOException notYet) {
        sleep(50);
      }
    }
    s.close();
    throw new IllegalStateException("proxy daemon did not listen on 127.0.0.1:" + s.port + " within 10 s");
  }

  private static Path binary(String name) {
    for (String dir : List.of("/usr/bin", "/usr/sbin", "/usr/local/bin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    Optional<Path> none = Optional.empty();
    if (RealMailStackExtension.onCi()) {
      throw new IllegalStateException(name + " is not installed but CI=true: `scripts/mailstack start` installs it");
    }
    Assumptions.assumeTrue(false, name + " is not installed: run `scripts/mailstack start` (as root) to install it");
    return none.orElseThrow();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
