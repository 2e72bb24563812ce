package io.mailbridge.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.InteropServers;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The IMAP source task on the interop servers of scripts/interopstack: folder names as users write
 * them on Courier (personal namespace {@code INBOX.}, delimiter {@code .}), and on the Dovecot
 * without UIDPLUS and MOVE a moving post-action that refuses to start unless
 * {@code post.action.expunge.all} allows the plain EXPUNGE. The folders are checked by a second
 * client (Jakarta Mail) in the server's own names.
 */
@RealServer
class ImapSourceInteropIT {
  private final List<ImapSourceTask> tasks = new ArrayList<>();

  @AfterEach
  void stopTasks() {
    tasks.forEach(ImapSourceTask::stop);
  }

  private static InteropServers.Server server(String name) {
    return InteropServers.require(name);
  }

  private static Map<String, String> props(InteropServers.Server s, String folders, String... kv) {
    Map<String, String> p = new HashMap<>();
    p.put("imap.host", s.host());
    p.put("imap.port", String.valueOf(s.port()));
    p.put("imap.security", "none");
    p.put("imap.allow.plaintext", "true");
    p.put("imap.user", s.bob().user());
    p.put("imap.password", s.bob().password());
    p.put("folders", folders);
    p.put("topic", "mail-in");
    p.put("start", "all");
    p.put("poll.interval.ms", "10");
    for (int i = 0; i < kv.length; i += 2) {
      p.put(kv[i], kv[i + 1]);
    }
    return p;
  }

  private ImapSourceTask start(Map<String, String> props) {
    ImapSourceTask task = new ImapSourceTask();
    task.initialize(new ImapSourceTaskTest.Context(props, null));
    tasks.add(task);
    task.start(props);
    return task;
  }

  /** A second client, in the server's own folder names. */
  private static final class Peer implements AutoCloseable {
    private final Store store;

    Peer(InteropServers.Server s) throws MessagingException {
      Properties p = new Properties();
      p.put("mail.imap.connectiontimeout", "20000");
      p.put("mail.imap.timeout", "20000");
      store = Session.getInstance(p).getStore("imap");
      store.connect(s.host(), s.port(), s.bob().user(), s.bob().password());
    }

    void reset(String wire) throws MessagingException {
      Folder f = store.getFolder(wire);
      if (f.exists()) {
        f.delete(true);
      }
      if (!store.getFolder(wire).create(Folder.HOLDS_MESSAGES)) {
        throw new IllegalStateException("cannot create " + wire);
      }
    }

    void drop(String wire) throws MessagingException {
      Folder f = store.getFolder(wire);
      if (f.exists()) {
        f.delete(true);
      }
    }

    List<String> subjects(String wire) throws MessagingException {
      Folder f = store.getFolder(wire);
      f.open(Folder.READ_ONLY);
      try {
        List<String> out = new ArrayList<>();
        for (Message m : f.getMessages()) {
          out.add(m.getSubject() + (m.isSet(Flags.Flag.DELETED) ? " [deleted]" : ""));
        }
        return out;
      } finally {
        f.close(false);
      }
    }

    @Override
    public void close() throws MessagingException {
      store.close();
    }
  }

  private static void append(InteropServers.Server s, String wire, String subject, String flags) {
    try (ImapSeeder seeder = ImapSeeder.plain(s.host(), s.port(), s.bob().user(), s.bob().password())) {
      seeder.append(wire, List.of(TestMessages.plain("dave@example.test", s.bob().user(), subject, 200)), flags);
    }
  }

  private static List<SourceRecord> pollAll(ImapSourceTask task) throws Exception {
    return ImapSourceTaskTest.pollAll(task);
  }

  @Test
  void readsAndMovesNestedFoldersNamedAsUsersWriteThemOnCourier() throws Exception {
    InteropServers.Server s = server("courier");
    try (Peer peer = new Peer(s)) {
      peer.reset("INBOX.ks-interop");
      peer.reset("INBOX.ks-interop.2026");
      peer.reset("INBOX.ks-interop-done");
      append(s, "INBOX.ks-interop.2026", "Invoice 2026-1", "");
      ImapSourceTask task = start(props(s, "ks-interop/2026", "post.action", "move:ks-interop-done"));

      List<SourceRecord> records = pollAll(task);
      assertThat(records).extracting(r -> r.headers().lastWithName("mailbridge.subject").value())
          .containsExactly("Invoice 2026-1");
      assertThat(records.get(0).sourcePartition().get("folder")).as("the user's name").isEqualTo("ks-interop/2026");
      task.commitRecord(records.get(0), null);
      assertThat(task.poll()).isNullOrEmpty();
      assertThat(peer.subjects("INBOX.ks-interop-done")).containsExactly("Invoice 2026-1");
      assertThat(peer.subjects("INBOX.ks-interop.2026")).isEmpty();
      peer.drop("INBOX.ks-interop.2026");
      peer.drop("INBOX.ks-interop");
      peer.drop("INBOX.ks-interop-done");
    }
  }

  @Test
  void movingPostActionWithoutUidplusStartsOnlyWithExpungeAll() throws Exception {
    InteropServers.Server s = server("dovecot-basic");
    try (Peer peer = new Peer(s)) {
      peer.reset("ks-basic-src");
      peer.reset("ks-basic-done");
      append(s, "ks-basic-src", "post-1", "");
      append(s, "ks-basic-src", "other-deleted", "\\Deleted");

      assertThatThrownBy(() -> start(props(s, "ks-basic-src", "post.action", "move:ks-basic-done")))
          .isInstanceOf(ConnectException.class).hasMessageContaining("UIDPLUS")
          .hasMessageContaining("post.action.expunge.all=true");
      assertThat(peer.subjects("ks-basic-src")).containsExactly("post-1", "other-deleted [deleted]");

      ImapSourceTask task = start(props(s, "ks-basic-src", "post.action", "move:ks-basic-done",
          "filter.subject", "post-", "post.action.expunge.all", "true"));
      List<SourceRecord> records = pollAll(task);
      assertThat(records).extracting(r -> r.headers().lastWithName("mailbridge.subject").value())
          .containsExactly("post-1");
      task.commitRecord(records.get(0), null);
      assertThat(task.poll()).isNullOrEmpty();
      assertThat(peer.subjects("ks-basic-done")).containsExactly("post-1");
      // The opt-in's documented cost: the plain EXPUNGE also removed the other client's message.
      assertThat(peer.subjects("ks-basic-src")).isEmpty();
      peer.drop("ks-basic-src");
      peer.drop("ks-basic-done");
    }
  }
}
