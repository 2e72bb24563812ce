package io.mailbridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.BadInputException;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.document.MailDocument;
import io.mailbridge.listen.Listener;
import io.mailbridge.listen.ListenerSettings;
import io.mailbridge.listen.StartPosition;
import io.mailbridge.move.Carol;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveSettings;
import io.mailbridge.move.Selection;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.Filter;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.TestMessages;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Library metrics on a SimpleMeterRegistry against the real Dovecot/Postfix as carol (folders {@code met-*}). */
@RealServer
class MetricsIT {
  @TempDir
  Path dir;

  private static MailConnection connection(Carol carol, MeterRegistry registry) {
    MailStack stack = carol.stack();
    Endpoint smtp = Endpoint.smtp(stack.host()).port(stack.submissionPort()).security(Security.STARTTLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(carol.user().user(), Secret.of(carol.user().password()))).build();
    return MailConnection.builder().inbound(carol.endpoint()).outbound(smtp).metrics(Metrics.micrometer(registry))
        .build();
  }

  private static String mailbox(Carol carol) {
    return carol.user().user() + "@" + carol.stack().host() + ":" + carol.stack().imapsPort();
  }

  @Test
  void receiveAndMoveCountMessagesAndTheirBytes(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("met-in", "met-done");
    List<byte[]> seeded = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      seeded.add(TestMessages.message("metrics " + i + " " + "x".repeat(i * 100), "<met" + i + "." + System.nanoTime()
          + "@example.test>"));
    }
    carol.append("met-in", seeded, "");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MailConnection mail = connection(carol, registry);

    List<MailDocument> docs = Receive.of(mail).receiveAll(ReceiveSettings.builder().folder("met-in").build());
    Move.of(mail).move(MoveSettings.builder().from("met-in").to("met-done").selection(Selection.filter(Filter.all()))
        .build());

