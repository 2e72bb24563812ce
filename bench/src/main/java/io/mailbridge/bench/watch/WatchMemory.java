package io.mailbridge.bench.watch;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.listen.ConnectionBudget;
import io.mailbridge.listen.Listener;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.testkit.MailStack;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The heap a watched mailbox costs: library Listeners on {@code n} mailboxes (INBOX each) in this
 * JVM, heap in use after a full GC before they start and once they are all watching, divided by
 * {@code n}. Measured with every mailbox holding its own IDLE connection, and under a per-server
 * budget where they take turns.
 */
final class WatchMemory {
  private WatchMemory() {}

  static String measure(MailStack stack, List<MailStack.User> users, int budget, Path work) throws Exception {
    StringBuilder md = new StringBuilder("| heap per watched mailbox (library Listener, INBOX each, after full GC) "
        + "| mailboxes | connections at most | heap MB in all | KB per mailbox | threads added |\n"
        + "|---|---|---|---|---|---|\n");
    for (int b : new int[] {users.size(), budget}) {
      md.append(once(stack, users, b, work.resolve("memory-" + b)));
    }
    return md.toString();
  }

  private static String once(MailStack stack, List<MailStack.User> users, int budget, Path dir) throws Exception {
    ConnectionBudget cb = ConnectionBudget.perServer(budget);
    ListenerSettings s = ListenerSettings.builder().folders("INBOX").pollInterval(Duration.ofMillis(200)).build();
    long before = usedAfterGc();
    int threadsBefore = Thread.activeCount();
    List<Listener> ls = new ArrayList<>();
    try {
      for (MailStack.User u : users) {
        Endpoint e = Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
            .trustedCertificates(stack.ca()).auth(Auth.basic(u.user(), Secret.of(u.password()))).build();
        Listener l = Listener.of(MailConnection.builder().inbound(e).build()).settings(s)
            .stateFile(dir.resolve(u.user() + ".json")).connectionBudget(cb).handler(d -> { }).build();
        ls.add(l);
        l.start();
      }
      // Every mailbox connected at least once (its state saved), and a while in its steady state.
      long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (System.nanoTime() < end && !ls.stream().allMatch(l -> l.health().folders().stream()
          .allMatch(f -> f.lastSuccess().isPresent()))) {
        Thread.sleep(200);
      }
      Thread.sleep(5000);
      long after = usedAfterGc();
      int threads = Thread.activeCount() - threadsBefore;
      double mb = (after - before) / 1e6;
      String row = String.format("| %s | %d | %d | %.1f | %.0f | %d |%n", budget >= users.size()
          ? "each its own IDLE connection" : "taking turns under `--server-connections " + budget + "`",
          users.size(), Math.min(budget, users.size()), mb, mb * 1000 / users.size(), threads);
      Latency.log("  " + row.strip());
      return row;
    } finally {
      for (Listener l : ls) {
        l.close();
      }
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
