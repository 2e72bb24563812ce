package io.mailbridge.cli;

import io.mailbridge.connection.MailConnection;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;

/** Entry point of the {@code mailbridge} command. */
public final class Main {
  /** The commands whose JSON lines are all plain values. */
  private static final Set<String> PLAIN_LINES = Set.of("receive", "move");

  /** The commands that connect to a server as they start. */
  private static final Set<String> CONNECTING = Set.of("receive", "move", "send", "check", "folders", "flag", "delete",
      "watch");

  private Main() {}

  public static void main(String[] args) {
    if (printVersion(args, System.out)) {
      System.exit(0);
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code (used by tests too). */
  public static int run(String... args) {
    // Logging starts here, before any other thread: a thread that logs while another is starting
    // SLF4J (the journal's SQLite driver does) makes SLF4J print replay notices on stderr.
    LogLevel.init();
    // The connection first: its TLS handshake and login are the longest chain of the start.
    EarlyConnection.start(args);
    Json.warmUp(needsMapper(args));
    if (args.length > 0 && CONNECTING.contains(args[0])) {
      MailConnection.warmUpTls();
    }
    try {
      return execute(args);
    } finally {
      EarlyConnection.discard();
    }
  }

  private static int execute(String[] args) {
    picocli.CommandLine cl = MailbridgeCommand.commandLine(args);
    cl.setOut(new Json.Out(System.out));
    int code;
    try {
      code = cl.execute(args);
    } catch (Throwable e) { // NOPMD: an Error (out of memory, stack overflow) still ends with one line and exit 6
      if (LogLevel.debug()) {
        e.printStackTrace(cl.getErr());
      }
      cl.getErr().println(ExitCodes.line(e));
      cl.getErr().flush();
      code = ExitCodes.INTERNAL;
    }
    cl.getOut().flush();
    return code;
  }

  /** Whether the command may print lines that are not plain values (receive and move print only plain ones). */
  static boolean needsMapper(String[] args) {
    return args.length == 0 || !PLAIN_LINES.contains(args[0]);
  }

  /**
   * {@code mailbridge --version} without building the command model: picocli reflects over every
   * subcommand first (~170 classes, about half of the cold start). Prints what picocli would.
   */
  static boolean printVersion(String[] args, PrintStream out) {
    if (args.length != 1 || !(args[0].equals("--version") || args[0].equals("-V"))) {
      return false;
    }
    try {
      for (String line : new MailbridgeCommand.Version().getVersion()) {
        out.println(line);
      }
    } catch (IOException e) {
      return false; // let picocli report it
    }
    out.flush();
    return true;
  }
}
