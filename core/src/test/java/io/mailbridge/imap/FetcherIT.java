package io.mailbridge.imap;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import jakarta.mail.Folder;
import jakarta.mail.event.MessageCountEvent;
import jakarta.mail.event.MessageCountListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import org.eclipse.angus.mail.imap.IMAPFolder;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;


/**
 * {@link Fetcher} on the real Dovecot: what another session changed while ours was idle arrives
 * inside our bulk FETCH answer, and must reach Angus's folder as it would have without us.
 */
@RealServer
class FetcherIT {
  private static Endpoint alice(MailStack stack) {
    return Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca())
        .auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password()))).build();
  }

  private static void append(MailStack stack, String folder, List<byte[]> messages) {
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(folder, messages, "");
    }
  }

  @Test
  void expungeAndNewMailFromAnotherSessionReachTheFolderThroughABulkFetch(MailStack stack) throws Exception {
    String folder = "fetcher-interleaved";
    stack.resetFolder(stack.alice(), folder);
    List<byte[]> four = new ArrayList<>();
    for (int i = 1; i <= 4; i++) {
      four.add(TestMessages.plain("s@example.com", "alice@example.test", "m" + i, 500));
    }
    append(stack, folder, four);
    Endpoint endpoint = alice(stack);
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), true)) {
      IMAPFolder f = (IMAPFolder) imap.store().getFolder(folder);
      f.open(Folder.READ_ONLY);
      List<Long> uids = new ArrayList<>();
      for (jakarta.mail.Message m : f.getMessages()) {
        uids.add(f.getUID(m)); // the folder is emptied, not recreated, between runs: UIDs go on
      }
      assertThat(uids).hasSize(4);
      List<String> events = Collections.synchronizedList(new ArrayList<>());
      f.addMessageCountListener(new MessageCountListener() {
        @Override
        public void messagesAdded(MessageCountEvent e) {
          events.add("added " + e.getMessages().length);
        }

        @Override
        public void messagesRemoved(MessageCountEvent e) {
          events.add("removed " + e.getMessages()[0].getMessageNumber());
        }
      });
      // Another session: the second message goes, a fifth comes.
      stack.doveadm("expunge", "-u", stack.alice().user(), "mailbox", folder, "uid", uids.get(1).toString());
      append(stack, folder, List.of(TestMessages.plain("s@example.com", "alice@example.test", "m5", 500)));

      List<RawMessage> got = new Fetcher(endpoint, f, true).messages(uids);

      assertThat(got).extracting(RawMessage::uid).containsExactly(uids.get(0), uids.get(2), uids.get(3));
      assertThat(got).allSatisfy(m -> assertThat(m.length()).isEqualTo((int) m.size()));
      List<String> trace = imap.trace().lines();
      assertThat(trace).as("trace: %s", trace).contains("* 2 EXPUNGE").anyMatch(l -> l.matches("\\* [0-9]+ EXISTS"));
      // Angus's folder heard both, as from its own commands (its listeners run on its event thread).
      long until = System.nanoTime() + 10_000_000_000L;
      while (events.size() < 2 && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertThat(events).containsExactlyInAnyOrder("removed 2", "added 1");
    }
  }

  @Test
  void angusCountsOurFetchAsTheConnectionsLastAnswer(MailStack stack) throws Exception {
    String folder = "fetcher-answered";
    stack.resetFolder(stack.alice(), folder);
    append(stack, folder, List.of(TestMessages.plain("s@example.com", "alice@example.test", "m1", 500)));
    Endpoint endpoint = alice(stack);
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), true)) {
      IMAPFolder f = (IMAPFolder) imap.store().getFolder(folder);
      f.open(Folder.READ_ONLY);
      long uid = f.getUID(f.getMessage(1));
      // Angus sends a NOOP before answering from its cache when the connection was silent for over 1 s.
      Thread.sleep(1_200);
      assertThat(new Fetcher(endpoint, f, true).messages(List.of(uid))).hasSize(1);
      assertThat(f.getMessageCount()).isEqualTo(1);
      List<String> trace = imap.trace().lines();
      assertThat(trace.subList(trace.size() - 3, trace.size())).as("trace: %s", trace)
          .noneMatch(l -> l.matches("^[A-Z]+[0-9]+ NOOP$"));
    }
  }
}
