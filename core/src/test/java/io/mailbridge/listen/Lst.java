package io.mailbridge.listen;

import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.document.MailDocument;
import io.mailbridge.move.Carol;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.TestMessages;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

/** Shared helpers for the Listener tests: carol's {@code lst-} folders, fast timings, the documents delivered. */
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
    return MailConnection.builder().inbound(TestEndpoints.imaps(carol.stack(), carol.user(), port)).build();
  }

  void append(String folder, String... subjects) {
    carol.append(folder, List.of(subjects).stream().map(s -> TestMessages.message(s, "<" + s + "." + System.nanoTime()
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

  static boolean idling(Listener l) {
    return l.health().folders().stream().allMatch(f -> f.idling());
  }
}
