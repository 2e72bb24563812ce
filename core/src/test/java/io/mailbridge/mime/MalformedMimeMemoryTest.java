package io.mailbridge.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The large hostile messages (50 MB of base64 zeros, a 50 MB line, 10,000 nesting levels, 50,000
 * parts, a 30 MiB header) parsed in a child JVM with {@code -Xmx64m}: it must not run out of memory
 * (it would exit at once: {@code -XX:+ExitOnOutOfMemoryError}) and each message stays within a time bound.
 */
class MalformedMimeMemoryTest {
  @TempDir
  Path dir;

  @Test
  void largeHostileMessagesParseWithin64MibOfHeap() throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
        HostileMimeMain.class.getName(), dir.resolve("cache").toString()));
    for (Map.Entry<String, HostileMime.Case> c : HostileMime.large().entrySet()) {
      Path f = dir.resolve(c.getKey());
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 16)) {
        c.getValue().write(out);
      }
      cmd.add(f.toString());
    }
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    System.out.print("MalformedMimeMemoryTest child:\n" + out);
    assertThat(p.exitValue()).as(out).isZero();
    for (String name : HostileMime.large().keySet()) {
      String line = out.lines().filter(l -> l.startsWith(name + " ")).findFirst().orElseThrow(() ->
          new AssertionError(name + " missing in " + out));
      String[] w = line.split(" ", 5);
      assertThat(Long.parseLong(w[2])).as("millis for %s", name).isLessThan(10_000); // generous: 2 shared cores; measured 0.01-1.5 s alone
    }
    assertThat(out).contains("base64-zeros-50-MB ok").contains("single-line-50-MB-no-newline ok")
        .contains("text-body-40-MB ok").containsPattern("nesting-10000-levels ok \\d+ 0 .*MIME nesting deeper than 50")
        .containsPattern("50000-parts ok \\d+ 1000 ")
        .contains("header-of-30-MiB skipped");
    assertThat(out).containsPattern("text-body-40-MB ok \\d+ 0 .*body part 1 has \\d+ bytes: kept the first 16777216");
  }
}
