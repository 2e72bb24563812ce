package io.mailbridge.bench;

import io.mailbridge.testkit.MailStack;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import org.apache.camel.CamelContext;
import org.apache.camel.attachment.AttachmentMessage;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/** The peers a Java (or any) user would pick instead: Apache Camel mail and Python imaplib. */
final class Peers {
  private Peers() {}

  /** Camel's consumer with its defaults (only {@code initialDelay=0}, so no idle second is timed). */
  static final String CAMEL_DEFAULTS = "initialDelay=0";
  /**
   * The best settings found: every message (not only unseen), no closing of the folder between
   * polls, all messages in one poll, Jakarta's stream provider named (set for the whole JVM).
   */
  static final String CAMEL_BEST = "initialDelay=0&unseen=false&peek=true&closeFolder=false&maxMessagesPerPoll=0"
      + "&fetchSize=-1&delay=10";

  /**
   * Receives {@code n} messages with a Camel {@code imaps} consumer, reading subject, from, body
   * text and attachments (as an application would); seconds from route start to the n-th message.
   */
  static double camel(MailStack stack, String folder, long n, String options) throws Exception {
    trustStackCa(stack);
    // Camel's defaults only take unseen mail and mark what they took \Seen: start from unseen.
    stack.doveadm("flags", "remove", "-u", stack.alice().user(), "\\Seen", "mailbox", folder, "all");
    AtomicLong count = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    String uri = "imaps://" + stack.host() + ":" + stack.imapsPort() + "?username=RAW(" + stack.alice().user()
        + ")&password=RAW(" + stack.alice().password() + ")&folderName=" + folder + "&" + options;
    try (CamelContext ctx = new DefaultCamelContext()) {
      ctx.addRoutes(new RouteBuilder() {
        @Override
        public void configure() {
          from(uri).process(e -> {
            e.getIn().getHeader("Subject", String.class);
            e.getIn().getHeader("From", String.class);
            e.getIn().getBody(String.class);
            AttachmentMessage am = e.getIn(AttachmentMessage.class);
            if (am.hasAttachments()) {
              for (var a : am.getAttachments().values()) {
                try (InputStream in = a.getInputStream()) {
                  in.transferTo(java.io.OutputStream.nullOutputStream());
                }
              }
            }
            if (count.incrementAndGet() == n) {
              done.countDown();
            }
          });
        }
      });
      long t0 = System.nanoTime();
      ctx.start();
      if (!done.await(10, TimeUnit.MINUTES)) {
        throw new IllegalStateException("Camel received " + count.get() + " of " + n + " in 10 minutes");
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  private static void trustStackCa(MailStack stack) throws Exception {
    SSLContext ctx = stack.trustingContext();
    SSLContext.setDefault(ctx); // Camel builds its Jakarta session without our trust settings
  }

  private static final String IMAPLIB = """
      import imaplib, ssl, sys, time
      host, port, user, pw, ca, folder = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
      t0 = time.perf_counter()
      m = imaplib.IMAP4_SSL(host, port, ssl_context=ssl.create_default_context(cafile=ca))
      m.login(user, pw)
      m.select(folder, readonly=True)
      typ, data = m.uid('FETCH', '1:*', '(BODY.PEEK[])')
      n = sum(1 for d in data if isinstance(d, tuple))
      m.logout()
      print(n, '%.6f' % (time.perf_counter() - t0))
      """;

  /** Python imaplib: one {@code UID FETCH 1:* BODY.PEEK[]}, nothing parsed; seconds inside Python. */
  static double imaplib(MailStack stack, String folder, long n) throws Exception {
    Path script = Files.createTempFile("imaplib-bench", ".py");
    try {
      Files.writeString(script, IMAPLIB);
      Process p = new ProcessBuilder("python3", script.toString(), stack.host(), String.valueOf(stack.imapsPort()),
          stack.alice().user(), stack.alice().password(), stack.caFile(), folder).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
        throw new IllegalStateException("python imaplib failed: " + out);
      }
      String[] last = out.lines().reduce((a, b) -> b).orElseThrow().split(" ");
      if (Long.parseLong(last[0]) != n) {
        throw new IllegalStateException("python imaplib fetched " + last[0] + " of " + n);
      }
      return Double.parseDouble(last[1]);
    } finally {
      Files.deleteIfExists(script);
    }
  }
}
