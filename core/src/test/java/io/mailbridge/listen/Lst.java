package io.mailbridge.listen;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.document.MailDocument;
import io.mailbridge.move.Carol;
import io.mailbridge.testkit.MailStack;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/** Shared helpers for the Listener tests: carol's {@code lst-} folders, fast timings, waiting. */
final class Lst {
  final Carol carol;

  Lst(MailStack stack) {
    this.carol = new Carol(stack);
  }

  /** Settings with test-friendly timings (seconds instead of minutes). */
  static ListenerSettings.Builder fast(String... folders) {
    return ListenerSettings.builder().folders(folders).keepalive(Duration.ofSeconds(2))
        .responseTimeout(Duration.ofSeconds(2)).reconnectMin(Duration.ofMillis(200))
        .reconnectMax(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(500)).idleRenew(Duration.ofSeconds(20));
  }

  /** carol through {@code port} on the stack's host (e.g. a FaultProxy), TLS verified against the stack's CA. */
  MailConnection via(int port) {
    Endpoint e = Endpoint.imap(carol.stack.host()).port(port).security(Security.SSL_TLS)
        .trustedCertificates(carol.stack.ca()).auth(Auth.basic(carol.user.user(), Secret.of(carol.user.password())))
        .build();
    return MailConnection.builder().inbound(e).build();
  }

  void append(String folder, String... subjects) {
    carol.append(folder, List.of(subjects).stream().map(s -> Carol.message(s, "<" + s + "." + System.nanoTime()
        + "@lst.test>")).toList(), "");
  }

  static String[] subjects(String prefix, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toArray(String[]::new);
  }

  /** Collects accepted documents' subjects. */
  static final class Sink implements io.mailbridge.receive.DocumentHandler {
    final List<String> subjects = new CopyOnWriteArrayList<>();
    final List<MailDocument> docs = new CopyOnWriteArrayList<>();

    @Override
    public void handle(MailDocument d) {
      docs.add(d);
      subjects.add(d.properties().subject());
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier cond) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  static boolean idling(Listener l) {
    return l.health().folders().stream().allMatch(f -> f.idling());
  }
}
