package io.mailbridge.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The CLI's logging: stderr only (stdout carries JSON Lines), WARN until --verbose/--debug raise
 * it ({@link LogLevel}). Set up in code, found by logback through the ServiceLoader: reading a
 * logback.xml loads an XML parser and hundreds of classes on every cold start. A configuration
 * file named with {@code -Dlogback.configurationFile}, or a logback-test.xml (tests), still wins.
 */
public final class StderrLogging extends ContextAwareBase implements Configurator {
  static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %msg%n";

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null
        || StderrLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
    install(context);
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  /** Root at WARN, to stderr in {@link #PATTERN}. */
  static void install(LoggerContext context) {
    Lazy stderr = new Lazy();
    stderr.setContext(context);
    stderr.setName("STDERR");
    stderr.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.WARN);
    root.addAppender(stderr);
  }

  /**
   * The stderr appender, made when the first event is logged: most runs log nothing at their level,
   * and the pattern's parser and converters are a good part of logging's start.
   */
  static final class Lazy extends AppenderBase<ILoggingEvent> {
    private ConsoleAppender<ILoggingEvent> console;

    @Override
    protected void append(ILoggingEvent event) { // AppenderBase calls it holding the appender's lock
      if (console == null) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(getContext());
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> c = new ConsoleAppender<>();
        c.setContext(getContext());
        c.setName(getName());
        c.setTarget("System.err");
        c.setEncoder(encoder);
        c.start();
        console = c;
      }
      console.doAppend(event);
    }

    /** Whether the console appender has been made (an event was logged). */
    synchronized boolean made() {
      return console != null;
    }

    @Override
    public synchronized void stop() {
      if (console != null) {
        console.stop();
      }
      super.stop();
    }
  }
}
