package io.mailbridge.bench;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.move.Move;
import io.mailbridge.move.MoveResult;
import io.mailbridge.move.MoveSettings;
import io.mailbridge.move.Selection;
import io.mailbridge.move.internal.MessageOps;
import io.mailbridge.move.internal.Strategy;
import io.mailbridge.search.Filter;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * Move 10,000 messages (carol's {@code bench-move-src} to {@code bench-move-dst}) with Mailbridge
 * and with a raw {@code UID MOVE 1:*} over a TLS socket, alternating, in one JVM; prints medians,
 * the throughput ratio and the round trips per 1,000 UIDs counted from the protocol trace.
 *
 * <pre>{@code java -cp ... io.mailbridge.bench.MoveBench [messages=10000] [rounds=3] [batchSize=1000]}</pre>
 */
public final class MoveBench {
  static final String SRC = "bench-move-src";
  static final String DST = "bench-move-dst";

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int batch = args.length > 2 ? Integer.parseInt(args[2]) : MoveSettings.DEFAULT_BATCH_SIZE;
    MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException("mail stack not running: "
        + "bash scripts/mailstack start"));
    MailStack.User carol = stack.carol();
    Endpoint endpoint = Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(carol.user(), Secret.of(carol.password()))).build();
    MailConnection connection = MailConnection.builder().inbound(endpoint).build();
    List<byte[]> messages = TestMessages.bulk("bench@example.test", carol.user(), n);

    // Round trips: one traced run (the trace keeps 10,000 lines, so at most 5,000 messages here).
    int tracedN = Math.min(n, 5_000);
    reset(stack, carol, messages.subList(0, tracedN));
    long commands;
    long moveCommands;
    try (ImapClient imap = ImapClient.open(endpoint, new Properties(), true)) {
      MoveResult r = MessageOps.transfer(imap, new MessageOps.Request(MessageOps.Kind.MOVE, SRC, DST,
          Selection.filter(Filter.all()), true, Optional.empty(), batch, false,
          Optional.empty()));
      check(r, tracedN);
      // Client commands are "tag COMMAND ..."; the server's tagged answers are "tag OK|NO|BAD ...". Angus hides
      // the AUTHENTICATE command line itself (secret), so login is added as one round trip.
      List<String> sent = imap.trace().lines().stream().filter(l -> l.matches("^[A-Z]+[0-9]+ .*"))
          .filter(l -> !l.matches("^[A-Z]+[0-9]+ (OK|NO|BAD|BYE)\\b.*")).toList();
      commands = sent.size() + 1;
      System.out.println("commands sent: " + sent + " + AUTHENTICATE");
      moveCommands = sent.stream().filter(l -> l.contains(" UID MOVE ")).count();
    }

    List<Double> ours = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    List<Double> fallback = new ArrayList<>();
    for (int round = 0; round < rounds; round++) {
      reset(stack, carol, messages);
      long t0 = System.nanoTime();
      MoveResult r = Move.of(connection).move(MoveSettings.builder().from(SRC).to(DST)
          .selection(Selection.filter(Filter.all())).batchSize(batch).build());
      ours.add((System.nanoTime() - t0) / 1e9);
      check(r, n);

      reset(stack, carol, messages);
      try (ImapClient imap = ImapClient.open(endpoint, new Properties(), false)) {
        long tf = System.nanoTime();
        MoveResult f = MessageOps.transfer(imap, new MessageOps.Request(MessageOps.Kind.MOVE, SRC, DST,
            Selection.filter(Filter.all()), true, Optional.empty(), batch, false, Optional.of(Strategy.UIDPLUS)));
        fallback.add((System.nanoTime() - tf) / 1e9);
        check(f, n);
      }

      reset(stack, carol, messages);
      long t1 = System.nanoTime();
      rawMove(stack, carol);
      raw.add((System.nanoTime() - t1) / 1e9);
      if (stack.messageCount(carol, DST) != n) {
        throw new IllegalStateException("raw move moved " + stack.messageCount(carol, DST) + " of " + n);
      }
    }
    double o = median(ours);
    double w = median(raw);
    System.out.printf("Move %,d messages (~4.3 KB) over IMAPS, %d rounds, medians, same JVM, connect+login included%n",
        n, rounds);
    double wMin = java.util.Collections.min(raw);
    double oMin = java.util.Collections.min(ours);
    double fMin = java.util.Collections.min(fallback);
    System.out.println("| client | median s | msg/s | ratio to raw | best s | ratio of bests |");
    System.out.println("|---|---|---|---|---|---|");
    System.out.printf("| raw `UID MOVE 1:*` (TLS socket) | %.2f | %,.0f | 1.00 | %.2f | 1.00 |%n", w, n / w, wMin);
    System.out.printf("| Mailbridge Move (UID SEARCH + UID MOVE per %,d UIDs) | %.2f | %,.0f | %.2f | %.2f | %.2f |%n",
        batch, o, n / o, w / o, oMin, wMin / oMin);
    double fb = median(fallback);
    System.out.printf("| Mailbridge, forced UIDPLUS fallback (UID COPY + UID STORE + UID EXPUNGE per %,d UIDs; "
        + "login not timed) | %.2f | %,.0f | %.2f | %.2f | %.2f |%n", batch, fb, n / fb, w / fb, fMin, wMin / fMin);
    System.out.printf("all rounds: mailbridge %s fallback %s raw %s%n", ours, fallback, raw);
    System.out.printf("round trips (traced run, %,d messages): %d IMAP commands in total (%d UID MOVE), "
        + "%.2f per 1,000 UIDs including connect/login/select/search; UID MOVE alone %.2f per 1,000 UIDs%n",
        tracedN, commands, moveCommands, commands * 1000.0 / tracedN, moveCommands * 1000.0 / tracedN);
  }

  private static void check(MoveResult r, int n) {
    if (r.with(io.mailbridge.move.MessageOutcome.Status.MOVED).size() != n) {
      throw new IllegalStateException("moved " + r.succeeded() + " of " + n + ": " + r.warnings());
    }
  }

  private static double median(List<Double> xs) {
    List<Double> s = new ArrayList<>(xs);
    s.sort(null);
    return s.size() % 2 == 1 ? s.get(s.size() / 2) : (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
  }

  // Fresh folders (UIDs from 1) and n messages in the source.
  static void reset(MailStack stack, MailStack.User user, List<byte[]> messages) {
    for (String f : List.of(SRC, DST)) {
      try {
        stack.doveadm("mailbox", "delete", "-u", user.user(), "-s", f);
      } catch (IllegalStateException absent) {
        // not there
      }
      stack.resetFolder(user, f);
    }
    try (ImapSeeder s = new StackMailbox(stack, user).seeder()) {
      s.append(SRC, messages, "");
    }
  }

  /**
   * After a move of everything: the destination becomes the source again (a rename, so the n
   * messages keep UIDs 1..n) and a fresh destination is created. The same state as {@link #reset}
   * for the next move (n messages under UIDs 1..n, an empty destination that hands out UIDs from 1),
   * in ~10 ms instead of seconds of APPEND, so a run can afford many rounds.
   */
  static void moveBack(MailStack stack, MailStack.User user) {
    try (ImapSeeder s = new StackMailbox(stack, user).seeder()) {
      s.delete(SRC);
      s.rename(DST, SRC);
      s.create(DST);
    }
  }

  /** The reference: LOGIN, SELECT, UID MOVE 1:*, LOGOUT on a plain TLS socket. */
  static void rawMove(MailStack stack, MailStack.User user) throws Exception {
    SSLContext ctx = stack.trustingContext();
    try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(stack.host(), stack.imapsPort())) {
      s.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(s.getInputStream(), 65536);
      OutputStream out = new BufferedOutputStream(s.getOutputStream());
      readLine(in);
      cmd(in, out, "a LOGIN \"" + user.user() + "\" \"" + user.password() + "\"", "a");
      cmd(in, out, "b SELECT " + SRC, "b");
      cmd(in, out, "c UID MOVE 1:* " + DST, "c");
      cmd(in, out, "d LOGOUT", "d");
    }
  }

  private static void cmd(InputStream in, OutputStream out, String line, String tag) throws IOException {
    out.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
    while (true) {
      String l = readLine(in);
      if (l.startsWith(tag + " ")) {
        if (!l.startsWith(tag + " OK")) {
          throw new IOException("raw IMAP: " + l);
        }
        return;
      }
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      b.write(c);
    }
    if (c == -1 && b.size() == 0) {
      throw new IOException("closed");
    }
    return b.toString(StandardCharsets.US_ASCII);
  }
}
