package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The CLI's logging: WARN and up on stderr, its console appender made only when something is logged. */
class StderrLoggingTest {
  @Test
  void logsToStderrInItsPatternAndMakesTheConsoleOnlyForTheFirstEvent() {
    LoggerContext context = new LoggerContext();
    context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
    StderrLogging.install(context);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    StderrLogging.Lazy appender = (StderrLogging.Lazy) root.getAppender("STDERR");
    Logger log = context.getLogger("io.mailbridge.receive.internal.ReceiveRun");
    PrintStream stderr = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      log.info("below the level");
      assertThat(appender.made()).as("nothing logged: no console, no pattern parsed").isFalse();
      log.warn("cache not pruned dir={}", "/x", new IllegalStateException("disk full"));
      root.setLevel(Level.INFO);
      log.info("second");
    } finally {
      System.setErr(stderr);
      context.stop();
    }
    assertThat(appender.made()).isTrue();
    String all = captured.toString(StandardCharsets.UTF_8);
    assertThat(all).as(context.getStatusManager().getCopyOfStatusList().toString()).isNotEmpty();
    String[] lines = all.split("\n");
    assertThat(lines[0]).as(all).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  i\\.m\\.r\\.i\\.ReceiveRun cache not pruned dir=/x");
    assertThat(lines[1]).isEqualTo("java.lang.IllegalStateException: disk full");
    assertThat(lines[lines.length - 1]).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  i\\.m\\.r\\.i\\.ReceiveRun second");
  }
}
