package io.mailbridge.listen;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.move.Carol;
import io.mailbridge.receive.PostAction;
import io.mailbridge.testkit.Await;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Dovecot restart mid-watch. Runs its OWN mail stack (state in /tmp/mailbridge-lststack) so
 * the shared stack other tests use is never touched; Dovecot is stopped (SIGTERM to its master, as
 * `doveadm stop`) and started again with the same configuration and mail store.
 *
 * <p>Its ports lie below the kernel's ephemeral range: there, any client socket of the test run may
 * hold a port as its local end when Dovecot binds it (at the start or at the restart), and the bind
 * fails; a stack whose ports another server took meanwhile is started on the next base.
 */
@Tag("real-server")
class ListenerServerRestartIT {
  private static final Path DIR = Path.of("/tmp/mailbridge-lststack");
  private static Map<String, String> env = Map.of();
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static MailStack own;

  @TempDir
  Path dir;

  @BeforeAll
  static void startOwnStack() throws Exception {
    Assumptions.assumeTrue(MailStack.find().isPresent(), "real-server tests need the mail stack (scripts/mailstack)");
    Assumptions.assumeTrue("0".equals(run("id", "-u").strip()), "restarting Dovecot needs root");
    IllegalStateException taken = null;
    for (int base : portBases()) {
      env = Map.of("MAILSTACK_DIR", DIR.toString(), "MAILSTACK_PORT_BASE", String.valueOf(base),
          "MAILSTACK_OAUTH2_INTROSPECTION_URL", "off");
      try {
        run("bash", script().toString(), "start");
        taken = null;
        break;
      } catch (IllegalStateException e) {
        if (!e.getMessage().contains("already in use")) {
          throw e;
        }
        taken = e;
        run("bash", script().toString(), "stop");
      }
    }
    if (taken != null) {
      throw taken;
    }
    own = new ObjectMapper().readValue(DIR.resolve("stack.json").toFile(), MailStack.class);
  }

  /**
   * Stops the stack the way its README tells a user to: with only its {@code MAILSTACK_DIR}. The
   * script must act on the ports this stack was started on, not on the default base's, where
   * another stack (the suite's own) may listen and would keep {@code stop} waiting and failing.
   */
  @AfterAll
  static void stopOwnStack() throws Exception {
    if (own == null) {
      return;
    }
    env = Map.of("MAILSTACK_DIR", DIR.toString());
    assertThat(run("bash", script().toString(), "status")).contains("imaps " + own.imapsPort() + ",");
    run("bash", script().toString(), "stop");
    try (java.net.ServerSocket free = new java.net.ServerSocket()) {
      free.setReuseAddress(true);
      free.bind(new java.net.InetSocketAddress(own.host(), own.imapsPort())); // throws while Dovecot holds it
    }
  }

  /**
   * Port bases whose ports (base + 12 to base + 993) all lie below the ephemeral range's first port,
   * highest first, away from the shared stacks' defaults (10000, 11000).
   */
  static List<Integer> portBases() throws IOException {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    int low = 32768;
    if (Files.exists(range)) {
      try (java.io.BufferedReader r = Files.newBufferedReader(range)) { // procfs: no size to read by
        low = Integer.parseInt(r.readLine().strip().split("\\s+")[0]);
      }
    }
    List<Integer> bases = new java.util.ArrayList<>();
    for (int base = low - 1000; base >= 12000 && bases.size() < 4; base -= 1000) {
      bases.add(base);
    }
    if (bases.isEmpty()) {
      throw new IllegalStateException("no port base below the ephemeral range starting at " + low);
    }
    return bases;
  }

