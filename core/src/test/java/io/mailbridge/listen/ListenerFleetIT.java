package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.move.Carol;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.ImapSessionSampler;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three mailboxes (alice, bob, carol) on the real Dovecot watched at once, each with three folders
 * and at most 2 connections of its own, under a shared per-server {@link ConnectionBudget}. The live
 * IMAP sessions are counted by Dovecot itself ({@code doveadm who}) while the listeners run.
 */
@RealServer
class ListenerFleetIT {
  private static final Duration WAIT = Duration.ofSeconds(40);
  private static final String[] FOLDERS = {"fleet-a", "fleet-b", "fleet-c"};

  @TempDir
  Path dir;

  /** 3 mailboxes want 2 connections each (6), the server budget allows 4: they take turns. */
  @Test
  void threeMailboxesWithTwoConnectionsEachStayWithinTheServerBudget(MailStack stack) throws Exception {
    watchFleet(stack, 4, 2);
  }

  /** A budget below the number of mailboxes: whole mailboxes wait for their turn and still get everything. */
  @Test
  void budgetSmallerThanTheNumberOfMailboxesStillDeliversEverythingOnce(MailStack stack) throws Exception {
    watchFleet(stack, 2, 2);
  }

  private void watchFleet(MailStack stack, int serverBudget, int perMailbox) throws Exception {
    List<MailStack.User> users = List.of(stack.alice(), stack.bob(), stack.carol());
    for (MailStack.User u : users) {
      for (String f : FOLDERS) {
        reset(stack, u, f);
        append(stack, u, f, 1, 2);
      }
    }
    ConnectionBudget budget = ConnectionBudget.perServer(serverBudget);
    Map<String, Lst.Sink> sinks = new LinkedHashMap<>();
    List<Listener> listeners = new ArrayList<>();
    Map<String, Integer> loginsBefore = stack.imapLogins();
    try (ImapSessionSampler who = ImapSessionSampler.start(stack)) {
      for (MailStack.User u : users) {
        Lst.Sink sink = new Lst.Sink();
        sinks.put(u.user(), sink);
        listeners.add(Listener.of(connection(stack, u))
            .settings(Lst.fast(FOLDERS).start(StartPosition.all()).maxConnections(perMailbox).build())
            .stateFile(dir.resolve(u.user() + ".json")).connectionBudget(budget).handler(sink).build());
      }
      listeners.forEach(Listener::start);
      Await.until("2 per folder delivered", WAIT, () -> sinks.values().stream().allMatch(s -> s.docs.size() >= 6));
      for (MailStack.User u : users) {
        for (String f : FOLDERS) {
          append(stack, u, f, 3, 4);
        }
      }
      Await.until("4 per folder delivered", WAIT, () -> sinks.values().stream().allMatch(s -> s.docs.size() >= 12));
      for (Listener l : listeners) {
        assertThat(l.stop(Duration.ofSeconds(10))).isTrue();
      }
      who.stop();
      System.out.println("listen fleet budget=" + serverBudget + " perMailbox=" + perMailbox + " doveadm-who samples="
          + who.samples() + " maxSessions=" + who.maxTotal() + " maxPerUser=" + who.maxPerUser() + " budgetPeak="
          + budget.peak(stack.host(), stack.imapsPort()));
      assertThat(who.samples()).isGreaterThan(5);
      assertThat(who.maxTotal()).isBetween(1, serverBudget);
      assertThat(who.maxPerUser().values()).allSatisfy(n -> assertThat(n).isBetween(1, perMailbox));
      // A turn's session can end between two samples, so the sampler need not catch every mailbox's;
      // Dovecot's log shows each mailbox had its own sessions during the run.
      Map<String, Integer> loginsAfter = stack.imapLogins();
      for (MailStack.User u : users) {
        assertThat(loginsAfter.getOrDefault(u.user(), 0) - loginsBefore.getOrDefault(u.user(), 0))
            .as("logins of %s during the run", u.user()).isPositive();
      }
      assertThat(budget.peak(stack.host(), stack.imapsPort())).isEqualTo(serverBudget);
    } finally {
      listeners.forEach(Listener::close);
    }
    for (MailStack.User u : users) {
      List<String> expected = new ArrayList<>();
      for (String f : FOLDERS) {
        for (int i = 1; i <= 4; i++) {
          expected.add(subject(u, f, i));
        }
      }
      Lst.Sink sink = sinks.get(u.user());
      assertThat(sink.subjects).as("delivered to %s", u.user()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(sink.docs).allSatisfy(d -> assertThat(d.key()).startsWith("imap://" + u.user().replace("@", "%40") + "@"));
    }
  }

  static MailConnection connection(MailStack stack, MailStack.User u) {
    return MailConnection.builder().inbound(Endpoint.imap(stack.host()).port(stack.imapsPort())
        .security(Security.SSL_TLS).trustedCertificates(stack.ca())
        .auth(Auth.basic(u.user(), Secret.of(u.password()))).build()).build();
  }

  static void reset(MailStack stack, MailStack.User u, String folder) {
    try {
      stack.doveadm("mailbox", "delete", "-u", u.user(), "-s", folder);
    } catch (IllegalStateException absent) {
      // not there
    }
    stack.resetFolder(u, folder);
  }

  static String subject(MailStack.User u, String folder, int i) {
    return u.user().substring(0, u.user().indexOf('@')) + " " + folder + " " + i;
  }

  /** Saved with doveadm, not over IMAP: the test's own sessions must not count against the budget. */
  static void append(MailStack stack, MailStack.User u, String folder, int from, int to) {
    for (int i = from; i <= to; i++) {
      stack.save(u, folder, TestMessages.message(subject(u, folder, i), "<" + folder + "." + i + "." + System.nanoTime()
          + "@fleet.test>"));
    }
  }
}
