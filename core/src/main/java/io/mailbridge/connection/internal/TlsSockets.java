package io.mailbridge.connection.internal;

import io.mailbridge.ConfigException;
import io.mailbridge.connection.Endpoint;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Socket factories handed to Angus Mail. TLS sockets allow TLS 1.2 and 1.3 only, verify the host
 * name during the handshake, and every socket gets TCP_NODELAY: without it Nagle's algorithm and
 * delayed ACKs stall every SMTP exchange for a delayed-ACK timeout. The factory remembers the last TLS socket so that
 * {@code check} can report the negotiated protocol and cipher.
 */
public final class TlsSockets {
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  /**
   * System property: {@code true} offers the ChaCha20-Poly1305 suites first (the server still
   * chooses; the set of suites is unchanged). For short-lived processes such as the CLI: until C2
   * has compiled the JDK's AES-GCM code its intrinsics (AES-NI, carry-less multiply) are not used
   * and AES-GCM decryption in plain Java costs more than everything else of a cold receive, while
   * ChaCha20 is fast as soon as C1 has compiled it. A long-running JVM does better with AES-GCM.
   */
  public static final String CHACHA20_FIRST_PROPERTY = "mailbridge.tls.chacha20First";

  private TlsSockets() {}

  /** The same suites, those with CHACHA20 first, each group in its given order. */
  static String[] chacha20First(String[] suites) {
    String[] out = new String[suites.length];
    int i = 0;
    for (String s : suites) {
      if (s.contains("CHACHA20")) {
        out[i++] = s;
      }
    }
    for (String s : suites) {
      if (!s.contains("CHACHA20")) {
        out[i++] = s;
      }
    }
    return out;
  }

