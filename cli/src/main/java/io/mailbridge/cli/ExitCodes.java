package io.mailbridge.cli;

import io.mailbridge.AuthException;
import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.RejectedMessageException;
import io.mailbridge.connection.ServerText;
import picocli.CommandLine;

/** The one place where errors become exit codes and a one-line message on stderr. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int USAGE = 1;
  public static final int CONNECTION = 2;
  public static final int PARTIAL = 3;
  public static final int BAD_INPUT = 4;
  /** The server broke the protocol, went beyond a bound or refused a command (not worth a blind retry). */
  public static final int PROTOCOL = 5;
  /** A fault in Mailbridge itself (a bug, or the JVM out of memory): never reported as a usage error. */
  public static final int INTERNAL = 6;
  /** Longest error line printed on stderr. */
  private static final int MAX_MESSAGE_CHARS = 2000;

  private ExitCodes() {}

  public static int of(Throwable error) {
    if (error instanceof ConfigException) {
      return USAGE;
    }
    if (error instanceof AuthException || error instanceof ConnectionException) {
      return CONNECTION;
    }
    if (error instanceof ProtocolException) {
      return PROTOCOL;
    }
    if (error instanceof BadInputException || error instanceof java.nio.file.InvalidPathException) {
      return BAD_INPUT;
    }
    if (error instanceof RejectedMessageException) {
      return PARTIAL;
    }
    if (error instanceof picocli.CommandLine.ParameterException) {
      return USAGE;
    }
    return INTERNAL;
  }

  /** The one stderr line for an error: server text in it escaped, and cut. */
  static String line(Throwable ex) {
    String message = ex instanceof MailbridgeException ? ex.getMessage()
        : ex instanceof java.nio.file.InvalidPathException p ? "path '" + p.getInput() + "' is not valid ("
            + p.getReason() + "): check the file name"
        : "internal error: " + ex.getClass().getSimpleName() + (ex.getMessage() == null ? "" : ": " + ex.getMessage())
            + " (run with --debug for details)";
    return "mailbridge: " + ServerText.shown(message, MAX_MESSAGE_CHARS);
  }

  /** Prints "mailbridge: message" (stack trace only with --debug) and maps the exit code. */
  static final class Handler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
      if (LogLevel.debug()) {
        ex.printStackTrace(cl.getErr());
      }
      cl.getErr().println(line(ex));
      return of(ex);
    }
  }
}
