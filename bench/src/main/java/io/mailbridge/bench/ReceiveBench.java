package io.mailbridge.bench;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.receive.Receive;
import io.mailbridge.receive.ReceiveResult;
import io.mailbridge.receive.ReceiveSettings;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import jakarta.mail.BodyPart;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Receive benchmark against the real local stack, all clients in one JVM run (compare ratios, not
 * absolute times): 10,000 messages of ~4 KB (every 10th with a 2 KB attachment) in alice's
 * {@code bench-receive}, received over IMAPS by
 * <ul>
 *   <li>raw: a minimal socket client sending one {@code UID FETCH 1:* BODY.PEEK[]} (the limit);
 *   <li>mailbridge: {@link Receive} with tracked properties and attachments into a Document Cache;
 *   <li>naive Jakarta: {@code getMessages()} then {@code getContent()} (and parts) per message.
 * </ul>
 * Each client connects and logs in inside the timed region. Usage: {@code ReceiveBench [messages] [rounds]}.
 */
public final class ReceiveBench {
  static final String FOLDER = "bench-receive";

  private ReceiveBench() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    // Name the stream provider, else Jakarta Mail 2.1 scans the class path per part (mail-api#861).
    System.setProperty("jakarta.mail.util.StreamProvider", "org.eclipse.angus.mail.util.MailStreamProvider");
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException("start the stack: scripts/mailstack start"));
    seed(stack, n);
    Path cache = Files.createTempDirectory("bench-receive-cache");

    LongSupplier raw = () -> rawFetch(stack);
    // A fresh cache directory per run: what a first receive costs (a re-receive rewrites entries).
    AtomicLong run = new AtomicLong();
    LongSupplier mailbridge = () -> mailbridge(stack, cache.resolve("run-" + run.incrementAndGet()));
    LongSupplier mailbridgeNoCache = () -> mailbridge(stack, null);
    // The same with the cache on tmpfs (when there is one): separates disk latency from our cost.
    Path shm = Path.of("/dev/shm");
    Path memCache = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "bench-receive") : null;
    LongSupplier mailbridgeMem = () -> mailbridge(stack, memCache.resolve("run-" + run.incrementAndGet()));
    LongSupplier naive = () -> naiveJakarta(stack);

    System.out.println("warm-up ...");
    check("raw", raw.getAsLong(), n);
    check("mailbridge", mailbridge.getAsLong(), n);
    List<Double> rawTimes = new ArrayList<>();
    List<Double> mbTimes = new ArrayList<>();
    List<Double> mbNoCacheTimes = new ArrayList<>();
    List<Double> mbMemTimes = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      rawTimes.add(time("raw", raw, n));
      mbTimes.add(time("mailbridge", mailbridge, n));
      mbNoCacheTimes.add(time("mb no cache", mailbridgeNoCache, n));
      if (memCache != null) {
        mbMemTimes.add(time("mb tmpfs cache", mailbridgeMem, n));
      }
    }
    List<Double> naiveTimes = new ArrayList<>();
    naiveTimes.add(time("naive jakarta", naive, n));

    double rawS = median(rawTimes);
    double mbS = median(mbTimes);
    double naiveS = median(naiveTimes);
    System.out.println();
    System.out.printf("Receive %,d messages from %s (medians; raw/mailbridge %d rounds, naive 1; warm JVM)%n", n,
        FOLDER, rounds);
    System.out.println("| client | s | msg/s | throughput vs raw |");
    System.out.println("|---|---|---|---|");
    row("raw `UID FETCH 1:* BODY.PEEK[]`", rawS, n, rawS);
    row("mailbridge Receive (tracked properties + cache)", mbS, n, rawS);
    if (memCache != null) {
      row("mailbridge Receive, cache on tmpfs", median(mbMemTimes), n, rawS);
    }
    row("mailbridge Receive, attachments hashed not stored", median(mbNoCacheTimes), n, rawS);
    row("naive Jakarta (getMessages + getContent)", naiveS, n, rawS);
    System.out.printf("%nmailbridge vs raw: %.2fx (goal >= 0.8x); mailbridge vs naive: %.1fx (goal >= 5x)%n",
        rawS / mbS, naiveS / mbS);
    for (Path dir : memCache == null ? List.of(cache) : List.of(cache, memCache)) {
      try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static void row(String name, double s, int n, double rawS) {
    System.out.printf("| %s | %.2f | %,.0f | %.2f |%n", name, s, n / s, rawS / s);
  }

  private static void check(String name, long got, int n) {
    if (got != n) {
      throw new IllegalStateException(name + " received " + got + " messages, expected " + n);
    }
  }

  private static double time(String name, LongSupplier run, int n) {
    long start = System.nanoTime();
    long got = run.getAsLong();
    double s = (System.nanoTime() - start) / 1e9;
    check(name, got, n);
    System.out.printf("  %-14s %.2f s%n", name, s);
    return s;
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(Comparator.naturalOrder());
    return s.get(s.size() / 2);
  }

  static void seed(MailStack stack, int n) {
    try {
      if (stack.messageCount(stack.alice(), FOLDER) == n) {
        return;
      }
    } catch (IllegalStateException missing) {
      // not there yet
    }
    System.out.println("seeding " + n + " messages into " + FOLDER + " ...");
    stack.resetFolder(stack.alice(), FOLDER);
    try (ImapSeeder s = StackMailbox.alice(stack).seeder()) {
      s.append(FOLDER, TestMessages.bulk("bench@example.com", stack.alice().user(), n), "");
    }
  }

  static long count(MailStack stack) {
    return stack.messageCount(stack.alice(), FOLDER);
  }

  static long mailbridge(MailStack stack, Path cache) {
    return mailbridge(stack, FOLDER, cache);
  }

  static long mailbridge(MailStack stack, String folder, Path cache) {
    Endpoint ep = Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(stack.alice().user(), Secret.of(stack.alice().password())))
        .build();
    AtomicLong count = new AtomicLong();
    ReceiveSettings.Builder settings = ReceiveSettings.builder().folder(folder).cacheDir(cache);
    Integer batch = Integer.getInteger("bench.batchMaxMessages"); // for tuning experiments only
    if (batch != null) {
      settings.batchMaxMessages(batch);
    }
    Integer chunk = Integer.getInteger("bench.chunkBytes");
    if (chunk != null) {
      settings.chunkBytes(chunk);
    }
    ReceiveResult r = Receive.of(MailConnection.builder().inbound(ep).build())
        .run(settings.build(), d -> { // null cache: hashed only
          if (d.properties().subject().isEmpty()) {
            throw new IllegalStateException("no subject in " + d);
          }
          count.incrementAndGet();
        });
    return r.accepted() == count.get() ? count.get() : -1;
  }

  /** The protocol limit: one command, literals read and dropped. */
  static long rawFetch(MailStack stack) {
    return rawFetch(stack, FOLDER);
  }

  static long rawFetch(MailStack stack, String folder) {
    return rawFetch(stack, folder, "BODY.PEEK[]");
  }

  /**
   * The FETCH items a receive asks for each small message (its body and what the document reports:
   * flags, size, the Received Date from INTERNALDATE), where the limit asks for the body alone.
   */
  static final String RECEIVE_ITEMS = "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])";

  /** The raw client asking for {@code items} of every message in one {@code UID FETCH 1:*}. */
  static long rawFetch(MailStack stack, String folder, String items) {
    try (SSLSocket s = tls(stack)) {
      InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
      OutputStream out = s.getOutputStream();
      readLine(in);
      command(in, out, "a1 LOGIN \"" + stack.alice().user() + "\" \"" + stack.alice().password() + "\"", "a1");
      command(in, out, "a2 EXAMINE " + folder, "a2");
      return command(in, out, "a3 UID FETCH 1:* " + items, "a3");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends a command, reads to its tagged answer, returns how many literals it carried. */
  static long command(InputStream in, OutputStream out, String cmd, String tag) throws IOException {
    out.write((cmd + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    long literals = 0;
    byte[] skip = new byte[1 << 16];
    while (true) {
      String line = readLine(in);
      while (line.endsWith("}")) {
        int open = line.lastIndexOf('{');
        long len = Long.parseLong(line.substring(open + 1, line.length() - 1));
        for (long left = len; left > 0; ) {
          int r = in.read(skip, 0, (int) Math.min(skip.length, left));
          if (r < 0) {
            throw new IOException("closed");
          }
          left -= r;
        }
        literals++;
        line = readLine(in);
      }
      if (line.startsWith(tag + " ")) {
        if (!line.startsWith(tag + " OK")) {
          throw new IOException(line);
        }
        return literals;
      }
    }
  }

  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(128);
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    if (c == -1 && b.size() == 0) {
      throw new IOException("closed");
    }
    return b.toString(StandardCharsets.UTF_8);
  }

  static SSLSocket tls(MailStack stack) throws Exception {
    SSLContext ctx = stack.trustingContext();
    SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(stack.host(), stack.imapsPort());
    s.setTcpNoDelay(true);
    s.startHandshake();
    return s;
  }

  /** What many applications do: one message object and several FETCHes per message. */
  static long naiveJakarta(MailStack stack) {
    return naiveJakarta(stack, FOLDER);
  }

  static long naiveJakarta(MailStack stack, String folderName) {
    Properties p = new Properties();
    p.put("mail.imaps.ssl.trust", stack.host());
    p.put("mail.imaps.ssl.checkserveridentity", "false");
    try {
      Session session = Session.getInstance(p);
      Store store = session.getStore("imaps");
      store.connect(stack.host(), stack.imapsPort(), stack.alice().user(), stack.alice().password());
      try {
        Folder f = store.getFolder(folderName);
        f.open(Folder.READ_ONLY);
        long n = 0;
        for (Message m : f.getMessages()) {
          m.getSubject();
          m.getFrom();
          Object content = m.getContent();
          if (content instanceof Multipart mp) {
            for (int i = 0; i < mp.getCount(); i++) {
              BodyPart part = mp.getBodyPart(i);
              try (InputStream in = part.getInputStream()) {
                in.transferTo(OutputStream.nullOutputStream());
              }
            }
          }
          n++;
        }
        f.close(false);
        return n;
      } finally {
        store.close();
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