  private static Path script() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("scripts/mailstack"))) {
      p = p.getParent();
    }
    if (p == null) {
      throw new IllegalStateException("scripts/mailstack not found above " + Path.of("").toAbsolutePath());
    }
    return p.resolve("scripts/mailstack");
  }

  /** Runs a command; output goes to a file, not a pipe, since a daemon it starts may keep its stdout open. */
  private static String run(String... cmd) throws IOException, InterruptedException {
    Path log = Files.createTempFile("lst-run-", ".log");
    try {
      ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      pb.environment().putIfAbsent("TZ", ":/etc/localtime"); // as scripts/mailstack starts Dovecot
      Process p = pb.start();
      boolean done = p.waitFor(120, TimeUnit.SECONDS);
      String out = Files.readString(log);
      if (!done || p.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
      }
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  /**
   * Stops this stack's Dovecot like a host or service restart would: the master gets SIGTERM, then
   * its remaining processes (the master leaves running imap/imap-login processes, and with them the
   * open connections, behind) get SIGTERM too; after {@code downMillis} it starts again with the
   * same configuration and mail store (so UIDVALIDITY is kept).
   */
  private static void restartDovecot(long downMillis) throws Exception {
    String pid = Files.readString(DIR.resolve("dovecot/run/master.pid")).strip();
    run("kill", "-TERM", pid);
    awaitGone(pid);
    for (String child : instanceProcesses()) {
      run("kill", "-TERM", child);
    }
    for (String child : instanceProcesses()) {
      awaitGone(child);
    }
    Thread.sleep(downMillis);
    run("dovecot", "-c", DIR.resolve("dovecot/dovecot.conf").toString());
  }

  /** Processes of this stack's Dovecot instance: their titles carry its unique instance name. */
  private static List<String> instanceProcesses() throws IOException {
    List<String> out = new java.util.ArrayList<>();
    try (java.util.stream.Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : (Iterable<Path>) procs::iterator) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd = new String(Files.readAllBytes(p.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
          if (cmd.startsWith("dovecot-mailstack-" + env.get("MAILSTACK_PORT_BASE") + "/")) { // its instance_name
            out.add(name);
          }
        } catch (IOException gone) {
          // exited meanwhile
        }
      }
    }
    return out;
  }

  private static void awaitGone(String pid) throws InterruptedException {
    long end = System.currentTimeMillis() + 15_000;
    while (Files.exists(Path.of("/proc", pid)) && System.currentTimeMillis() < end) {
      Thread.sleep(50);
    }
  }

  private static MailConnection carol() {
    Endpoint e = Endpoint.imap(own.host()).port(own.imapsPort()).security(Security.SSL_TLS).trustedCertificates(own.ca())
        .auth(Auth.basic(own.carol().user(), Secret.of(own.carol().password()))).build();
    return MailConnection.builder().inbound(e).build();
  }

  private static void append(String folder, String... subjects) {
    try (ImapSeeder s = StackMailbox.carol(own).seeder()) {
      s.append(folder, List.of(subjects).stream().map(x -> TestMessages.message(x, "<" + x + "@lst.test>")).toList(), "");
    }
  }

  @Test
  void serverRestartedMidWatchReconnectsAndLosesNothing() throws Exception {
    String folder = "lst-srv";
    for (String f : List.of(folder, "lst-srv-done")) {
      try {
        own.doveadm("mailbox", "delete", "-u", own.carol().user(), "-s", f); // recreated below: UIDs from 1
      } catch (IllegalStateException absent) {
        // not there
      }
      own.resetFolder(own.carol(), f);
    }
    append(folder, "r1", "r2");
    Lst.Sink sink = new Lst.Sink();
    ListenerSettings s = Lst.fast(folder).start(StartPosition.all()).postAction(PostAction.moveTo("lst-srv-done"))
        .build();
    try (Listener l = Listener.of(carol()).settings(s).stateFile(dir.resolve("state.json")).handler(sink)
        .build()) {
      l.start();
      Await.until("idling", WAIT, () -> sink.subjects.size() == 2 && Lst.idling(l));
      append(folder, "r3"); // may or may not be delivered before the server goes down
      restartDovecot(2000);
      append(folder, "r4", "r5");
      Await.until("5 delivered", WAIT, () -> sink.subjects.size() >= 5);
      Await.until("idling again", WAIT, () -> Lst.idling(l));
      Health.FolderHealth h = l.health().folders().get(0);
      assertThat(h.reconnects()).isGreaterThanOrEqualTo(1);
      assertThat(h.lastError()).isPresent();
      assertThat(h.lastUid()).isEqualTo(5); // same UIDVALIDITY after the restart: the watermark just continues
    }
    assertThat(sink.subjects).containsExactly("r1", "r2", "r3", "r4", "r5");
    assertThat(own.messageCount(own.carol(), "lst-srv-done")).isEqualTo(5);
    assertThat(own.messageCount(own.carol(), folder)).isZero();
  }
}
