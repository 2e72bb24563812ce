package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.testkit.GreenMailFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The IMAP connection a receive or a move starts before its command model is built. */
class EarlyConnectionTest {
  @RegisterExtension
  static GreenMailFixture mail = new GreenMailFixture();

  @TempDir
  Path dir;

  @AfterEach
  void discard() {
    EarlyConnection.discard();
  }

  /** The connection options picocli parsed from {@code args}, as the command resolves them. */
  private static EarlyConnection.Key parsed(String... args) {
    CommandLine cl = MailbridgeCommand.commandLine(args);
    CommandLine.ParseResult pr = cl.parseArgs(args);
    ConnectionOptions o = options(pr);
    return new EarlyConnection.Key(o.flags(), o.config, o.profile);
  }

  private static ConnectionOptions options(CommandLine.ParseResult pr) {
    Object command = pr.subcommand().commandSpec().userObject();
    return command instanceof ReceiveCommand r ? r.connection : ((MoveCommand) command).connection;
  }

  private String[] receive(String... more) throws Exception {
    Path pw = Files.writeString(dir.resolve("pw"), GreenMailFixture.PASSWORD + "\n");
    List<String> args = new ArrayList<>(List.of("receive", "--imap-host", "127.0.0.1", "--imap-port",
        Integer.toString(mail.imapPort()), "--imap-security", "none", "--allow-plaintext", "--user", mail.user("ann"),
        "--password-file", pw.toString(), "--journal", "off"));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void theCommandConnectsOverTheConnectionStartedForItsOptions() throws Exception {
    String[] args = receive("--folder", "INBOX", "--max", "3");
    EarlyConnection.start(args);
    MailConnection early = EarlyConnection.started();
    assertThat(early).as("a plain receive is connected to as it starts").isNotNull();
    MailConnection used = options(MailbridgeCommand.commandLine(args).parseArgs(args)).connection(true, false);
    assertThat(used).isSameAs(early);
    try (ImapClient imap = ImapClient.open(used.inbound().orElseThrow(), new Properties(), false)) {
      assertThat(imap.status("INBOX")).isPresent();
    }
    assertThat(EarlyConnection.started()).as("taken once").isNull();
  }

  @Test
  void optionsThatDifferAfterParsingConnectThemselves() throws Exception {
    EarlyConnection.start(receive());
    MailConnection early = EarlyConnection.started();
    assertThat(early).isNotNull();
    String[] other = receive("--connect-timeout", "9s");
    MailConnection used = options(MailbridgeCommand.commandLine(other).parseArgs(other)).connection(true, false);
    assertThat(used).isNotSameAs(early);
    assertThat(used.inbound().orElseThrow().connectTimeout()).hasSeconds(9);
    assertThat(EarlyConnection.started()).isNull();
  }

  @Test
  void commandLinesThatCouldMeanSomethingElseAreNotReadAhead() throws Exception {
    for (String refused : List.of("-v", "--verbose", "--debug", "--", "@args.txt", "-h", "--help",
        "--server-limit=maxLineBytes=1MB")) {
      EarlyConnection.start(receive(refused));
      assertThat(EarlyConnection.started()).as(refused).isNull();
    }
    // The same option twice is picocli's error to report; a value that is an option name too.
    EarlyConnection.start(receive("--imap-port", "143"));
    assertThat(EarlyConnection.started()).isNull();
    EarlyConnection.start(new String[] {"receive", "--imap-host", "--user", "x"});
    assertThat(EarlyConnection.started()).isNull();
    // Other commands, and a login that is not a password, connect as they always did.
    EarlyConnection.start(receive("--imap-auth", "oauth2"));
    assertThat(EarlyConnection.started()).isNull();
    String[] folders = receive();
    folders[0] = "folders";
    EarlyConnection.start(folders);
    assertThat(EarlyConnection.started()).isNull();
  }

  @Test
  void aPasswordFromAPipeIsLeftForTheCommandToRead() throws Exception {
    Path fifo = dir.resolve("pw.fifo");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    // As a shell's process substitution: the password can be read once.
    Thread writer = new Thread(() -> {
      try {
        Files.writeString(fifo, GreenMailFixture.PASSWORD + "\n");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    writer.setDaemon(true);
    writer.start();
    String[] args = receive();
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--password-file")) {
        args[i + 1] = fifo.toString();
      }
    }
    EarlyConnection.start(args);
    assertThat(EarlyConnection.started()).as("not read ahead").isNull();
    MailConnection used = options(MailbridgeCommand.commandLine(args).parseArgs(args)).connection(true, false);
    try (ImapClient imap = ImapClient.open(used.inbound().orElseThrow(), new Properties(), false)) {
      assertThat(imap.status("INBOX")).as("the command read the password itself").isPresent();
    }
  }

  @Test
  void aRefusedLoginEndsAsItDidWithoutTheEarlyConnection() throws Exception {
    String[] args = receive();
    Path bad = Files.writeString(dir.resolve("bad"), "not-the-password\n");
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--password-file")) {
        args[i + 1] = bad.toString();
      }
    }
    // Through Main, as the launcher runs it: the connection is opened ahead and fails there.
    java.io.PrintStream out = System.out;
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream outBytes = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream errBytes = new java.io.ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new java.io.PrintStream(outBytes, true, java.nio.charset.StandardCharsets.UTF_8));
      System.setErr(new java.io.PrintStream(errBytes, true, java.nio.charset.StandardCharsets.UTF_8));
      code = Main.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    // Without it: picocli's command alone, which connects where the command does.
    Cli direct = Cli.run(args);
    String stderr = errBytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(ExitCodes.CONNECTION).isEqualTo(direct.exit());
    // The tests' logging configuration adds the protocol trace on stderr; the error is the last line.
    String[] lines = stderr.strip().split("\n");
    assertThat(lines[lines.length - 1]).isEqualTo(direct.err().strip()).contains("login rejected");
    assertThat(stderr).doesNotContain("not-the-password");
    assertThat(outBytes.size()).isZero();
  }

  @Property(tries = 300)
  void whatIsReadAheadIsWhatPicocliParses(@ForAll("commandLines") List<String> args) {
    EarlyConnection.Key ahead = EarlyConnection.key(args.toArray(String[]::new));
    boolean plain = args.stream().noneMatch(a -> a.equals("--verbose") || a.equals("-v") || a.equals("--"));
    if (plain) {
      assertThat(ahead).as("a plain command line is read ahead").isNotNull();
    }
    if (ahead != null) {
      assertThat(ahead).isEqualTo(parsed(args.toArray(String[]::new)));
    }
  }

  @Provide
  Arbitrary<List<String>> commandLines() {
    Arbitrary<String> paths = Arbitraries.of("pw", "/tmp/a b/pw", "dir//pw", "./x/../pw", "/tmp/dir/", "é/ü.pem");
    Arbitrary<List<List<String>>> connection = Combinators.combine(
        Arbitraries.of("127.0.0.1", "imap.example.test", "[::1]"), Arbitraries.of("993", "+143", "0022993"),
        paths, paths, Arbitraries.of("ssl_tls", "starttls", "none"), Arbitraries.of("password", "login", "plain"),
        Arbitraries.of("ann@example.test", "bob", "x y"), Arbitraries.of("10s", "1m", "500ms"))
        .as((host, port, pw, ca, security, auth, user, timeout) -> List.<List<String>>of(
            List.of("--imap-host", host), List.of("--imap-port", port), List.of("--password-file", pw),
            List.of("--ca-file", ca), List.of("--imap-security", security), List.of("--imap-auth", auth),
            List.of("--user", user), List.of("--read-timeout", timeout), List.of("--connect-timeout", timeout),
            List.of("--allow-plaintext"), List.of("--profile", "work"), List.of("--config", "conf/mb.yaml"),
            List.of("--smtp-host", host), List.of("--proxy", "socks5://proxy:1080")));
    Arbitrary<List<List<String>>> others = Arbitraries.of(List.of("--folder", "INBOX"), List.of("--folder", "a b"),
        List.of("--max", "5"), List.of("--no-body"), List.of("--then", "read"), List.of("--journal", "off"),
        List.of("--format", "html"), List.of("--verbose"), List.of("-v"), List.of("--newest-first"),
        List.of("--from", "x@y")).list().uniqueElements(g -> g.get(0).equals("-v") ? "--verbose" : g.get(0)).ofMaxSize(4);
    return Combinators.combine(connection.flatMap(opts -> Arbitraries.subsetOf(opts).map(set -> new ArrayList<List<String>>(set))), others,
        Arbitraries.of(true, false), Arbitraries.randoms()).as((conn, other, joined, random) -> {
          List<List<String>> groups = new ArrayList<>(conn);
          groups.addAll(other);
          Collections.shuffle(groups, random);
          List<String> line = new ArrayList<>(List.of("receive"));
          for (List<String> g : groups) {
            if (joined && g.size() == 2 && g.get(0).startsWith("--")) {
              line.add(g.get(0) + "=" + g.get(1));
            } else {
              line.addAll(g);
            }
          }
          return line;
        });
  }
}
