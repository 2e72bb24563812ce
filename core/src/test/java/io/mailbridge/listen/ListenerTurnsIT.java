package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.ImapSessionSampler;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thirty watched folders (alice, bob and carol, ten each, a listener and connection each) under a server
 * budget of three connections: they take turns, and a turn is one check, so new mail in any of
 * them is handed over within a few rounds of cheap checks. Holding a slot for the poll interval
 * per turn (nine turns of each slot before the last folder's) would take at least
 * {@code 9 × POLL}; the bound below is half of that, and generous for a loaded machine.
 */
@RealServer
class ListenerTurnsIT {
  private static final int PER_USER = 10;
  private static final int BUDGET = 3;
  private static final Duration POLL = Duration.ofSeconds(6);
  private static final Duration BOUND = POLL.multipliedBy(9).dividedBy(2);

  @TempDir
  Path dir;

  @Test
  void mailToAnyOfThirtyFoldersUnderABudgetOfThreeIsHandedOverWithinAFewCheapRounds(MailStack stack)
      throws Exception {
    List<MailStack.User> users = List.of(stack.alice(), stack.bob(), stack.carol());
    String[] folders = IntStream.range(0, PER_USER).mapToObj(i -> String.format("turn-%02d", i))
        .toArray(String[]::new);
    for (MailStack.User u : users) {
      for (String f : folders) {
        ListenerFleetIT.reset(stack, u, f);
        ListenerFleetIT.append(stack, u, f, 1, 1);
      }
    }
    ConnectionBudget budget = ConnectionBudget.perServer(BUDGET);
    Map<String, Lst.Sink> sinks = new LinkedHashMap<>();
    List<Listener> listeners = new ArrayList<>();
    try (ImapSessionSampler who = ImapSessionSampler.start(stack)) {
      for (MailStack.User u : users) {
        Lst.Sink sink = new Lst.Sink();
        sinks.put(u.user(), sink);
        // A listener per folder: thirty connections wanted, whatever a mailbox would plan for itself.
        for (String f : folders) {
          listeners.add(Listener.of(ListenerFleetIT.connection(stack, u))
              .settings(Lst.fast(f).start(StartPosition.all()).pollInterval(POLL).build())
              .stateFile(dir.resolve(u.user() + "-" + f + ".json")).connectionBudget(budget).handler(sink).build());
        }
      }
      listeners.forEach(Listener::start);
      Await.until("the first message of every folder", Duration.ofSeconds(120),
          () -> sinks.values().stream().allMatch(s -> s.docs.size() >= PER_USER));
      for (MailStack.User u : users) {
        for (String f : folders) {
          ListenerFleetIT.append(stack, u, f, 2, 2);
        }
      }
      long appended = System.nanoTime();
      Await.until("the second message of every folder within " + BOUND, BOUND.plusSeconds(60),
          () -> sinks.values().stream().allMatch(s -> s.docs.size() >= 2 * PER_USER));
      Duration took = Duration.ofNanos(System.nanoTime() - appended);
      for (Listener l : listeners) {
        assertThat(l.stop(Duration.ofSeconds(10))).isTrue();
      }
      who.stop();
      System.out.println("listen turns folders=" + users.size() * PER_USER + " budget=" + BUDGET + " poll=" + POLL
          + " lastOfTheSecondRoundMs=" + took.toMillis() + " doveadm-who samples=" + who.samples() + " maxSessions="
          + who.maxTotal() + " budgetPeak=" + budget.peak(stack.host(), stack.imapsPort()));
      assertThat(took).as("mail in every folder handed over after the append").isLessThan(BOUND);
      assertThat(who.samples()).isGreaterThan(5);
      assertThat(who.maxTotal()).isBetween(1, BUDGET);
      assertThat(budget.peak(stack.host(), stack.imapsPort())).isEqualTo(BUDGET);
    } finally {
      listeners.forEach(Listener::close);
    }
    for (MailStack.User u : users) {
      List<String> expected = new ArrayList<>();
      for (String f : folders) {
        expected.add(ListenerFleetIT.subject(u, f, 1));
        expected.add(ListenerFleetIT.subject(u, f, 2));
      }
      assertThat(sinks.get(u.user()).subjects).as("delivered to %s, each once", u.user())
          .containsExactlyInAnyOrderElementsOf(expected);
    }
  }
}
