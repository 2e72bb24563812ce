package io.mailbridge.connection;

import io.mailbridge.connection.Errors;
import io.mailbridge.connection.internal.Login;
import io.mailbridge.connection.internal.MailSessions;
import io.mailbridge.connection.internal.TlsSockets;
import io.mailbridge.BadInputException;
import io.mailbridge.connection.Endpoint;
import jakarta.mail.FolderNotFoundException;
import jakarta.mail.MessagingException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSession;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A logged-in IMAP connection (an Angus {@link IMAPStore}). Opened per operation and closed in
 * {@code finally}; all Jakarta exceptions are translated with {@link Errors}.
 */
public final class ImapClient implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImapClient.class);

  private final Endpoint endpoint;
  private final MailSessions.Opened opened;
  private final IMAPStore store;

  private ImapClient(Endpoint endpoint, MailSessions.Opened opened, IMAPStore store) {
    this.endpoint = endpoint;
    this.opened = opened;
    this.store = store;
  }

  /**
   * Connects and logs in; or, when {@link #openAhead} started that for this very endpoint object
   * (and no extra properties or recorded trace are asked for), waits for that connection and
   * returns it, or throws what opening it threw.
   */
  public static ImapClient open(Endpoint endpoint, Properties extra, boolean recordTrace) {
    requireImap(endpoint);
    if (extra.isEmpty() && !recordTrace) {
      ImapClient early = OpenAhead.take(endpoint);
      if (early != null) {
        return early;
      }
    }
    return connect(endpoint, extra, recordTrace);
  }

  /**
   * For a short-lived process that knows its server before it has finished starting: connects and
   * logs in to {@code endpoint} on a thread of its own now, while the caller goes on, so that the
   * TLS handshake and the login's round trips overlap the rest of its start. The next
   * {@link #open} of this same {@code Endpoint} object takes the connection (or the error opening it
   * ended with: the same exception a direct open throws). One at a time: a connection opened ahead
   * before and not taken is closed.
   */
  public static void openAhead(Endpoint endpoint) {
    requireImap(endpoint);
    OpenAhead.start(endpoint, () -> connect(endpoint, new Properties(), false));
  }

  /** Closes the connection {@link #openAhead} opened if no {@link #open} took it (at once, or once it is open). */
  public static void discardAhead() {
    OpenAhead.discard();
  }

  private static void requireImap(Endpoint endpoint) {
    if (endpoint.protocol() != Endpoint.Protocol.IMAP) {
      throw new IllegalArgumentException("not an IMAP endpoint: " + endpoint.protocol());
    }
  }

  private static ImapClient connect(Endpoint endpoint, Properties extra, boolean recordTrace) {
    MailSessions.Opened opened = MailSessions.open(endpoint, extra, recordTrace);
    IMAPStore store;
    try {
      store = (IMAPStore) opened.session().getStore(opened.protocol());
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "connect", e);
    }
    long start = System.nanoTime();
    Login.run(endpoint, (user, credential) -> store.connect(endpoint.host(), endpoint.port(), user, credential));
    LOG.debug("imap connected host={} port={} user={} ms={}", endpoint.host(), endpoint.port(),
        endpoint.auth().user(), (System.nanoTime() - start) / 1_000_000);
    return new ImapClient(endpoint, opened, store);
  }

  public Endpoint endpoint() {
    return endpoint;
  }

  public IMAPStore store() {
    return store;
  }

  public Trace trace() {
    return opened.trace();
  }

  /**
   * Opens a folder, {@code Folder.READ_ONLY} (EXAMINE) or {@code Folder.READ_WRITE} (SELECT), without
   * asking LIST first (a round trip per receive or poll): when the server refuses, Angus asks LIST
   * itself, and a folder that does not exist becomes a {@link BadInputException} naming it, the
   * mailbox and {@code whatToDo}.
   */
  public IMAPFolder openFolder(String name, int mode, String whatToDo) {
    try {
      IMAPFolder folder = (IMAPFolder) store.getFolder(name);
      folder.open(mode);
      if (folder.getUIDValidity() < 1) {
        // RFC 3501 6.3.1: UIDVALIDITY is a required part of the SELECT answer; without it (Angus then
        // says -1) no UID of the folder can be trusted or stored.
        folder.close(false);
        throw Errors.protocolError(endpoint, "open folder '" + name + "'",
            "sent no UIDVALIDITY (RFC 3501 6.3.1 requires it): the folder's UIDs cannot be trusted", null);
      }
      return folder;
    } catch (FolderNotFoundException e) {
      throw new BadInputException("folder '" + name + "' does not exist on " + endpoint.address() + " for '"
          + endpoint.auth().user() + "': " + whatToDo, e);
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "open folder '" + name + "'", e);
    }
  }

  /** The TLS session of the connection, when it is encrypted. */
  public Optional<SSLSession> tlsSession() {
    return Optional.ofNullable(opened.tls()).flatMap(TlsSockets.Secure::lastSocket).map(s -> s.getSession());
  }

  /** The server's capabilities after login (keys upper case). */
  @SuppressWarnings("unchecked")
  public Map<String, String> capabilities() {
    try {
      IMAPFolder any = (IMAPFolder) store.getDefaultFolder();
      Object caps = any.doCommand(p -> p.getCapabilities());
      return (Map<String, String>) caps;
    } catch (MessagingException e) {
      throw Errors.translate(endpoint, "CAPABILITY", e);
    }
  }

  /** A folder's counters from STATUS: what a look costs without selecting the folder. */
  public record FolderCounts(long uidNext, long uidValidity, long messages) {}

  private static final String[] STATUS_ITEMS = {"UIDNEXT", "UIDVALIDITY", "MESSAGES"};

  /**
   * {@code STATUS folder (UIDNEXT UIDVALIDITY MESSAGES)}, for a folder that is not selected on this
   * connection (RFC 3501 6.3.10). Empty when the server refuses it or leaves UIDNEXT or UIDVALIDITY
   * out: the caller then selects the folder, which reports a missing folder properly.
   */
  public Optional<FolderCounts> status(String folder) {
    try {
      IMAPFolder f = (IMAPFolder) store.getFolder(folder);
      Object answer = f.doCommand(p -> p.status(f.getFullName(), STATUS_ITEMS));
      if (!(answer instanceof org.eclipse.angus.mail.imap.protocol.Status st) || st.uidnext < 1 || st.uidvalidity < 1) {
        return Optional.empty();
      }
      return Optional.of(new FolderCounts(st.uidnext, st.uidvalidity, Math.max(0, st.total)));
    } catch (MessagingException e) {
      if (!store.isConnected()) {
        throw Errors.translate(endpoint, "STATUS '" + folder + "'", e);
      }
      return Optional.empty();
    }
  }

  /** Sends NOOP and waits for the answer; true when the connection is alive. */
  public boolean noop() {
    return store.isConnected();
  }

  /**
   * Logs out and waits, at most {@code max}, until the server has closed the connection (end of
   * stream after its LOGOUT answer), then closes. True when the server was seen closing: by then
   * it has ended the session (Dovecot no longer counts it), so a connection limit can pass the
   * slot on at once instead of after a guessed delay. False when it could not be seen (no socket of
   * ours, the server kept the connection open); the connection is closed either way.
   */
  public boolean logoutAwaitingClose(java.time.Duration max) {
    Optional<? extends java.net.Socket> socket = opened.tls() != null ? opened.tls().lastSocket()
        : Optional.ofNullable(opened.plain()).flatMap(TlsSockets.NoDelay::lastSocket);
    boolean closedByServer = false;
    try {
      // No isConnected() first: Angus asks it with a NOOP, a round trip per turn.
      if (socket.isPresent()) {
        IMAPFolder any = (IMAPFolder) store.getDefaultFolder();
        Object answer = any.doCommand(p -> p.command("LOGOUT", null));
        org.eclipse.angus.mail.iap.Response[] r = (org.eclipse.angus.mail.iap.Response[]) answer;
        // Angus puts the BYE after the tagged answer in what it returns, whatever the order on the wire.
        if (java.util.Arrays.stream(r).anyMatch(x -> x.isTagged() && x.isOK())) {
          closedByServer = awaitEnd(socket.get(), max);
        }
      }
    } catch (MessagingException | RuntimeException e) {
      LOG.debug("imap logout host={} error={}", endpoint.host(), e.toString());
    } finally {
      socket.ifPresent(ImapClient::closeQuietly);
      close();
    }
    return closedByServer;
  }

  /** Reads until the server's end of stream; false on timeout or error. */
  private static boolean awaitEnd(java.net.Socket socket, java.time.Duration max) {
    long deadline = System.nanoTime() + max.toNanos();
    try {
      java.io.InputStream in = socket.getInputStream();
      byte[] sink = new byte[256];
      while (true) {
        long left = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          return false;
        }
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        if (in.read(sink) < 0) {
          return true;
        }
      }
    } catch (java.net.SocketTimeoutException e) {
      return false;
    } catch (java.io.IOException e) {
      // A reset after the answer is also the server's end of the connection.
      return !(e instanceof java.io.InterruptedIOException);
    }
  }

  private static void closeQuietly(java.net.Socket s) {
    try {
      s.close();
    } catch (java.io.IOException ignored) {
      // closing what the server has closed already
    }
  }

  @Override
  public void close() {
    try {
      store.close();
    } catch (MessagingException e) {
      LOG.debug("imap close host={} error={}", endpoint.host(), e.toString());
    }
  }
}
