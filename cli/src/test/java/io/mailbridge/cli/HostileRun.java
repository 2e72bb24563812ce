package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code mailbridge} run in a child JVM with {@code -Xmx64m} against a hostile server, from a
 * fresh working directory with its own HOME, and what it left behind.
 */
record HostileRun(int exit, String out, String err, Duration took, Path dir) {
  /** The read timeout every CLI scenario runs with: each must end within twice this (plus the JVM's start). */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(4);
  private static final Duration JVM_START = Duration.ofSeconds(4);

  static HostileRun run(Path dir, String... args) {
    try {
      Path home = Files.createDirectories(dir.resolve("home"));
      List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto", "-cp", mainClassPath(),
          Main.class.getName()));
      cmd.addAll(List.of(args));
      ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile())
          .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("MAILBRIDGE_") || k.equals("JAVA_TOOL_OPTIONS"));
      pb.environment().put("HOME", home.toString());
      long t0 = System.nanoTime();
      Process p = pb.start();
      boolean ended = p.waitFor(READ_TIMEOUT.multipliedBy(2).plus(JVM_START).toMillis() + 20_000, TimeUnit.MILLISECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      if (!ended) {
        p.destroyForcibly().waitFor();
      }
      String out = Files.readString(dir.resolve("stdout"), StandardCharsets.UTF_8);
      String err = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
      Files.delete(dir.resolve("stdout"));
      Files.delete(dir.resolve("stderr"));
      io.mailbridge.testkit.SecretScanExtension.scan(out);
      io.mailbridge.testkit.SecretScanExtension.scan(err);
      return new HostileRun(ended ? p.exitValue() : -1, out, err, took, dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** This JVM's class path without the test classes: the child logs as the released command does. */
  private static String mainClassPath() {
    return java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
        .filter(e -> !e.endsWith("test-classes")).collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator));
  }

  /** The stderr lines that are Mailbridge's (the JVM's own notices left out). */
  List<String> errLines() {
    return err.lines().filter(l -> !l.isBlank() && !l.startsWith("OpenJDK 64-Bit") && !l.startsWith("Picked up")).toList();
  }

  /**
   * Ended in time with {@code exit}, one clear stderr line free of control characters, valid JSON
   * Lines on stdout, and nothing written outside {@code cache} but the files the test made.
   */
  HostileRun endsCleanly(int expectedExit, List<String> ownFiles) {
    assertThat(exit).as("exit code; stderr: %s", err).isEqualTo(expectedExit);
    assertThat(took).as("run time").isLessThan(READ_TIMEOUT.multipliedBy(2).plus(JVM_START));
    assertThat(errLines()).as("stderr").hasSize(1);
    String line = errLines().get(0);
    assertThat(line).startsWith("mailbridge: ").hasSizeLessThanOrEqualTo(2100).doesNotContain("\tat ", "Exception in thread");
    assertThat(err.chars().filter(c -> (c < 0x20 && c != '\n' && c != '\r') || (c >= 0x7f && c <= 0x9f)).count())
        .as("control characters on stderr").isZero();
    ObjectMapper json = new ObjectMapper();
    for (String l : out.lines().toList()) {
      try {
        json.readTree(l);
      } catch (IOException e) {
        throw new AssertionError("stdout line is not JSON: " + l, e);
      }
    }
    try (Stream<Path> files = Files.walk(dir)) {
      List<String> left = files.filter(Files::isRegularFile).map(f -> dir.relativize(f).toString())
          .filter(f -> !f.startsWith("cache/") && !ownFiles.contains(f)).toList();
      assertThat(left).as("files written outside the cache").isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return this;
  }
}