  /**
   * Starts, on a daemon thread, the part of the first handshake's host name check that does not
   * depend on the server: the JDK looks up whether the verified chain's trust anchor is one of its
   * own public CAs, and at its first look it loads its whole {@code cacerts} store (some 150
   * certificates parsed), which in a cold process is most of the handshake's CPU on the connecting
   * thread. Verification is unchanged: the same check runs in the handshake and finds that table
   * ready (or waits for it). On a JDK without that class nothing happens.
   *
   * @return the started thread
   */
  public static Thread warmUp() {
    Thread t = new Thread(() -> {
      try {
        Class.forName("sun.security.util.AnchorCertificates", true, null);
      } catch (ClassNotFoundException | LinkageError | RuntimeException ignored) {
        // the handshake does the same work itself, and reports any problem
      }
    }, "mailbridge-tls-warm-up");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Largest CA file read. */
  private static final int MAX_PEM_BYTES = 8 << 20;

  /** Contexts by trust source; few (one per CA file and version of it), so bounded by a reset. */
  private static final ConcurrentMap<Object, SSLContext> CONTEXTS = new ConcurrentHashMap<>();
  private static final int MAX_CONTEXTS = 32;

  private record PemVersion(Path file, FileTime modified, long size) {}

  /**
   * An SSL context trusting the PEM file's certificates, or the JDK defaults when empty; the same
   * context again while the file is unchanged. Its client session cache is what lets the next
   * connection to a server resume the TLS session (one round trip, no certificate chain to verify
   * again), which matters to a listener that connects for every turn.
   */
  public static SSLContext context(Optional<Path> trustedCertificates) {
    Object key;
    if (trustedCertificates.isEmpty()) {
      key = "jdk-defaults";
    } else {
      Path pem = trustedCertificates.get().toAbsolutePath();
      try {
        key = new PemVersion(pem, Files.getLastModifiedTime(pem), Files.size(pem));
      } catch (IOException e) {
        return load(trustedCertificates); // reports the unreadable file
      }
    }
    SSLContext known = CONTEXTS.get(key);
    if (known != null) {
      return known;
    }
    SSLContext made = load(trustedCertificates);
    if (CONTEXTS.size() >= MAX_CONTEXTS) {
      CONTEXTS.clear();
    }
    SSLContext raced = CONTEXTS.putIfAbsent(key, made);
    return raced != null ? raced : made;
  }

  private static SSLContext load(Optional<Path> trustedCertificates) {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      if (trustedCertificates.isEmpty()) {
        ctx.init(null, null, null);
        return ctx;
      }
      Path pem = trustedCertificates.get();
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      byte[] bytes;
      try (InputStream in = Files.newInputStream(pem)) {
        bytes = in.readNBytes(MAX_PEM_BYTES + 1); // not all of /dev/zero: a CA bundle is a few hundred KiB
      }
      if (bytes.length > MAX_PEM_BYTES) {
        throw new ConfigException("trustedCertificates " + pem + " is larger than " + MAX_PEM_BYTES + " bytes: give "
            + "a PEM file with the CA certificates only");
      }
      try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
        Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        if (certs.isEmpty()) {
          throw new ConfigException("trustedCertificates " + pem + " holds no certificate: give a PEM file with "
              + "-----BEGIN CERTIFICATE----- blocks");
        }
        int i = 0;
        for (Certificate c : certs) {
          ks.setCertificateEntry("ca-" + i++, c);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new ConfigException("trustedCertificates " + trustedCertificates.get() + " is not a readable PEM "
          + "certificate file (" + e.getMessage() + ")", e);
    }
  }

  /**
   * Plain sockets with TCP_NODELAY (for STARTTLS before the upgrade, and NONE); the unconnected
   * ones Angus asks for read the server through {@link io.mailbridge.connection.ServerInput} when an endpoint is given.
   */
  public static final class NoDelay extends SocketFactory {
    private final Endpoint guarded;
    private volatile Socket last;

    public NoDelay() {
      this(null);
    }

    /** @param guarded whose limits and read timeout apply to what the server sends, or null */
    public NoDelay(Endpoint guarded) {
      this.guarded = guarded;
    }

    /** The socket created last, if any (a connection's own streams, for pipelined SMTP). */
    public Optional<Socket> lastSocket() {
      return Optional.ofNullable(last);
    }

    private Socket remember(Socket s) {
      last = s;
      return s;
    }

    @Override
    public Socket createSocket() throws IOException {
      if (guarded != null) {
        return remember(new GuardedSocket(guarded));
      }
      Socket s = new Socket();
      s.setTcpNoDelay(true);
      return remember(s);
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
      Socket s = new Socket(host, port);
      s.setTcpNoDelay(true);
      return remember(s);
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
      Socket s = new Socket(host, port, local, localPort);
      s.setTcpNoDelay(true);
      return remember(s);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
      Socket s = new Socket(host, port);
      s.setTcpNoDelay(true);
      return remember(s);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) throws IOException {
      Socket s = new Socket(address, port, local, localPort);
      s.setTcpNoDelay(true);
      return remember(s);
    }
  }

  /** TLS sockets: TLS 1.2+, host name verified in the handshake, TCP_NODELAY, last socket recorded. */
  public static final class Secure extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final String host;
    private final Endpoint guarded;
    private volatile SSLSocket last;

    /**
     * @param host the host name that was dialled: the certificate must be issued for it
     */
    public Secure(SSLContext context, String host) {
      this(context, host, null);
    }

    /**
     * @param guarded whose limits and read timeout apply to what the server sends over the TLS
     *     sockets made here, or null
     */
    public Secure(SSLContext context, String host, Endpoint guarded) {
      this.delegate = context.getSocketFactory();
      this.host = host;
      this.guarded = guarded;
    }

    /** The TLS socket created last, if any (for reporting the negotiated session). */
    public Optional<SSLSocket> lastSocket() {
      return Optional.ofNullable(last);
    }

    private Socket configure(Socket socket) throws IOException {
      SSLSocket ssl = (SSLSocket) socket;
      ssl.setTcpNoDelay(true);
      SSLParameters params = ssl.getSSLParameters();
      params.setProtocols(PROTOCOLS);
      if (Boolean.getBoolean(CHACHA20_FIRST_PROPERTY)) {
        params.setCipherSuites(chacha20First(params.getCipherSuites()));
      }
      // RFC 6125 host name check by the JDK, as for HTTPS; works for names and IP literals.
      params.setEndpointIdentificationAlgorithm("HTTPS");
      ssl.setSSLParameters(params);
      if (guarded != null) {
        ssl = new GuardedTlsSocket(ssl, guarded);
      }
      last = ssl;
      return ssl;
    }

    @Override
    public Socket createSocket() throws IOException {
      // Angus connects the socket itself; the JDK takes the peer host from the dialled address.
      return configure(delegate.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String h, int port, boolean autoClose) throws IOException {
      s.setTcpNoDelay(true);
      if (s instanceof GuardedSocket g) {
        g.layered();
      } else if (s instanceof ProxySockets.TunnelSocket t) {
        t.layered();
      }
      return configure(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String h, int port) throws IOException {
      return configure(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String h, int port, InetAddress local, int localPort) throws IOException {
      return configure(delegate.createSocket(host, port, local, localPort));
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
      return configure(delegate.createSocket(address, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort)
        throws IOException {
      return configure(delegate.createSocket(address, port, local, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }
  }
}
