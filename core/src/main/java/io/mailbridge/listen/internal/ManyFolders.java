package io.mailbridge.listen.internal;

import io.mailbridge.connection.Errors;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.imap.MailboxNotify;
import io.mailbridge.listen.Health;
import io.mailbridge.receive.IncrementalReceive;
import jakarta.mail.MessagingException;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Several folders of one account sharing one connection of a {@link ConnectionWatch}: told of news
 * by NOTIFY (RFC 5465) where the server offers and accepts it, else polled by STATUS in rounds.
 */
final class ManyFolders {
  private static final Logger LOG = LoggerFactory.getLogger(ManyFolders.class);
  private final ConnectionWatch w;
  private final ImapClient imap;
  private final IncrementalReceive pipeline;

  ManyFolders(ConnectionWatch w, ImapClient imap, IncrementalReceive pipeline) {
    this.w = w;
    this.imap = imap;
    this.pipeline = pipeline;
  }

  void run() {
    Optional<MailboxNotify> notify = w.settings.useIdle() ? notifyOf() : Optional.empty();
    if (notify.isPresent()) {
      notifyMany(notify.get());
    } else {
      pollMany(imap::status);
    }
  }

  /**
   * Several folders on one connection: each round asks every folder's STATUS and selects, searches
   * and fetches only those that show news, so a quiet folder costs one short command per round.
   */
  private void pollMany(Function<String, Optional<ImapClient.FolderCounts>> status) {
    LOG.info("listen polling mailbox={} folders={} interval={} (sharing one connection)", w.mailbox, w.folders,
        w.settings.pollInterval());
    while (!w.signals.stopping()) {
      long round = System.nanoTime();
      for (String folder : w.folders) {
        if (w.signals.stopping()) {
          return;
        }
        w.lookAt(imap, pipeline, folder, status);
      }
      if (w.handOver()) {
        return;
      }
      w.signals.sleep(w.untilNextPoll(round));
    }
  }

  /**
   * Several folders on one connection told of news by NOTIFY: the server reports new mail in any
   * of them while the connection idles, and only the folders it names are looked at. A folder that
   * was selected is looked at again by STATUS in the next round (mail that arrived while it was
   * selected is not reported by NOTIFY); every folder is looked at on connecting and every poll
   * interval (or keepalive, if shorter), which bounds how long a notification the server did not
   * send delays new mail.
   */
  private void notifyMany(MailboxNotify notify) {
    LOG.info("listen notified mailbox={} folders={} (NOTIFY, sharing one connection)", w.mailbox, w.folders);
    AtomicBoolean lookAll = new AtomicBoolean();
    Thread ticker = NotifyTicker.start(notify, w.signals, w.turns, w.settings, lookAll, w.keepaliveName);
    w.signals.notifyWaker(notify::wake);
    Function<String, Optional<ImapClient.FolderCounts>> status = f -> {
      try {
        return notify.status(f).map(c -> new ImapClient.FolderCounts(c.uidNext(), c.uidValidity(), c.messages()));
      } catch (MessagingException e) {
        throw Errors.translate(w.endpoint, "STATUS '" + f + "'", e);
      }
    };
    try {
      Set<String> due = new LinkedHashSet<>(w.folders);
      // Folders the server named before a look at every folder; null for other rounds.
      Set<String> told = null;
      // Folders looked at again because they were selected in the round before.
      Set<String> relook = Set.of();
      while (!w.signals.stopping()) {
        Set<String> again = new LinkedHashSet<>();
        boolean untoldNews = false;
        for (String folder : w.folders) {
          if (w.signals.stopping()) {
            return;
          }
          if (due.contains(folder) && w.lookAt(imap, pipeline, folder, status)) {
            again.add(folder);
            untoldNews |= told != null && !told.contains(folder) && !relook.contains(folder);
          }
        }
        if (untoldNews) {
          // A look at every folder found mail the server had not announced (yet, or at all):
          // setting NOTIFY again makes a server whose watch went stale watch afresh.
          renew(notify);
        }
        if (w.handOver()) {
          return;
        }
        for (FolderStatus st : w.statuses.values()) {
          st.status = Health.Status.IDLING;
          st.idling = again.isEmpty();
        }
        due = new LinkedHashSet<>(again);
        relook = again;
        told = null;
        Set<String> news;
        try {
          news = again.isEmpty() ? notify.await() : notify.news();
        } catch (MessagingException e) {
          throw Errors.translate(w.endpoint, "IDLE", e);
        }
        due.addAll(news);
        if (lookAll.getAndSet(false)) {
          told = news;
          due.addAll(w.folders);
        }
      }
    } finally {
      w.signals.notifyWaker(null);
      ticker.interrupt();
      notify.close();
      w.statuses.values().forEach(st -> st.idling = false);
    }
  }

  private void renew(MailboxNotify notify) {
    try {
      notify.renew();
    } catch (MessagingException e) {
      throw Errors.translate(w.endpoint, "NOTIFY", e);
    }
  }

  /** NOTIFY for this connection's folders, when the server offers and accepts it. */
  private Optional<MailboxNotify> notifyOf() {
    try {
      return MailboxNotify.set(imap.store(), w.folders);
    } catch (MessagingException e) {
      throw Errors.translate(w.endpoint, "NOTIFY", e);
    }
  }
}
