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

  /** Connects and logs in. */
  public static ImapClient open(Endpoint endpoint, Properties extra, boolean recordTrace) {
    if (endpoint.protocol() != Endpoint.Protocol.IMAP) {
      throw new IllegalArgumentException("not an IMAP endpoint: " + endpoint.protocol());
    }
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

  /** Sends NOOP and waits for the answer; true when the connection is alive. */
  public boolean noop() {
    return store.isConnected();
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
