package io.mailbridge.bench;

import io.mailbridge.testkit.MailStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Same-run A/B of the library's warm receive between two builds (e.g. a branch against main):
 * one long-lived child JVM per build, each with its own class path (its {@code core} jar and
 * dependencies; this bench's classes first, so both run the same client code), driven in turns
 * from here so machine noise hits both alike. Per round each JVM runs the raw client and
 * {@code Receive} of the 10k bench folder; who goes first alternates. Reported per build: median
 * wall clock and process CPU of both clients, the median of the per-round ratios raw / Mailbridge
 * (the goal's measure), and between the builds the median per-round ratio of Mailbridge's wall
 * clock and CPU, with how many rounds B was faster. CPU seconds are what a loaded shared machine
 * distorts least.
 *
 * <p>Usage: {@code ReceiveAB rounds warmups labelA classpathA labelB classpathB} (see {@code bench/ab-receive}).
 */
public final class ReceiveAB {
  private ReceiveAB() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      throw new IllegalArgumentException("usage: ReceiveAB rounds warmups labelA classpathA labelB classpathB");
    }
    int rounds = Integer.parseInt(args[0]);
    int warmups = Integer.parseInt(args[1]);
    String[] labels = {args[2], args[4]};
    Child[] children = {Child.start(args[3]), Child.start(args[5])};
    try {
      children[0].ask("seed");
      for (Child c : children) {
        for (int i = 0; i < warmups; i++) {
          c.ask("raw");
          c.ask("mb");
        }
      }
      // [build][raw=0 | mailbridge=1][round] -> {wall s, cpu s}
      double[][][][] t = new double[2][2][rounds][];
      for (int r = 0; r < rounds; r++) {
        int first = r % 2;
        for (int k = 0; k < 2; k++) {
          int b = k == 0 ? first : 1 - first;
          // Within a JVM the raw client and Mailbridge swap places every other round too.
          boolean rawFirst = (r / 2) % 2 == 0;
          t[b][rawFirst ? 0 : 1][r] = children[b].ask(rawFirst ? "raw" : "mb");
          t[b][rawFirst ? 1 : 0][r] = children[b].ask(rawFirst ? "mb" : "raw");
        }
        System.out.printf("round %2d: %s raw %.3f mb %.3f (cpu %.3f) | %s raw %.3f mb %.3f (cpu %.3f) | load %.2f%n", r,
            labels[0], t[0][0][r][0], t[0][1][r][0], t[0][1][r][1], labels[1], t[1][0][r][0], t[1][1][r][0],
            t[1][1][r][1], ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      }
      System.out.println();
      System.out.println("| build | raw wall s | Mailbridge wall s | raw CPU s | Mailbridge CPU s | raw / Mailbridge (per round) |");
      System.out.println("|---|---|---|---|---|---|");
      for (int b = 0; b < 2; b++) {
        double[] ratio = new double[rounds];
        for (int r = 0; r < rounds; r++) {
          ratio[r] = t[b][0][r][0] / t[b][1][r][0];
        }
        System.out.printf("| %s | %.3f | %.3f | %.3f | %.3f | %.2f (%.2f-%.2f) |%n", labels[b], median(t[b][0], 0),
            median(t[b][1], 0), median(t[b][0], 1), median(t[b][1], 1), median(ratio), min(ratio), max(ratio));
      }
      double[] wall = new double[rounds];
      double[] cpu = new double[rounds];
      int fasterWall = 0;
      int fasterCpu = 0;
      for (int r = 0; r < rounds; r++) {
        wall[r] = t[1][1][r][0] / t[0][1][r][0];
        cpu[r] = t[1][1][r][1] / t[0][1][r][1];
        fasterWall += wall[r] < 1 ? 1 : 0;
        fasterCpu += cpu[r] < 1 ? 1 : 0;
      }
      System.out.printf("%n%s / %s, Mailbridge per round: wall %.3f (%s faster in %d of %d rounds), CPU %.3f (lower in %d"
          + " of %d)%n", labels[1], labels[0], median(wall), labels[1], fasterWall, rounds, median(cpu), fasterCpu, rounds);
    } finally {
      for (Child c : children) {
        c.close();
      }
    }
  }

  private static double median(double[][] xs, int field) {
    double[] v = new double[xs.length];
    for (int i = 0; i < xs.length; i++) {
      v[i] = xs[i][field];
    }
    return median(v);
  }

  private static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static double min(double[] xs) {
    return Arrays.stream(xs).min().orElse(Double.NaN);
  }

  private static double max(double[] xs) {
    return Arrays.stream(xs).max().orElse(Double.NaN);
  }

  /** One child JVM and its command channel. */
  private static final class Child implements AutoCloseable {
    private final Process process;
    private final BufferedReader answers;
    private final PrintStream commands;

    private Child(Process process) {
      this.process = process;
      this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.commands = new PrintStream(process.getOutputStream(), true, StandardCharsets.UTF_8);
    }

    static Child start(String classpath) throws IOException {
      String own = ReceiveAB.class.getProtectionDomain().getCodeSource().getLocation().getPath();
      List<String> cmd = new ArrayList<>(List.of(Path.JAVA, "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
          "-Djakarta.mail.util.StreamProvider=org.eclipse.angus.mail.util.MailStreamProvider",
          "-cp", own + java.io.File.pathSeparator + classpath, Server.class.getName()));
      return new Child(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /** Runs one command in the child; {wall s, process CPU s}. */
    double[] ask(String what) throws IOException {
      commands.println(what);
      String line = answers.readLine();
      if (line == null || !line.startsWith("ok ")) {
        throw new IllegalStateException("child answered '" + line + "' to " + what);
      }
      String[] w = line.split(" ");
      return new double[] {Long.parseLong(w[1]) / 1e9, Long.parseLong(w[2]) / 1e9};
    }

    @Override
    public void close() {
      commands.println("quit");
      process.destroy();
    }
  }

  private static final class Path {
    static final String JAVA = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** The child's loop: one command per line on stdin, one answer line per command on stdout. */
  public static final class Server {
    private static final int MESSAGES = 10_000;

    private Server() {}

    public static void main(String[] args) throws IOException {
      MailStack stack = MailStack.find().orElseThrow(() -> new IllegalStateException("no mail stack: scripts/mailstack start"));
      com.sun.management.OperatingSystemMXBean os =
          (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      PrintStream out = System.out;
      System.setOut(System.err); // stdout carries the answers only; what the workloads print (seeding) goes to stderr
      String cmd;
      while ((cmd = in.readLine()) != null && !cmd.equals("quit")) {
        long c0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        long n;
        switch (cmd) {
          case "seed" -> {
            ReceiveBench.seed(stack, MESSAGES);
            n = MESSAGES;
          }
          case "raw" -> n = ReceiveBench.rawFetch(stack);
          case "mb" -> n = ReceiveBench.mailbridge(stack, null);
          default -> throw new IllegalArgumentException("unknown command " + cmd);
        }
        long wall = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - c0;
        if (n != MESSAGES) {
          throw new IllegalStateException(cmd + " received " + n + " messages, expected " + MESSAGES);
        }
        out.println("ok " + wall + " " + cpu + " " + n);
        out.flush();
      }
    }
  }
}
