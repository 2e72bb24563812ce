package io.mailbridge.imap;

import jakarta.mail.MessagingException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.angus.mail.iap.Argument;
import org.eclipse.angus.mail.iap.ParsingException;
import org.eclipse.angus.mail.iap.ProtocolException;
import org.eclipse.angus.mail.iap.Response;
import org.eclipse.angus.mail.iap.ResponseHandler;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.eclipse.angus.mail.imap.IMAPStore;
import org.eclipse.angus.mail.imap.protocol.BASE64MailboxEncoder;
import org.eclipse.angus.mail.imap.protocol.IMAPProtocol;
import org.eclipse.angus.mail.imap.protocol.IMAPResponse;
import org.eclipse.angus.mail.imap.protocol.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NOTIFY (RFC 5465) on a logged-in connection with no folder selected: the server is asked to
 * report new and expunged mail in a set of folders with untagged {@code STATUS} responses, and the
 * connection waits for them in IDLE (RFC 2177), so one connection hears of new mail in any of its
 * folders without looking at each in turn. Which folders have news is collected from every answer
 * the connection reads (during IDLE, and unsolicited in the answers to other commands), and handed
 * out by {@link #await()}.
 *
 * <p>A {@code NOTIFICATIONOVERFLOW} (the server gave up notifying) sets NOTIFY again and reports
 * every folder, so nothing that happened meanwhile is missed.
 */
public final class MailboxNotify implements ResponseHandler, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MailboxNotify.class);
  private static final String[] STATUS_ITEMS = {"UIDNEXT", "UIDVALIDITY", "MESSAGES"};

  /** A folder's counters from STATUS. */
  public record Counts(long uidNext, long uidValidity, long messages) {}

  private final IMAPFolder anyFolder;
  /** The watched folders: the server's name of each (as Angus decodes it) to the user's name. */
  private final Map<String, String> userNames;
  private final Set<String> news = ConcurrentHashMap.newKeySet();
  private volatile boolean overflow;
  private volatile boolean wakeRequested;
  private volatile IMAPProtocol idling;
  private final AtomicBoolean doneSent = new AtomicBoolean();
  private volatile IMAPProtocol protocol;

  private MailboxNotify(IMAPFolder anyFolder, Map<String, String> userNames) {
    this.anyFolder = anyFolder;
    this.userNames = userNames;
  }

  /**
   * Asks the server to report new mail in {@code folders} (names as users write them). Empty when
   * the server does not offer NOTIFY and IDLE or refuses the request: the caller then looks at the
   * folders itself.
   */
  public static Optional<MailboxNotify> set(IMAPStore store, List<String> folders) throws MessagingException {
    if (!store.hasCapability("NOTIFY") || !store.hasCapability("IDLE")) {
      return Optional.empty();
    }
    Map<String, String> names = new LinkedHashMap<>();
    for (String f : folders) {
      names.put(FolderPaths.serverName(store, f), f);
    }
    MailboxNotify n = new MailboxNotify((IMAPFolder) store.getDefaultFolder(), names);
    boolean accepted = (Boolean) n.anyFolder.doCommand(p -> {
      n.protocol = p;
      p.addResponseHandler(n);
      boolean ok = n.sendSet(p);
      if (!ok) {
        p.removeResponseHandler(n);
      }
      return ok;
    });
    return accepted ? Optional.of(n) : Optional.empty();
  }

  /** {@code NOTIFY SET (mailboxes (...) (MessageNew MessageExpunge))}; false when refused. */
  private boolean sendSet(IMAPProtocol p) {
    Argument names = new Argument();
    userNames.keySet().forEach(n -> names.writeString(BASE64MailboxEncoder.encode(n)));
    Argument events = new Argument();
    // RFC 5465 5.2: MessageNew and MessageExpunge are asked together or not at all.
    events.writeAtom("MessageNew");
    events.writeAtom("MessageExpunge");
    Argument group = new Argument();
    group.writeAtom("mailboxes");
    group.writeArgument(names);
    group.writeArgument(events);
    Argument args = new Argument();
    args.writeAtom("SET");
    args.writeArgument(group);
    Response[] r = p.command("NOTIFY", args);
    p.notifyResponseHandlers(r);
    Response last = r[r.length - 1];
    if (!last.isOK()) {
      LOG.info("imap NOTIFY refused answer={}", io.mailbridge.connection.ServerText.shown(last.toString(), 200));
      return false;
    }
    return true;
  }

  /**
   * {@code STATUS folder (UIDNEXT UIDVALIDITY MESSAGES)}, read from the answer that names this
   * folder: a notification about another folder in the same answer is kept as its news. Empty
   * when the server refuses it or leaves UIDNEXT or UIDVALIDITY out.
   */
  public Optional<Counts> status(String folder) throws MessagingException {
    String server = serverName(folder);
    Object answer = anyFolder.doCommand(p -> {
      Argument items = new Argument();
      for (String item : STATUS_ITEMS) {
        items.writeAtom(item);
      }
      Argument args = new Argument();
      args.writeString(BASE64MailboxEncoder.encode(server));
      args.writeArgument(items);
      Response[] r = p.command("STATUS", args);
      Status mine = null;
      for (int i = 0; i < r.length - 1; i++) {
        Status s = statusOf(r[i]);
        if (s != null) {
          if (server.equals(s.mbox)) {
            mine = mine == null ? s : merged(mine, s);
          } else {
            noteNews(s.mbox);
          }
          r[i] = null;
        }
      }
      p.notifyResponseHandlers(r);
      return r[r.length - 1].isOK() ? mine : null;
    });
    if (!(answer instanceof Status st) || st.uidnext < 1 || st.uidvalidity < 1) {
      return Optional.empty();
    }
    return Optional.of(new Counts(st.uidnext, st.uidvalidity, Math.max(0, st.total)));
  }

  private static Status merged(Status a, Status b) {
    Status.add(a, b);
    return a;
  }

  private String serverName(String userFolder) {
    for (Map.Entry<String, String> e : userNames.entrySet()) {
      if (e.getValue().equals(userFolder)) {
        return e.getKey();
      }
    }
    throw new IllegalArgumentException("not a watched folder: " + userFolder);
  }

  /**
   * Sets NOTIFY again. Dovecot (2.3) watches the account's folder list index file for changes and
   * keeps watching the file it opened when NOTIFY was set: once that file is rotated, it notifies
   * only at its own check interval (30 s by default). Setting NOTIFY again makes it watch the
   * current file.
   */
  public void renew() throws MessagingException {
    boolean accepted = (Boolean) anyFolder.doCommand(this::sendSet);
    if (!accepted) {
      throw new MessagingException("the server refused NOTIFY when it was set again");
    }
  }

  /**
   * Waits in IDLE until the server reports news in a watched folder or {@link #wake()} is called,
   * and returns the folders (users' names) with news since the last call: at once, without IDLE,
   * when some are known already. Empty after a wake-up with no news.
   */
  public Set<String> await() throws MessagingException {
    if (!wakeRequested && news.isEmpty() && !overflow) {
      anyFolder.doCommand(p -> {
        idleUntilNews(p);
        return null;
      });
    }
    wakeRequested = false;
    Set<String> out = new LinkedHashSet<>();
    if (overflow) {
      overflow = false;
      LOG.info("imap NOTIFY overflow: the server stopped notifying; setting it again, every folder looked at");
      boolean again = (Boolean) anyFolder.doCommand(this::sendSet);
      if (!again) {
        throw new MessagingException("the server refused NOTIFY again after its notification overflow");
      }
      out.addAll(userNames.values());
    }
    out.addAll(news());
    return out;
  }

  /** The folders with news collected so far (from the answers to other commands), without waiting. */
  public Set<String> news() {
    Set<String> out = new LinkedHashSet<>();
    for (String f : userNames.values()) {
      if (news.remove(f)) {
        out.add(f);
      }
    }
    return out;
  }

  private void idleUntilNews(IMAPProtocol p) throws ProtocolException {
    doneSent.set(false);
    p.idleStart();
    idling = p;
    try {
      // A wake-up or news that came before IDLE was under way ends it at once.
      if (wakeRequested || !news.isEmpty() || overflow) {
        done(p);
      }
      while (true) {
        Response r = p.readIdleResponse();
        if (r == null || !p.processIdleResponse(r)) {
          return;
        }
        if (!news.isEmpty() || overflow) {
          done(p);
        }
      }
    } finally {
      idling = null;
    }
  }

  /** Ends a running IDLE (from any thread); the next {@link #await()} returns at once if none runs. */
  public void wake() {
    wakeRequested = true;
    IMAPProtocol p = idling;
    if (p != null) {
      done(p);
    }
  }

  private void done(IMAPProtocol p) {
    if (doneSent.compareAndSet(false, true)) {
      p.idleAbort();
    }
  }

  @Override
  public void handleResponse(Response r) {
    Status s = statusOf(r);
    if (s != null) {
      noteNews(s.mbox);
    } else if (r instanceof IMAPResponse ir && !ir.isTagged() && ir.isOK()
        && ir.toString().toUpperCase(java.util.Locale.ROOT).contains("[NOTIFICATIONOVERFLOW]")) {
      overflow = true;
    }
  }

  private void noteNews(String serverName) {
    String user = userNames.get(serverName);
    if (user != null) {
      news.add(user);
    }
  }

  private static Status statusOf(Response r) {
    if (r instanceof IMAPResponse ir && !ir.isTagged() && ir.keyEquals("STATUS")) {
      try {
        return new Status(new IMAPResponse(ir));
      } catch (ParsingException e) {
        LOG.debug("imap unreadable STATUS response error={}", e.toString());
      }
    }
    return null;
  }

  /** Stops collecting news (the connection itself stays open). */
  @Override
  public void close() {
    IMAPProtocol p = protocol;
    if (p != null) {
      p.removeResponseHandler(this);
    }
  }
}
