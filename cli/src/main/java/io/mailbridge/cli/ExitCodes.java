package io.mailbridge.cli;

import io.mailbridge.AuthException;
import io.mailbridge.BadInputException;
import io.mailbridge.ConfigException;
import io.mailbridge.ConnectionException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.RejectedMessageException;
import picocli.CommandLine;

/** The one place where errors become exit codes and a one-line message on stderr. */
public final class ExitCodes {
  public static final int OK = 0;
  public static final int USAGE = 1;
  public static final int CONNECTION = 2;
  public static final int PARTIAL = 3;
  public static final int BAD_INPUT = 4;

  private ExitCodes() {}

  public static int of(Throwable error) {
    if (error instanceof ConfigException) {
      return USAGE;
    }
    if (error instanceof AuthException || error instanceof ConnectionException || error instanceof ProtocolException) {
      return CONNECTION;
    }
    if (error instanceof BadInputException) {
      return BAD_INPUT;
    }
    if (error instanceof RejectedMessageException) {
      return PARTIAL;
    }
    return USAGE;
  }

  /** Prints "mailbridge: message" (stack trace only with --debug) and maps the exit code. */
  static final class Handler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, CommandLine.ParseResult parsed) {
      if (LogLevel.debug()) {
        ex.printStackTrace(cl.getErr());
      }
      String message = ex instanceof MailbridgeException ? ex.getMessage()
          : ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (run with --debug for details)";
      cl.getErr().println("mailbridge: " + message);
      return of(ex);
    }
  }
}
