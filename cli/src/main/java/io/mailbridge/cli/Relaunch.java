package io.mailbridge.cli;

import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A receive that turns out long runs in a JVM made for long runs. The {@code ./mailbridge} launcher
 * starts commands in a JVM tuned for a quick start (the C1 compiler only): most runs are short and
 * would spend their time compiling with C2. Without C2, though, TLS decryption, base64 and SHA-256
 * run as plain compiled Java, several times slower than the JDK's intrinsics, which decides a large
 * transfer. So when the launcher hands over options for long runs in {@value #ENV} and a receive's
 * selection holds at least {@value #THRESHOLD_MIB} MiB in large messages (known after the search,
 * before anything is fetched), the command line runs again in a JVM with those options, and this
 * process exits with its exit code. Nothing has been read, printed or changed by then.
 */
final class Relaunch {
  /** JVM options for long runs, set by the launcher for its quick-start JVM only. */
  static final String ENV = "MAILBRIDGE_LONG_RUN_JAVA_OPTS";

  static final int THRESHOLD_MIB = 32;

  /** The threshold in bytes; a system property changes it (tests use small messages). */
  private static final long THRESHOLD_BYTES = Long.getLong("mailbridge.longRun.minBytes", (long) THRESHOLD_MIB << 20);

  /** Thrown from the receive's start to stop it before anything is fetched. */
  static final class Wanted extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Wanted() {
      super("relaunch for a long transfer", null, false, false);
    }
  }

  private Relaunch() {}

  /** Whether a selection with {@code largeMessagesBytes} in large messages should run in a long-run JVM. */
  static boolean wanted(long largeMessagesBytes) {
    String opts = System.getenv(ENV);
    return opts != null && !opts.isBlank() && largeMessagesBytes >= THRESHOLD_BYTES;
  }

  /**
   * Runs {@code args} again in a JVM with the long-run options, its standard streams this process's,
   * and returns its exit code. The new process gets no {@value #ENV}, so it never relaunches itself.
   */
  static int run(List<String> args, PrintWriter err) {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    for (String o : System.getenv(ENV).trim().split("\\s+")) {
      cmd.add(o);
    }
    try {
      cmd.add("-jar");
      cmd.add(Path.of(Main.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
    } catch (URISyntaxException | SecurityException e) {
      throw new IllegalStateException("cannot find the CLI's jar to run it again: " + e.getMessage(), e);
    }
    cmd.addAll(args);
    if (LogLevel.debug()) {
      err.println("mailbridge: large messages selected: running again with " + ENV);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
    pb.environment().remove(ENV);
    err.flush();
    Process child;
    try {
      child = pb.start();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("cannot start " + cmd.get(0) + " for a long transfer: " + e.getMessage(), e);
    }
    // Stopped (SIGTERM, SIGINT) while it runs: the new process stops too.
    Thread stop = new Thread(child::destroy, "mailbridge-relaunch-stop");
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      return child.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      child.destroy();
      return ExitCodes.INTERNAL;
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
    }
  }
}
