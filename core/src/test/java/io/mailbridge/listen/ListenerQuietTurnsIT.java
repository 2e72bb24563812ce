package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Folders taking turns under a connection budget on the real Dovecot: once a folder has been
 * checked, a turn that finds nothing new by STATUS selects nothing, and the next mail is still
 * found. What each session did is read from Dovecot's own log: its logout line counts the bytes
 * the client sent after login ({@code in=}); a turn of STATUS and LOGOUT sends about 65, one that
 * also selects and searches sends well over 100.
 *
 * <p>A quiet turn gives its slot up only to a folder waiting for one; with none waiting the folder
 * keeps the connection and polls it, selected. So the folders here outnumber what the budget's two
 * connections get through in one poll interval, several times over, however fast the server's
 * logins: every quiet turn has others waiting behind it.
 */
@RealServer
class ListenerQuietTurnsIT {
  // 36 folders on 2 connections: a round of quiet turns (~30 ms each on an idle server) takes
  // ~0.5 s, against a poll interval of 0.2 s.
  private static final int PER_USER = 12;
  private static final int BUDGET = 2;
  /** Bytes sent after login by a session that selected the folder (SELECT, NOOP, UID SEARCH, LOGOUT) at least. */
  private static final int SELECTING_SESSION_BYTES = 110;
  private static final Pattern LOGOUT = Pattern.compile("imap\\(([^)]+)\\).*Disconnected: Logged out in=(\\d+) ");

  @TempDir
  Path dir;

  @Test
  void aTurnThatFindsNothingNewByStatusSelectsNothingAndTheNextMailIsStillHandedOver(MailStack stack)
      throws Exception {
    List<MailStack.User> users = List.of(stack.alice(), stack.bob(), stack.carol());
    String[] folders = IntStream.range(0, PER_USER).mapToObj(i -> String.format("quiet-%02d", i))
        .toArray(String[]::new);
    for (MailStack.User u : users) {
      for (String f : folders) {
        ListenerFleetIT.reset(stack, u, f);
        ListenerFleetIT.append(stack, u, f, 1, 1);
      }
    }
    int wanted = users.size() * PER_USER;
    ConnectionBudget budget = ConnectionBudget.perServer(BUDGET);
    Map<String, Lst.Sink> sinks = new LinkedHashMap<>();
    List<Listener> listeners = new ArrayList<>();
    try {
      for (MailStack.User u : users) {
        Lst.Sink sink = new Lst.Sink();
        sinks.put(u.user(), sink);
        for (String f : folders) {
          listeners.add(Listener.of(ListenerFleetIT.connection(stack, u))
              .settings(Lst.fast(f).start(StartPosition.all()).pollInterval(Duration.ofMillis(200)).build())
              .stateFile(dir.resolve(u.user() + "-" + f + ".json")).connectionBudget(budget).handler(sink).build());
        }
      }
      listeners.forEach(Listener::start);
      Await.until("the first message of every folder", Duration.ofSeconds(120),
          () -> sinks.values().stream().allMatch(s -> s.docs.size() >= PER_USER));
      // Every folder has had its full check; the turns that follow find nothing new.
      long logFrom = logLines(stack);
      Await.until("three more rounds of turns", Duration.ofSeconds(120),
          () -> sessionsSince(stack, logFrom).size() >= 3 * wanted);
      List<Integer> quietPhase = sessionsSince(stack, logFrom);
      ListenerFleetIT.append(stack, users.get(1), folders[2], 2, 2);
      Await.until("the message that arrived while the folders took quiet turns", Duration.ofSeconds(60),
          () -> sinks.get(users.get(1).user()).docs.size() >= PER_USER + 1);
      for (Listener l : listeners) {
        assertThat(l.stop(Duration.ofSeconds(10))).isTrue();
      }
      long selecting = quietPhase.stream().filter(in -> in >= SELECTING_SESSION_BYTES).count();
      System.out.println("listen quiet turns folders=" + wanted + " budget=" + BUDGET + " sessions=" + quietPhase.size()
          + " selecting=" + selecting + " bytesIn=" + quietPhase);
      // A session that had begun its full check before logFrom may end after it: at most one per slot.
      assertThat(selecting).as("sessions that selected a folder while nothing arrived, of %s", quietPhase)
          .isLessThanOrEqualTo(BUDGET);
      assertThat(budget.peak(stack.host(), stack.imapsPort())).isEqualTo(BUDGET);
    } finally {
      listeners.forEach(Listener::close);
    }
    assertThat(sinks.get(users.get(1).user()).subjects).contains(ListenerFleetIT.subject(users.get(1), folders[2], 2));
    for (MailStack.User u : users) {
      assertThat(sinks.get(u.user()).subjects).as("delivered to %s, each once", u.user()).doesNotHaveDuplicates();
    }
  }

  private static Path log(MailStack stack) {
    return Path.of(stack.stateDir(), "logs", "dovecot.log");
  }

  private static long logLines(MailStack stack) throws IOException {
    try (var lines = Files.lines(log(stack), StandardCharsets.UTF_8)) {
      return lines.count();
    }
  }

  /** The {@code in=} bytes of each IMAP session of the stack's users that logged out after line {@code from}. */
  private static List<Integer> sessionsSince(MailStack stack, long from) {
    List<String> names = List.of(stack.alice().user(), stack.bob().user(), stack.carol().user());
    try (var lines = Files.lines(log(stack), StandardCharsets.UTF_8)) {
      List<Integer> out = new ArrayList<>();
      lines.skip(from).map(LOGOUT::matcher).filter(Matcher::find).filter(m -> names.contains(m.group(1)))
          .forEach(m -> out.add(Integer.parseInt(m.group(2))));
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the Dovecot log: " + e.getMessage(), e);
    }
  }
}
