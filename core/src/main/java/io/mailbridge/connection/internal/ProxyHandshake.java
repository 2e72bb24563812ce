package io.mailbridge.connection.internal;

import io.mailbridge.connection.ProxySettings;
import io.mailbridge.connection.internal.ProxyException.Kind;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * The client side of the two tunnel handshakes, on a socket already connected to the proxy.
 *
 * <p>Written here rather than taken from a library: the JDK's SOCKS client reads credentials only
 * from the JVM-wide {@code java.net.Authenticator} or system properties (one login per process, not
 * per connection), and Angus Mail's SOCKS support is that same JDK client. Angus's HTTP CONNECT
 * support reports every refusal as one plain {@code ConnectException}, so a rejected login, a rule
 * and an unreachable server could not be told apart. The well-kept client implementations on Maven
 * Central (Netty's handler-proxy) live inside their own non-blocking pipeline, not on the blocking
 * sockets Angus Mail uses. Each handshake is a few fixed messages (RFC 1928 4-6, RFC 1929 2,
 * RFC 9110 9.3.6).
 *
 * <p>The target host name is always sent to the proxy unresolved (SOCKS5 ATYP 3, CONNECT
 * authority), so only the proxy needs to resolve it. Responses are read exactly (SOCKS) or byte by
 * byte up to the blank line (HTTP), so no byte of the mail server's greeting is consumed here.
 */
final class ProxyHandshake {
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final int MAX_HTTP_HEAD = 16 * 1024;

  private ProxyHandshake() {}

  static void open(ProxySettings proxy, String host, int port, InputStream in, OutputStream out) throws IOException {
    try {
      switch (proxy.type()) {
        case SOCKS5 -> socks5(proxy, host, port, in, out);
        case HTTP -> httpConnect(proxy, host, port, in, out);
      }
    } catch (SocketTimeoutException e) {
      throw new ProxyException(Kind.TIMEOUT, proxy, "did not answer within the read timeout while opening the "
          + "tunnel to " + authority(host, port), e);
    } catch (EOFException e) {
      throw new ProxyException(Kind.REFUSED, proxy, "closed the connection while opening the tunnel to "
          + authority(host, port) + " (does it allow this client, and is it a " + proxy.type() + " proxy?)", e);
    }
  }

  // ---------------------------------------------------------------- SOCKS5, RFC 1928 + RFC 1929

  private static void socks5(ProxySettings proxy, String host, int port, InputStream in, OutputStream out)
      throws IOException {
    boolean login = proxy.user().isPresent();
    // RFC 1928 3: VER=5, NMETHODS, METHODS (0x00 no authentication, 0x02 username/password).
    out.write(login ? new byte[] {5, 2, 0, 2} : new byte[] {5, 1, 0});
    out.flush();
    int version = readByte(in);
    int method = readByte(in);
    if (version != 5) {
      throw new ProxyException(Kind.REFUSED, proxy, "did not answer as a SOCKS5 proxy (version byte " + version
          + "): check the proxy type and port");
    }
    if (method == 0xFF) {
      throw new ProxyException(Kind.AUTH, proxy, login
          ? "accepts neither user/password nor anonymous access"
          : "requires a login: give the proxy user and password");
    }
    if (method == 2 && login) {
      socks5Login(proxy, in, out);
    } else if (method != 0) {
      throw new ProxyException(Kind.REFUSED, proxy, "chose authentication method " + method
          + ", which was not offered");
    }

    // RFC 1928 4: VER=5, CMD=1 (CONNECT), RSV=0, ATYP + DST.ADDR, DST.PORT.
    ByteArrayOutputStream req = new ByteArrayOutputStream();
    req.write(new byte[] {5, 1, 0});
    byte[] literal = ipLiteral(host);
    if (literal != null) {
      req.write(literal.length == 4 ? 1 : 4);
      req.write(literal);
    } else {
      byte[] name = host.getBytes(StandardCharsets.US_ASCII);
      req.write(3);
      req.write(name.length);
      req.write(name);
    }
    req.write(port >> 8);
    req.write(port & 0xFF);
    out.write(req.toByteArray());
    out.flush();

    // RFC 1928 6: VER, REP, RSV, ATYP, BND.ADDR, BND.PORT.
    int ver = readByte(in);
    int rep = readByte(in);
    readByte(in);
    int atyp = readByte(in);
    if (ver != 5) {
      throw new ProxyException(Kind.REFUSED, proxy, "sent a malformed SOCKS5 reply (version " + ver + ")");
    }
    if (rep != 0) {
      String target = authority(host, port);
      throw switch (rep) {
        case 2 -> new ProxyException(Kind.REFUSED, proxy, "refused the connection to " + target
            + " (not allowed by its rules): ask the proxy admin to allow it");
        case 7, 8 -> new ProxyException(Kind.REFUSED, proxy, "refused the connection to " + target + " ("
            + socksReply(rep) + ")");
        default -> new ProxyException(Kind.TARGET_UNREACHABLE, proxy, "could not reach " + target + " ("
            + socksReply(rep) + "): check the mail server's host and port, as seen from the proxy");
      };
    }
    int addressLength = switch (atyp) {
      case 1 -> 4;
      case 4 -> 16;
      case 3 -> readByte(in);
      default -> throw new ProxyException(Kind.REFUSED, proxy, "sent a malformed SOCKS5 reply (address type "
          + atyp + ")");
    };
    readFully(in, addressLength + 2);
  }

  private static void socks5Login(ProxySettings proxy, InputStream in, OutputStream out) throws IOException {
    byte[] user = proxy.user().get().getBytes(StandardCharsets.UTF_8);
    byte[] pass = proxy.password().get().reveal().getBytes(StandardCharsets.UTF_8);
    // RFC 1929 2: VER=1, ULEN, UNAME, PLEN, PASSWD.
    byte[] msg = new byte[3 + user.length + pass.length];
    msg[0] = 1;
    msg[1] = (byte) user.length;
    System.arraycopy(user, 0, msg, 2, user.length);
    msg[2 + user.length] = (byte) pass.length;
    System.arraycopy(pass, 0, msg, 3 + user.length, pass.length);
    try {
      out.write(msg);
      out.flush();
    } finally {
      java.util.Arrays.fill(msg, (byte) 0);
      java.util.Arrays.fill(pass, (byte) 0);
    }
    readByte(in);
    int status = readByte(in);
    if (status != 0) {
      throw new ProxyException(Kind.AUTH, proxy, "rejected the login for proxy user '" + proxy.user().get()
          + "': check the proxy user and password");
    }
  }

  private static String socksReply(int rep) {
    return switch (rep) {
      case 1 -> "general SOCKS server failure";
      case 3 -> "network unreachable";
      case 4 -> "host unreachable";
      case 5 -> "connection refused";
      case 6 -> "TTL expired";
      case 7 -> "command not supported";
      case 8 -> "address type not supported";
      default -> "reply code " + rep;
    };
  }

  // ---------------------------------------------------------------- HTTP CONNECT, RFC 9110 9.3.6

  private static void httpConnect(ProxySettings proxy, String host, int port, InputStream in, OutputStream out)
      throws IOException {
    String target = authority(host, port);
    StringBuilder req = new StringBuilder();
    // RFC 9112 3.2.3: the request target of CONNECT is the authority form host:port.
    req.append("CONNECT ").append(target).append(" HTTP/1.1\r\n");
    req.append("Host: ").append(target).append("\r\n");
    if (proxy.user().isPresent()) {
      // RFC 7617 2: Basic credentials are base64(user-id ":" password), UTF-8 here.
      String token = Base64.getEncoder().encodeToString((proxy.user().get() + ":" + proxy.password().get().reveal())
          .getBytes(StandardCharsets.UTF_8));
      req.append("Proxy-Authorization: Basic ").append(token).append("\r\n");
    }
    req.append("\r\n");
    out.write(req.toString().getBytes(StandardCharsets.UTF_8));
    out.flush();
    req.setLength(0);

    String status = readHead(proxy, in);
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || !parts[1].matches("\\d{3}")) {
      throw new ProxyException(Kind.REFUSED, proxy, "did not answer as an HTTP proxy (\"" + printable(status)
          + "\"): check the proxy type and port");
    }
    int code = Integer.parseInt(parts[1]);
    String answer = code + (parts.length > 2 ? " " + printable(parts[2]) : "");
    if (code / 100 == 2) {
      return;
    }
    // 407 is the proxy's own challenge (RFC 9110 15.5.8); some proxies (tinyproxy) answer 401 to CONNECT.
    if (code == 407 || code == 401) {
      throw new ProxyException(Kind.AUTH, proxy, proxy.user().isPresent()
          ? "rejected the login for proxy user '" + proxy.user().get() + "' (" + answer + "): check the proxy user "
              + "and password"
          : "requires a login (" + answer + "): give the proxy user and password");
    }
    if (code == 502 || code == 503 || code == 504) {
      throw new ProxyException(Kind.TARGET_UNREACHABLE, proxy, "could not reach " + target + " (" + answer
          + "): check the mail server's host and port, as seen from the proxy");
    }
    throw new ProxyException(Kind.REFUSED, proxy, "refused the tunnel to " + target + " (" + answer
        + "): ask the proxy admin to allow CONNECT to this host and port");
  }

  /** Reads the response head up to and including the blank line; returns the status line. */
  private static String readHead(ProxySettings proxy, InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int last4 = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("proxy closed the connection");
      }
      head.write(b);
      last4 = (last4 << 8) | b;
      // RFC 9112 2.2: lines end in CRLF; a bare LF is accepted as a line end.
      if (last4 == 0x0D0A0D0A || (last4 & 0xFFFF) == 0x0A0A) {
        break;
      }
      if (head.size() > MAX_HTTP_HEAD) {
        throw new ProxyException(Kind.REFUSED, proxy, "sent a response head over " + MAX_HTTP_HEAD
            + " bytes: check the proxy type and port");
      }
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    int eol = text.indexOf('\n');
    return (eol < 0 ? text : text.substring(0, eol)).strip();
  }

  // ---------------------------------------------------------------- helpers

  /** {@code host:port}, IPv6 literals in brackets. */
  static String authority(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  /** The address bytes when {@code host} is an IP literal (no DNS lookup), else null. */
  static byte[] ipLiteral(String host) throws IOException {
    if (IPV4.matcher(host).matches() || host.indexOf(':') >= 0) {
      // getByName does not consult DNS for a literal address.
      return InetAddress.getByName(host).getAddress();
    }
    return null;
  }

  private static String printable(String s) {
    String clean = s.replaceAll("[^\\x20-\\x7E]", "?").strip();
    return clean.length() > 120 ? clean.substring(0, 120) + "..." : clean;
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException("proxy closed the connection");
    }
    return b;
  }

  private static void readFully(InputStream in, int n) throws IOException {
    for (int i = 0; i < n; i++) {
      readByte(in);
    }
  }
}
