package io.mailbridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveSettings;
import io.mailbridge.move.Selection;
import io.mailbridge.receive.PostAction;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.search.Filter;
import io.mailbridge.send.Email;
import io.mailbridge.send.Send;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendSettings;
import io.mailbridge.testkit.FaultProxy;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults between Mailbridge and the real Dovecot/Postfix, through {@link FaultProxy}: connections
 * dropped at random byte offsets, a stalled server, a trickle, garbage. Every operation completes or
 * fails with a clear, retriable {@link MailbridgeException}, and nothing is lost, half-moved or
 * double-sent. Offsets come from a seeded {@link Random}; the seed is in every failure message.
 */
@RealServer
class FaultInjectionIT {
  private static final long SEED = Long.getLong("hd.seed", System.currentTimeMillis());
  private final Random random = new Random(SEED);

  private static Endpoint imap(MailStack stack, FaultProxy proxy, Duration readTimeout) {
    return Endpoint.imap(stack.host()).port(proxy.port()).security(Security.SSL_TLS).trustedCertificates(stack.ca())
        .readTimeout(readTimeout).connectTimeout(Duration.ofSeconds(5))
        .auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password()))).build();
  }

  private static MailConnection inbound(MailStack stack, FaultProxy proxy) {
    return MailConnection.builder().inbound(imap(stack, proxy, Duration.ofSeconds(10))).build();
  }

  private static void seed(MailStack stack, String folder, int n, int bytes) {
    stack.resetFolder(stack.alice(), folder);
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      msgs.add(TestMessages.plain("hd@example.com", "alice@example.test", folder + " " + i, bytes));
    }
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(folder, msgs, "");
    }
  }

  /** Server bytes of one connection that logs in, selects and reads nothing: drops before that hit TLS/login. */
  private static long loginBytes(MailStack stack, String emptyFolder) {
    stack.resetFolder(stack.alice(), emptyFolder);
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      Receive.of(inbound(stack, p)).receiveAll(ReceiveSettings.builder().folder(emptyFolder).build());
      return p.serverBytes();
    }
  }

  private static void assertClear(MailbridgeException e, String where) {
    assertThat(e.isRetriable()).as("%s: retriable: %s (seed %d)", where, e, SEED).isTrue();
    assertThat(e.getMessage()).as("%s: says where", where).contains("127.0.0.1");
  }

  @Test
  void integrationTestsRunWithTheProtocolTraceLoggedForTheSecretScan() {
    assertThat(org.slf4j.LoggerFactory.getLogger("io.mailbridge.protocol").isDebugEnabled()).isTrue();
  }

  @Test
  void receiveWithMoveSurvivesDropsAtRandomOffsetsAndDeliversEveryMessage(MailStack stack) {
    String src = "hd-fault-rcv";
    String dst = "hd-fault-rcv-done";
    int n = 30;
    long login = loginBytes(stack, "hd-fault-empty");
    seed(stack, src, n, 6000);
    stack.resetFolder(stack.alice(), dst);
    Map<String, Integer> firstRun = new HashMap<>();
    Map<String, Integer> deliveries = new HashMap<>();
    Set<Integer> failedRuns = new HashSet<>();
    ReceiveSettings settings = ReceiveSettings.builder().folder(src).postAction(PostAction.moveTo(dst))
        .batchMaxMessages(5).build();
    long total = n * 6300L;
    for (int run = 0; run < 10 && stack.messageCount(stack.alice(), src) > 0; run++) {
      long offset = login + (long) (random.nextDouble() * total);
      int r = run;
      int movedBefore = stack.messageCount(stack.alice(), dst);
      int[] handed = {0};
      try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
        p.dropAfterServerBytes(offset);
        Receive.of(inbound(stack, p)).run(settings, d -> {
          handed[0]++;
          deliveries.merge(d.properties().messageId(), 1, Integer::sum);
          firstRun.putIfAbsent(d.properties().messageId(), r);
        });
      } catch (MailbridgeException e) {
        failedRuns.add(run);
        assertClear(e, "receive dropped after " + offset + " bytes");
      }
      int inSrc = stack.messageCount(stack.alice(), src);
      int inDst = stack.messageCount(stack.alice(), dst);
      // docs/ARCHITECTURE.md: deliver, then post-action per batch: a failure leaves at most one batch handed over
      // but not yet moved (those come again on the next run).
      assertThat(handed[0] - (inDst - movedBefore)).as("handed over but not moved in run %d (seed %d)", run, SEED)
          .isBetween(0, settings.batchMaxMessages());
      assertThat(inSrc + inDst).as("nothing lost or doubled after run %d (seed %d)", run, SEED).isEqualTo(n);
      assertThat(inDst).as("only delivered messages are moved (seed %d)", SEED)
          .isLessThanOrEqualTo(deliveries.size());
    }
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      Receive.of(inbound(stack, p)).run(settings, d -> {
        deliveries.merge(d.properties().messageId(), 1, Integer::sum);
        firstRun.putIfAbsent(d.properties().messageId(), 99);
      });
    }
    assertThat(stack.messageCount(stack.alice(), src)).isZero();
    assertThat(stack.messageCount(stack.alice(), dst)).isEqualTo(n);
    assertThat(deliveries).hasSize(n);
    deliveries.forEach((id, count) -> {
      if (count > 1) {
        // docs/ARCHITECTURE.md: a failure re-delivers at most the in-flight batch, i.e. what a failed run handed over.
        assertThat(failedRuns).as("%s delivered %d times (seed %d)", id, count, SEED).contains(firstRun.get(id));
      }
    });
    System.out.printf("FaultInjectionIT receive: %d failed runs, %d re-deliveries (seed %d)%n", failedRuns.size(),
        deliveries.values().stream().mapToInt(c -> c - 1).sum(), SEED);
  }

  @Test
  void aConnectionDroppedWhileSkippingTheRestOfAMessageTheParserGaveUpOnFailsClearlyInsteadOfWaiting(
      MailStack stack, @TempDir Path tmp) throws Exception {
    String src = "hd-fault-bad-big";
    stack.resetFolder(stack.alice(), src);
    // The header limit (1 MiB) stops the parser early; the rest of the ~2.2 MB body is skipped on
    // the wire, and the connection is cut during that skip.
    byte[] hopeless = ("From: a@example.com\r\nSubject: hopeless\r\nX-Long: " + "x".repeat(1_100_000)
        + "\r\n\r\n" + "body line\r\n".repeat(100_000)).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(src, List.of(hopeless, TestMessages.plain("hd@example.com", "alice@example.test", "next", 100)), "");
    }
    ReceiveSettings settings = ReceiveSettings.builder().folder(src).cacheDir(tmp.resolve("cache"))
        .largeMessageBytes(256 * 1024).chunkBytes(64 * 1024).build();
    long offset = loginBytes(stack, "hd-fault-empty") + 1_700_000 + (long) (random.nextDouble() * 400_000);
    List<String> handed = new ArrayList<>();
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      p.dropAfterServerBytes(offset);
      org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(60), () ->
          assertThatThrownBy(() -> Receive.of(inbound(stack, p)).run(settings, d -> handed.add(d.properties().subject())))
              .isInstanceOfSatisfying(MailbridgeException.class, e -> assertClear(e, "dropped at " + offset)));
    }
    assertThat(handed).isEmpty();
  }

  @Test
  void aLargeMessageDroppedInsideItsBodyFailsClearlyLeavesNoTempFileAndComesWholeOnTheRerun(MailStack stack,
      @TempDir Path tmp) throws Exception {
    String src = "hd-fault-big";
    String dst = "hd-fault-big-done";
    stack.resetFolder(stack.alice(), src);
    stack.resetFolder(stack.alice(), dst);
    byte[] payload = new byte[2_000_000];
    random.nextBytes(payload);
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(src, List.of(TestMessages.withAttachment("hd@example.com", "alice@example.test", "big", "big.bin",
          payload)), "");
    }
    Path cache = tmp.resolve("cache");
    ReceiveSettings settings = ReceiveSettings.builder().folder(src).postAction(PostAction.moveTo(dst))
        .cacheDir(cache).largeMessageBytes(256 * 1024).chunkBytes(64 * 1024).build();
    long login = loginBytes(stack, "hd-fault-empty");
    // The body is ~2.7 MB of base64 on the wire after ~1-2 KB of commands: cut somewhere inside it.
    long offset = login + 100_000 + (long) (random.nextDouble() * 2_400_000);
    List<String> handed = new ArrayList<>();
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      p.dropAfterServerBytes(offset);
      assertThatThrownBy(() -> Receive.of(inbound(stack, p)).run(settings, d -> handed.add(d.properties().subject())))
          .isInstanceOfSatisfying(MailbridgeException.class, e -> assertClear(e, "dropped at " + offset));
    }
    assertThat(handed).as("a half-fetched message is never handed over").isEmpty();
    assertThat(stack.messageCount(stack.alice(), src)).isEqualTo(1);
    assertThat(stack.messageCount(stack.alice(), dst)).isZero();
    try (java.util.stream.Stream<Path> left = Files.list(cache.resolve(".tmp"))) {
      assertThat(left).as("temp files of the cut message").isEmpty();
    }

    List<io.mailbridge.document.MailDocument> docs = new ArrayList<>();
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      Receive.of(inbound(stack, p)).run(settings, docs::add);
    }
    assertThat(docs).singleElement().satisfies(d -> assertThat(d.attachments().get(0).sha256())
        .isEqualTo(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
            .digest(payload))));
    assertThat(stack.messageCount(stack.alice(), dst)).isEqualTo(1);
  }

  @Test
  void moveDroppedMidwayLeavesEachMessageInExactlyOneFolderAndARerunCompletes(MailStack stack) throws Exception {
    String src = "hd-fault-mv";
    String dst = "hd-fault-mv-dst";
    int n = 40;
    MoveSettings there = MoveSettings.builder().from(src).to(dst).selection(Selection.filter(Filter.all())).build();
    MoveSettings back = MoveSettings.builder().from(dst).to(src).selection(Selection.filter(Filter.all())).build();
    seed(stack, src, n, 500);
    stack.resetFolder(stack.alice(), dst);
    long tls;
    long total;
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      Move.of(inbound(stack, p)).move(there); // measure one whole move, then put everything back
      total = p.serverBytes();
    }
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      Move.of(inbound(stack, p)).move(back);
    }
    tls = tlsHandshakeBytes(stack, stack.imapsPort()); // past the TLS handshake: login, SELECT, SEARCH, MOVE
    int failures = 0;
    int retriable = 0;
    for (int run = 0; run < 8; run++) {
      if (stack.messageCount(stack.alice(), src) == 0) {
        try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
          Move.of(inbound(stack, p)).move(back); // so that every run has something to move
        }
      }
      long offset = tls + (long) (random.nextDouble() * (total - tls));
      try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
        p.dropAfterServerBytes(offset);
        Move.of(inbound(stack, p)).move(there);
      } catch (MailbridgeException e) {
        failures++;
        retriable += e.isRetriable() ? 1 : 0;
        assertClear(e, "move dropped after " + offset + " bytes");
      }
      assertThat(stack.messageCount(stack.alice(), src) + stack.messageCount(stack.alice(), dst))
          .as("after run %d, dropped at %d (seed %d)", run, offset, SEED).isEqualTo(n);
    }
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      assertThat(Move.of(inbound(stack, p)).move(there).complete()).isTrue();
    }
    assertThat(stack.messageCount(stack.alice(), src)).isZero();
    assertThat(stack.messageCount(stack.alice(), dst)).isEqualTo(n);
    Set<String> ids = new HashSet<>();
    Receive.of(MailConnection.builder().inbound(Endpoint.imap(stack.host()).port(stack.imapsPort())
        .security(Security.SSL_TLS).trustedCertificates(stack.ca())
        .auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password()))).build()).build())
        .run(ReceiveSettings.builder().folder(dst).build(), d -> ids.add(d.properties().messageId()));
    assertThat(ids).as("every message once in the target").hasSize(n);
    System.out.printf("FaultInjectionIT move: %d of 8 runs dropped, %d retriable, %d of %d bytes (seed %d)%n",
        failures, retriable, tls, total, SEED);
  }

  private static MailConnection smtp(MailStack stack, FaultProxy proxy) {
    Endpoint out = Endpoint.smtp(stack.host()).port(proxy.port()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).readTimeout(Duration.ofSeconds(10))
        .auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password()))).build();
    return MailConnection.builder().outbound(out).build();
  }

  private static Email email(String subject) {
    return Email.builder().from("alice@example.test").to("alice+hd@example.test").subject(subject)
        .text("fault injection " + subject).build();
  }

  @Test
  void sendDroppedAtRandomOffsetsIsDeliveredOnceOrReportedUnknownNeverTwice(MailStack stack) throws Exception {
    long total;
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.smtpsPort())) {
      SendResult ok = Send.of(smtp(stack, p)).send(email("hd-fault-send baseline " + UUID.randomUUID()));
      assertThat(ok.status()).isEqualTo(SendResult.Status.SENT);
      total = p.serverBytes();
    }
    long handshake = tlsHandshakeBytes(stack, stack.smtpsPort());
    SendSettings retry = SendSettings.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50)).build();
    Map<String, SendResult> results = new HashMap<>();
    for (int i = 0; i < 10; i++) {
      // Past the TLS handshake (a drop inside it is a TLS failure, reported as such): greeting to QUIT.
      long offset = handshake + random.nextInt((int) (total - handshake));
      try (FaultProxy p = FaultProxy.to(stack.host(), stack.smtpsPort())) {
        p.dropAfterServerBytes(offset).onlyNextConnections(1);
        SendResult r = Send.of(smtp(stack, p), retry).send(email("hd-fault-send " + i + " " + UUID.randomUUID()));
        results.put(offset + "#" + i, r);
        if (r.status() == SendResult.Status.UNKNOWN) {
          assertThat(r.attempts()).as("UNKNOWN is never resent (seed %d)", SEED).isEqualTo(1);
          assertThat(r.error()).isPresent();
        } else {
          assertThat(r.status()).as("dropped at %d of %d: %s (seed %d)", offset, total, r, SEED)
              .isEqualTo(SendResult.Status.SENT);
        }
      }
    }
    // Every message is in the INBOX at most once; every SENT one exactly once.
    Thread.sleep(1500); // LMTP delivery is asynchronous
    for (Map.Entry<String, SendResult> e : results.entrySet()) {
      String id = e.getValue().properties().messageId();
      int copies = countByMessageId(stack, id);
      if (e.getValue().status() == SendResult.Status.SENT) {
        assertThat(copies).as("%s sent once (seed %d)", e.getKey(), SEED).isEqualTo(1);
      } else {
        assertThat(copies).as("%s unknown: 0 or 1 copies (seed %d)", e.getKey(), SEED).isBetween(0, 1);
      }
    }
    System.out.printf("FaultInjectionIT send: %s (seed %d)%n", results.values().stream()
        .map(r -> r.status() + "/" + r.attempts()).toList(), SEED);
  }

  /** Server bytes of a bare TLS handshake (and the session tickets that follow it) on {@code port}. */
  private static long tlsHandshakeBytes(MailStack stack, int port) throws Exception {
    try (FaultProxy p = FaultProxy.to(stack.host(), port)) {
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
        @Override
        public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }

        @Override
        public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }

        @Override
        public java.security.cert.X509Certificate[] getAcceptedIssuers() {
          return new java.security.cert.X509Certificate[0];
        }
      }}, null); // only counts bytes: nothing is sent over this connection
      try (javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket(stack.host(),
          p.port())) {
        s.startHandshake();
        Thread.sleep(300);
      }
      return p.serverBytes();
    }
  }

  @Test
  void batchWithTransactionsInFlightDroppedAtRandomOffsetsNeverDeliversTwice(MailStack stack) throws Exception {
    // The default sends a batch as BDAT transactions in flight: a drop can cut off many at once.
    int n = 8;
    long total;
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.smtpsPort())) {
      List<Email> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        batch.add(email("hd-fault-window baseline " + i + " " + UUID.randomUUID()));
      }
      assertThat(Send.of(smtp(stack, p)).send(batch)).extracting(SendResult::status)
          .containsOnly(SendResult.Status.SENT);
      total = p.serverBytes();
    }
    long handshake = tlsHandshakeBytes(stack, stack.smtpsPort());
    SendSettings retry = SendSettings.builder().maxAttempts(3).initialBackoff(Duration.ofMillis(50)).build();
    assertThat(retry.chunking()).isTrue();
    List<SendResult> results = new ArrayList<>();
    for (int round = 0; round < 5; round++) {
      long offset = handshake + random.nextInt((int) (total - handshake));
      List<Email> batch = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        batch.add(email("hd-fault-window " + round + "." + i + " " + UUID.randomUUID()));
      }
      try (FaultProxy p = FaultProxy.to(stack.host(), stack.smtpsPort())) {
        p.dropAfterServerBytes(offset).onlyNextConnections(1);
        List<SendResult> sent = Send.of(smtp(stack, p), retry).send(batch);
        assertThat(sent).hasSize(n);
        for (SendResult r : sent) {
          assertThat(r.status()).as("dropped at %d of %d: %s (seed %d)", offset, total, r, SEED)
              .isIn(SendResult.Status.SENT, SendResult.Status.UNKNOWN);
          if (r.status() == SendResult.Status.UNKNOWN) {
            assertThat(r.attempts()).as("UNKNOWN is never resent (seed %d)", SEED).isEqualTo(1);
          }
        }
        results.addAll(sent);
      }
    }
    // A marker sent after them arrives after them: then every copy is counted.
    SendResult marker = Send.of(MailConnection.builder().outbound(Endpoint.smtp(stack.host()).port(stack.smtpsPort())
        .security(Security.SSL_TLS).trustedCertificates(stack.ca())
        .auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password()))).build()).build())
        .send(email("hd-fault-window marker " + UUID.randomUUID()));
    assertThat(countByMessageId(stack, marker.messageId())).isEqualTo(1);
    for (SendResult r : results) {
      String id = r.messageId().replace("<", "").replace(">", "");
      int copies = (int) stack.doveadm("search", "-u", stack.alice().user(), "mailbox", "INBOX", "header",
          "Message-ID", id).lines().filter(l -> !l.isBlank()).count();
      if (r.status() == SendResult.Status.SENT) {
        assertThat(copies).as("%s sent once (seed %d)", r.properties().subject(), SEED).isEqualTo(1);
      } else {
        assertThat(copies).as("%s unknown: 0 or 1 copies (seed %d)", r.properties().subject(), SEED).isBetween(0, 1);
      }
    }
    System.out.printf("FaultInjectionIT send window: %s (seed %d)%n", results.stream()
        .map(r -> r.status() + "/" + r.attempts()).toList(), SEED);
  }

  private static int countByMessageId(MailStack stack, String messageId) throws InterruptedException {
    String id = messageId.replace("<", "").replace(">", "");
    long deadline = System.currentTimeMillis() + 10_000;
    int found;
    do {
      String out = stack.doveadm("search", "-u", stack.alice().user(), "mailbox", "INBOX", "header", "Message-ID", id);
      found = (int) out.lines().filter(l -> !l.isBlank()).count();
      if (found > 0) {
        return found;
      }
      Thread.sleep(200);
    } while (System.currentTimeMillis() < deadline);
    return found;
  }

  @Test
  void stalledServerTimesOutWithARetriableError(MailStack stack) {
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      p.stall(true);
      long t0 = System.nanoTime();
      MailConnection c = MailConnection.builder().inbound(imap(stack, p, Duration.ofSeconds(2))).build();
      assertThatThrownBy(() -> Receive.of(c).receiveAll(ReceiveSettings.builder().folder("INBOX").build()))
          .isInstanceOfSatisfying(ConnectionException.class, e -> {
            assertThat(e.reason()).isEqualTo(ConnectionException.Reason.TIMEOUT);
            assertThat(e.isRetriable()).isTrue();
          });
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(15));
    }
  }

  @Test
  void trickleCompletes(MailStack stack) {
    String folder = "hd-fault-trickle";
    seed(stack, folder, 3, 8000);
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      p.throttle(40_000);
      assertThat(Receive.of(inbound(stack, p)).receiveAll(ReceiveSettings.builder().folder(folder).build()))
          .hasSize(3);
    }
  }

  @Test
  void garbageInsteadOfTlsIsAClearError(MailStack stack) {
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapsPort())) {
      p.injectGarbage("* OK \u0000\u00ff garbage \r\n)(*&^%$#@!\r\n".repeat(50).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
      assertThatThrownBy(() -> Receive.of(inbound(stack, p)).receiveAll(ReceiveSettings.builder().build()))
          .isInstanceOf(MailbridgeException.class).hasMessageContaining("127.0.0.1");
    }
  }

  @Test
  void garbageInPlainImapIsAClearError(MailStack stack) {
    try (FaultProxy p = FaultProxy.to(stack.host(), stack.imapPort())) {
      p.rewriteServerLines(l -> l.startsWith("* OK") ? "* \u0000\u00ff)(BYE{99999999999}" : l);
      Endpoint e = Endpoint.imap(stack.host()).port(p.port()).security(Security.STARTTLS).trustedCertificates(stack.ca())
          .readTimeout(Duration.ofSeconds(5))
          .auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password()))).build();
      assertThatThrownBy(() -> Receive.of(MailConnection.builder().inbound(e).build())
          .receiveAll(ReceiveSettings.builder().build()))
          .isInstanceOf(MailbridgeException.class).hasMessageContaining("127.0.0.1");
      assertThat(p.clientSent()).doesNotContain(stack.alice().password());
    }
  }
}
