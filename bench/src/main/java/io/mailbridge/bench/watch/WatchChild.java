package io.mailbridge.bench.watch;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./mailbridge watch} as users run it: the launcher in a process of its own, JSON Lines read
 * from its standard output as they come; each line's arrival time is recorded by its subject
 * ({@code wl-N}, the message's number in the run).
 */
final class WatchChild implements AutoCloseable {
  private static final Pattern SUBJECT = Pattern.compile("\"subject\"\\s*:\\s*\"wl-(\\d+)\"");
  private final Process process;
  private final Map<Integer, Long> lines = new ConcurrentHashMap<>();
  private final Thread reader;

  private WatchChild(Process process) {
    this.process = process;
    this.reader = new Thread(this::read, "watch-stdout");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  static WatchChild start(List<String> command, Path stderr) throws IOException {
    Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
    p.getOutputStream().close();
    return new WatchChild(p);
  }

  /** When the line of message {@code n} was read, or -1. */
  long line(int n) {
    return lines.getOrDefault(n, -1L);
  }

  long pid() {
    return process.pid();
  }

  boolean alive() {
    return process.isAlive();
  }

  private void read() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      String l;
      while ((l = r.readLine()) != null) {
        long now = System.nanoTime();
        Matcher m = SUBJECT.matcher(l);
        if (m.find()) {
          lines.putIfAbsent(Integer.parseInt(m.group(1)), now);
        }
      }
    } catch (IOException e) {
      // the process ended
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy(); // SIGTERM: the watcher finishes the batch in hand and exits
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
