package io.mailbridge.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A {@link Child} JVM in stepped mode: one run per {@link #run()}, its result line read back. */
final class Stepped implements AutoCloseable {
  private final String name;
  private final Process process;
  private final BufferedReader out;
  private final Writer in;
  private final StringBuilder transcript = new StringBuilder();
  private final List<Double> times = new ArrayList<>();

  Stepped(String name, List<String> cmd) throws IOException {
    this.name = name;
    this.process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    this.out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
  }

  /** One run: {wall s (unused, 0), run s, peak heap MB, peak RSS MB}. */
  double[] run() throws IOException {
    in.write("go\n");
    in.flush();
    String line;
    while ((line = out.readLine()) != null) {
      if (line.startsWith("result ")) {
        String[] r = line.split(" ");
        times.add(Double.parseDouble(r[2]));
        return new double[] {0, Double.parseDouble(r[2]), Double.parseDouble(r[3]), Double.parseDouble(r[4])};
      }
      transcript.append(line).append('\n');
    }
    throw new IllegalStateException(name + " ended before its run finished: " + transcript);
  }

  String times() {
    return times.stream().map(x -> String.format("%.3f", x)).toList().toString();
  }

  @Override
  public void close() throws IOException {
    try {
      in.write("exit\n");
      in.close();
    } catch (IOException gone) {
      // already ended
    }
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(name + " did not end");
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(name + " failed (exit " + process.exitValue() + "): " + transcript);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
