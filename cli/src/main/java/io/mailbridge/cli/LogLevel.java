package io.mailbridge.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Sets the log level from --verbose / --debug. Protocol traces are redacted before logging. */
final class LogLevel {
  private static volatile boolean debug;

  private LogLevel() {}

  /** Starts logging at the default level (warnings) on the calling thread. */
  static void init() {
    LoggerFactory.getILoggerFactory();
  }

  static void apply(boolean verbose, boolean debugOn) {
    debug = debugOn;
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.setLevel(debugOn ? Level.DEBUG : verbose ? Level.INFO : Level.WARN);
  }

  static boolean debug() {
    return debug;
  }
}
