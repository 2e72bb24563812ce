package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Server throttling and the listener's own rate limit, on real Dovecot sessions (carol, folders
 * {@code lst-throttle-*}) through a FaultProxy on the plaintext IMAP port, which injects the
 * throttling responses of Gmail and Exchange into the real server's answers and records every
 * command the listener sends.
 */
@RealServer
class ListenerThrottleIT {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Pattern SELECT_OK = Pattern.compile("^(\\S+) OK \\[READ-(WRITE|ONLY)\\].*");

  @TempDir
  Path dir;

  private Lst t;

  private MailConnection via(FaultProxy proxy) {
    return MailConnection.builder().inbound(Endpoint.imap(t.carol.stack().host()).port(proxy.port())
        .security(Security.NONE).allowPlaintext(true)
        .auth(Auth.basic(t.carol.user().user(), Secret.of(t.carol.user().password()))).build()).build();
  }

  @Test
  void throttledSelectIsBackedOffThenEverythingIsDeliveredOnce(MailStack stack) {
    t = new Lst(stack);
    t.carol.reset("lst-throttle-select");
    t.append("lst-throttle-select", Lst.subjects("t", 1, 3));
    AtomicInteger throttled = new AtomicInteger();
    Lst.Sink sink = new Lst.Sink();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapPort())) {
      // The first two SELECTs are refused the way Exchange Online throttles a client.
      proxy.rewriteServerLines(line -> {
        Matcher m = SELECT_OK.matcher(line);
        if (m.matches() && throttled.getAndIncrement() < 2) {
          return m.group(1) + " NO [THROTTLED] Request is throttled. Suggested Backoff Time: 300 milliseconds";
        }
        return line;
      });
      try (Listener l = Listener.of(via(proxy)).settings(Lst.fast("lst-throttle-select").start(StartPosition.all())
          .build()).stateFile(dir.resolve("state.json")).handler(sink).build()) {
        l.start();
        Await.until("3 delivered", WAIT, () -> sink.subjects.size() >= 3);
        t.append("lst-throttle-select", "t4");
        Await.until("4 delivered", WAIT, () -> sink.subjects.size() >= 4);
        Health.FolderHealth h = l.health().folders().get(0);
        assertThat(h.lastError()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
            .contains("throttling").contains("[THROTTLED]");
        assertThat(h.reconnects()).isGreaterThanOrEqualTo(2);
      }
      assertThat(throttled.get()).isGreaterThanOrEqualTo(3);
      assertThat(proxy.connections()).isGreaterThanOrEqualTo(3);
    }
    assertThat(sink.subjects).containsExactly("t1", "t2", "t3", "t4");
  }

  @Test
  void byeWithRateLimitTextAtTheGreetingIsBackedOff(MailStack stack) {
    t = new Lst(stack);
    t.carol.reset("lst-throttle-bye");
    t.append("lst-throttle-bye", "b1", "b2");
    AtomicInteger greetings = new AtomicInteger();
    Lst.Sink sink = new Lst.Sink();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapPort())) {
      proxy.rewriteServerLines(line -> line.startsWith("* OK") && line.contains("ready")
          && greetings.getAndIncrement() < 2 ? "* BYE [UNAVAILABLE] Too many connections, rate limit exceeded" : line);
      try (Listener l = Listener.of(via(proxy)).settings(Lst.fast("lst-throttle-bye").start(StartPosition.all())
          .build()).stateFile(dir.resolve("state.json")).handler(sink).build()) {
        l.start();
        Await.until("2 delivered", WAIT, () -> sink.subjects.size() >= 2);
        assertThat(l.health().folders().get(0).lastError()).get(org.assertj.core.api.InstanceOfAssertFactories.STRING)
            .contains("throttling").contains("rate limit exceeded");
      }
      assertThat(greetings.get()).isGreaterThanOrEqualTo(3);
    }
    assertThat(sink.subjects).containsExactly("b1", "b2");
  }

  /**
   * A rate limit of 50 messages/s with a burst of 4: every FETCH the proxy sees asks for at most 4
   * messages, and each of the 14 is fetched exactly once (without the limit: one FETCH of 14).
   */
  @Test
  void rateLimitBoundsEveryFetchAndFetchesEachMessageOnce(MailStack stack) {
    t = new Lst(stack);
    t.carol.reset("lst-throttle-rate");
    t.append("lst-throttle-rate", Lst.subjects("r", 1, 14));
    Lst.Sink sink = new Lst.Sink();
    List<Integer> perFetch = new ArrayList<>();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapPort())) {
      try (Listener l = Listener.of(via(proxy)).settings(Lst.fast("lst-throttle-rate").start(StartPosition.all())
          .build()).stateFile(dir.resolve("state.json")).rateLimit(new RateLimit(50, 4)).handler(sink).build()) {
        l.start();
        Await.until("14 delivered", WAIT, () -> sink.subjects.size() >= 14);
      }
      for (String line : proxy.clientSent().split("\r\n")) {
        Matcher m = Pattern.compile("^\\S+ UID FETCH (\\S+) .*BODY\\.PEEK\\[\\].*").matcher(line);
        if (m.matches()) {
          perFetch.add(count(m.group(1)));
        }
      }
    }
    System.out.println("listen rate limit: messages per FETCH " + perFetch);
    assertThat(perFetch).allSatisfy(n -> assertThat(n).isBetween(1, 4));
    assertThat(perFetch.stream().mapToInt(Integer::intValue).sum()).isEqualTo(14);
    assertThat(sink.subjects).containsExactly(Lst.subjects("r", 1, 14));
  }

  /** Messages named by a UID set such as {@code 1:4,7,9:10}. */
  private static int count(String set) {
    int n = 0;
    for (String part : set.split(",")) {
      String[] r = part.split(":");
      n += r.length == 1 ? 1 : (int) (Long.parseLong(r[1]) - Long.parseLong(r[0]) + 1);
    }
    return n;
  }
}