    String mailbox = mailbox(carol);
    assertThat(docs).hasSize(3);
    assertThat(registry.get("mailbridge.messages.received").tags("mailbox", mailbox, "folder", "met-in", "operation",
        "receive").counter().count()).isEqualTo(3);
    // RFC822.SIZE of what was appended: exactly the seeded bytes.
    long seededBytes = seeded.stream().mapToLong(b -> b.length).sum();
    assertThat(registry.get("mailbridge.bytes.received").tags("folder", "met-in").counter().count())
        .isEqualTo(seededBytes);
    assertThat(registry.get("mailbridge.messages.moved").tags("mailbox", mailbox, "folder", "met-in", "operation",
        "move").counter().count()).isEqualTo(3);
    assertThat(registry.get("mailbridge.bytes.moved").tags("folder", "met-in", "operation", "move").counter().count())
        .isEqualTo(seededBytes);
    assertThat(stack.messageCount(carol.user(), "met-done")).isEqualTo(3);
    assertThat(registry.find("mailbridge.errors").counters()).isEmpty();
  }

  @Test
  void sendCountsTheMessageDataAsTheServerStoredIt(MailStack stack) {
    Carol carol = new Carol(stack);
    carol.reset("met-sent");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MailConnection mail = connection(carol, registry);
    Send send = Send.of(mail, SendSettings.builder().copyToSent(true).sentFolder("met-sent").build());
    List<SendResult> results = send.send(List.of(
        Email.builder().to(carol.user().user()).subject("metrics send 1").text("one").build(),
        Email.builder().to(carol.user().user()).subject("metrics send 2").text("two ".repeat(500)).build()));
    assertThat(results).allMatch(SendResult::ok);

    // The copy in met-sent is the same message data (APPENDed from the composed message).
    MailConnection plain = MailConnection.builder().inbound(carol.endpoint()).build();
    long storedBytes = Receive.of(plain).receiveAll(ReceiveSettings.builder().folder("met-sent").build()).stream()
        .mapToLong(d -> d.properties().size().orElseThrow()).sum();
    String smtpMailbox = carol.user().user() + "@" + stack.host() + ":" + stack.submissionPort();
    assertThat(registry.get("mailbridge.messages.sent").tags("mailbox", smtpMailbox, "operation", "send").counter()
        .count()).isEqualTo(2);
    assertThat(registry.get("mailbridge.bytes.sent").counter().count()).isEqualTo(storedBytes).isGreaterThan(2000);
  }

  @Test
  void errorsAreCountedByKind(MailStack stack) throws Exception {
    Carol carol = new Carol(stack);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MailConnection mail = connection(carol, registry);
    assertThatThrownBy(() -> Receive.of(mail).receiveAll(ReceiveSettings.builder().folder("met-missing").build()))
        .isInstanceOf(BadInputException.class);
    int closedPort;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = free.getLocalPort(); // closed again below: nothing listens there
    }
    Endpoint refused = carol.endpoint().toBuilder().host("127.0.0.1").port(closedPort).build();
    MailConnection nowhere = MailConnection.builder().inbound(refused).metrics(Metrics.micrometer(registry)).build();
    assertThatThrownBy(() -> Receive.of(nowhere).receiveAll(ReceiveSettings.builder().folder("INBOX").build()))
        .isInstanceOf(io.mailbridge.ConnectionException.class);

    assertThat(registry.get("mailbridge.errors").tags("mailbox", mailbox(carol), "folder", "met-missing", "operation",
        "receive", "kind", "bad_input").counter().count()).isEqualTo(1);
    assertThat(registry.get("mailbridge.errors").tags("folder", "INBOX", "kind", "refused").counter().count())
        .isEqualTo(1);
  }

  @Test
  void listenerLagStaysWhileMessagesWaitAndDropsToZeroWhenCommitted(MailStack stack) throws Exception {
    Carol carol = new Carol(stack);
    carol.reset("met-lst");
    carol.seed("met-lst", 3, "waiting");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    CountDownLatch release = new CountDownLatch(1);
    List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
    ListenerSettings s = ListenerSettings.builder().folders("met-lst").start(StartPosition.all()).batchSize(1)
        .keepalive(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(2)).build();
    try (Listener l = Listener.of(connection(carol, registry)).settings(s).stateFile(dir.resolve("state.json"))
        .handler(d -> {
          await(release);
          handled.add(d.properties().subject());
        }).build()) {
      l.start();
      String mailbox = mailbox(carol);
      waitFor("lag gauge at 3", () -> lag(registry, mailbox) == 3);
      assertThat(handled).isEmpty();
      release.countDown();
      waitFor("3 handled", () -> handled.size() == 3);
      waitFor("lag 0", () -> lag(registry, mailbox) == 0);
      carol.seed("met-lst", 1, "later"); // delivered through IDLE
      waitFor("4 received", () -> received(registry) == 4);
      assertThat(registry.get("mailbridge.listen.handover").tags("folder", "met-lst").timer().count()).isEqualTo(4);
      // one check delivered the seeded three, the next (after IDLE answered) the fourth; timed when it ends
      waitFor("2 checks timed", () -> registry.get("mailbridge.listen.poll").tags("folder", "met-lst").timer()
          .count() >= 2);
      assertThat(registry.get("mailbridge.bytes.received").tags("operation", "listen").counter().count())
          .isGreaterThan(0);
    }
    // The gauge belongs to the running listener.
    assertThat(registry.find("mailbridge.listen.lag").gauges()).isEmpty();
  }

  @Test
  void aDroppedListenerConnectionCountsAsReconnectAndError(MailStack stack) throws Exception {
    Carol carol = new Carol(stack);
    carol.reset("met-drop");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    List<String> handled = new java.util.concurrent.CopyOnWriteArrayList<>();
    ListenerSettings s = ListenerSettings.builder().folders("met-drop").keepalive(Duration.ofSeconds(2))
        .responseTimeout(Duration.ofSeconds(2)).reconnectMin(Duration.ofMillis(200)).reconnectMax(Duration.ofSeconds(1))
        .build();
    try (FaultProxy proxy = FaultProxy.to(stack.host(), stack.imapsPort())) {
      Endpoint viaProxy = carol.endpoint().toBuilder().port(proxy.port()).build();
      MailConnection mail = MailConnection.builder().inbound(viaProxy).metrics(Metrics.micrometer(registry)).build();
      try (Listener l = Listener.of(mail).settings(s).stateFile(dir.resolve("state.json"))
          .handler(d -> handled.add(d.properties().subject())).build()) {
        l.start();
        waitFor("idling", () -> l.health().folders().get(0).idling());
        proxy.dropAll();
        waitFor("idling again", () -> l.health().folders().get(0).reconnects() == 1
            && l.health().folders().get(0).idling());
        carol.seed("met-drop", 1, "after drop");
        waitFor("delivered", () -> handled.size() == 1);
        String mailbox = carol.user().user() + "@" + stack.host() + ":" + proxy.port();
        assertThat(registry.get("mailbridge.reconnects").tags("mailbox", mailbox, "folder", "met-drop").counter()
            .count()).isEqualTo(1);
        assertThat(registry.get("mailbridge.errors").tags("folder", "met-drop", "operation", "listen").counters())
            .extracting(c -> c.getId().getTag("kind")).containsOnly("closed");
      }
    }
  }

  private static double lag(MeterRegistry registry, String mailbox) {
    var g = registry.find("mailbridge.listen.lag").tags("mailbox", mailbox, "folder", "met-lst").gauge();
    return g == null ? -1 : g.value();
  }

  private static double received(MeterRegistry registry) {
    var c = registry.find("mailbridge.messages.received").tags("operation", "listen").counter();
    return c == null ? 0 : c.count();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void waitFor(String what, BooleanSupplier cond) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!cond.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for: " + what);
      }
      Thread.sleep(20);
    }
  }
}
