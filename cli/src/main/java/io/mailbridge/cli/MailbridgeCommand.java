package io.mailbridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The top-level {@code mailbridge} command: only dispatches to subcommands. */
@Command(
    name = "mailbridge",
    mixinStandardHelpOptions = true,
    versionProvider = MailbridgeCommand.Version.class,
    description = "Send, receive and move mail over IMAP and SMTP. JSON Lines on stdout, messages on stderr.",
    footer = {"", "Exit codes: 0 ok, 1 usage, 2 connection/auth, 3 partial failure, 4 bad input.",
        "Settings: flags > MAILBRIDGE_* environment > profile in mailbridge.yaml."})
public final class MailbridgeCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required, e.g. `mailbridge demo`");
  }

  /** The subcommands, in the order the usage lists them. */
  static final List<Class<?>> SUBCOMMANDS = List.of(DemoCommand.class, CheckCommand.class, FoldersCommand.class,
      SendCommand.class, MoveCommand.class, FlagCommand.class, DeleteCommand.class, AuthCommand.class,
      ReceiveCommand.class, WatchCommand.class, CacheCommand.class, ReportCommand.class, CompletionCommand.class,
      CommandLine.HelpCommand.class);

  /** The configured command line with every subcommand: error handling and exit codes in one place. */
  public static CommandLine commandLine() {
    return commandLine(SUBCOMMANDS);
  }

  /**
   * The command line for these arguments: when they start with a subcommand's name, only that
   * subcommand is built. picocli reflects over each subcommand's options when it is added, and
   * building all of them would weigh on every cold start; usage, {@code help} and unknown commands
   * get them all.
   */
  public static CommandLine commandLine(String... args) {
    if (args.length > 0 && !args[0].equals("help")) {
      for (Class<?> c : SUBCOMMANDS) {
        if (c.getAnnotation(Command.class).name().equals(args[0])) {
          return commandLine(List.of(c));
        }
      }
    }
    return commandLine(SUBCOMMANDS);
  }

  private static CommandLine commandLine(List<Class<?>> subcommands) {
    CommandLine cl = new CommandLine(new MailbridgeCommand());
    for (Class<?> c : subcommands) {
      cl.addSubcommand(c);
    }
    cl.setExecutionExceptionHandler(new ExitCodes.Handler());
    // picocli's own usage code is 2, which is ours for connection/auth errors.
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine c = ex.getCommandLine();
      c.getErr().println("mailbridge: " + ex.getMessage());
      c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for more information.");
      return ExitCodes.USAGE;
    });
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    return cl;
  }

  /** Version from the build. */
  public static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
      Properties p = new Properties();
      try (InputStream in = MailbridgeCommand.class.getResourceAsStream("/mailbridge-version.properties")) {
        if (in != null) {
          p.load(in);
        }
      }
      return new String[] {"mailbridge " + p.getProperty("version", "unknown"),
          "Java " + System.getProperty("java.version")};
    }
  }
}
