package io.mailbridge.cli;

import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * {@code mailbridge send ARGS} running in this JVM on a thread of its own, its stdin fed by the test
 * line by line, so a test can see what the command does while stdin is still open.
 */
record PipedSend(PipedOutputStream feed, CompletableFuture<Integer> exit, StringWriter out, StringWriter err) {
  static PipedSend start(String... args) throws IOException {
    PipedInputStream stdin = new PipedInputStream(1 << 16);
    PipedOutputStream feed = new PipedOutputStream(stdin);
    CommandLine cl = MailbridgeCommand.commandLine();
    ((SendCommand) cl.getSubcommands().get("send").getCommand()).stdin = stdin;
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] line = Stream.concat(Stream.of("send"), Stream.of(args)).toArray(String[]::new);
    return new PipedSend(feed, CompletableFuture.supplyAsync(() -> cl.execute(line)), out, err);
  }

  void write(String lines) throws IOException {
    feed.write(lines.getBytes(StandardCharsets.UTF_8));
    feed.flush();
  }

  /** Closes stdin and waits at most {@code wait} for the exit code. */
  int end(Duration wait) throws Exception {
    feed.close();
    return exit.get(wait.toSeconds(), TimeUnit.SECONDS);
  }
}
