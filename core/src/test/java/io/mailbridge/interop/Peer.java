package io.mailbridge.interop;

import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Another client on the same mailbox, through Jakarta Mail (not our code): seeds messages, looks
 * at what the server holds, and speaks the server's own folder names (personal namespace prefix and
 * delimiter, which Jakarta reads from NAMESPACE and LIST).
 */
final class Peer implements AutoCloseable {
  private final Store store;
  private final Session session;
  private final String prefix;
  private final char delimiter;

  Peer(Server server) {
    Properties p = new Properties();
    String proto = server.ca().isPresent() ? "imaps" : "imap";
    p.put("mail." + proto + ".ssl.trust", "*");
    p.put("mail." + proto + ".ssl.checkserveridentity", "false");
    p.put("mail." + proto + ".timeout", "20000");
    // The LOGIN command, not SASL: plain Jakarta Mail waits for a CRLF that Mailutils' AUTHENTICATE
    // reply never sends (its line ends with LF alone).
    p.put("mail." + proto + ".auth.mechanisms", "");
    session = Session.getInstance(p);
    try {
      store = session.getStore(proto);
      store.connect(server.host(), server.port(), server.user(), server.password());
      Folder[] personal = store.getPersonalNamespaces();
      Folder ns = personal.length > 0 ? personal[0] : store.getDefaultFolder();
      delimiter = ns.getSeparator();
      String full = ns.getFullName();
      prefix = full.isEmpty() ? "" : full + delimiter;
    } catch (MessagingException e) {
      throw new IllegalStateException("peer cannot log in to " + server + ": " + e, e);
    }
  }

  /** The server's own name for a folder the user writes as {@code a/b}. */
  String wire(String userName) {
    if (userName.equalsIgnoreCase("INBOX")) {
      return "INBOX";
    }
    return prefix + userName.replace('/', delimiter);
  }

  /** Whether the server announces this capability. */
  boolean has(String capability) {
    try {
      return ((org.eclipse.angus.mail.imap.IMAPStore) store).hasCapability(capability);
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  char delimiter() {
    return delimiter;
  }

  /** Deletes (with its children) and recreates the folder, empty. */
  void reset(String userName) {
    try {
      // Cyrus refuses to delete or recreate a folder another session (a listener just stopped)
      // still has selected, for a moment: try again for a while.
      for (int attempt = 1; ; attempt++) {
        drop(userName);
        Folder f = store.getFolder(wire(userName));
        if (f.create(Folder.HOLDS_MESSAGES)) {
          return;
        }
        if (attempt == 50) {
          throw new IllegalStateException("cannot create " + f.getFullName());
        }
        Thread.sleep(200);
      }
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Deletes the folder and its children when they exist. */
  void drop(String userName) {
    try {
      Folder f = store.getFolder(wire(userName));
      if (f.exists()) {
        for (Folder child : f.list("*")) {
          child.delete(false);
        }
        f.delete(true);
      }
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  boolean exists(String wireName) {
    try {
      return store.getFolder(wireName).exists();
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Appends a small message per subject (UTF-8 subjects encoded as RFC 2047 words), with these flags. */
  void append(String userName, Flags flags, String... subjects) {
    try {
      Folder f = store.getFolder(wire(userName));
      List<Message> msgs = new ArrayList<>();
      for (String s : subjects) {
        String raw = "From: Billing <billing@shop.example>\r\nTo: alice@example.test\r\nSubject: "
            + jakarta.mail.internet.MimeUtility.encodeText(s, "UTF-8", "Q") + "\r\nMessage-ID: <" + System.nanoTime()
            + "." + Math.abs(s.hashCode()) + "@interop.test>\r\nDate: Fri, 4 Dec 2026 10:00:00 +0000\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nBody of " + s + "\r\n";
        MimeMessage m = new MimeMessage(session, new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        if (flags != null) {
          m.setFlags(flags, true);
        }
        msgs.add(m);
      }
      f.appendMessages(msgs.toArray(Message[]::new));
      if (flags != null) {
        // Mailutils ignores the flags of APPEND: set them again on the messages just appended.
        f.open(Folder.READ_WRITE);
        try {
          Message[] all = f.getMessages();
          for (int i = Math.max(0, all.length - subjects.length); i < all.length; i++) {
            all[i].setFlags(flags, true);
          }
        } finally {
          f.close(false);
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException("append to " + userName + " failed: " + e, e);
    }
  }

  void append(String userName, String... subjects) {
    append(userName, null, subjects);
  }

  /** Subjects in the folder (decoded), in UID order; \Deleted messages marked with a trailing " [deleted]". */
  List<String> subjects(String wireName) {
    return each(wireName, m -> m.getSubject() + (m.isSet(Flags.Flag.DELETED) ? " [deleted]" : ""));
  }

  /** The flags of each message whose subject is {@code subject}, in UID order. */
  List<Flags> flags(String wireName, String subject) {
    return each(wireName, m -> subject.equals(m.getSubject()) ? m.getFlags() : null);
  }

  /** What {@code read} makes of each message in the folder, in UID order, nulls left out. */
  private <T> List<T> each(String wireName, Read<T> read) {
    try {
      Folder f = store.getFolder(wireName);
      f.open(Folder.READ_WRITE); // closed with UNSELECT: James 3.8 expunges on CLOSE even after EXAMINE
      try {
        List<T> out = new ArrayList<>();
        for (Message m : f.getMessages()) {
          T t = read.of(m);
          if (t != null) {
            out.add(t);
          }
        }
        return out;
      } finally {
        f.close(false);
      }
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  @FunctionalInterface
  private interface Read<T> {
    T of(Message m) throws MessagingException;
  }

  /** The folder's UIDVALIDITY. */
  long uidValidity(String wireName) {
    try {
      jakarta.mail.UIDFolder f = (jakarta.mail.UIDFolder) store.getFolder(wireName);
      ((Folder) f).open(Folder.READ_WRITE);
      try {
        return f.getUIDValidity();
      } finally {
        ((Folder) f).close(false);
      }
    } catch (MessagingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Subjects of messages with this flag set. */
  List<String> withFlag(String wireName, Flags.Flag flag) {
    return each(wireName, m -> m.isSet(flag) ? m.getSubject() : null);
  }

  @Override
  public void close() {
    try {
      store.close();
    } catch (MessagingException e) {
      // closing
    }
  }
}
