package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.RealServer;
import io.mailbridge.testkit.StackMailbox;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A receive whose selection holds large messages runs again in a JVM with the launcher's long-run
 * options ({@code MAILBRIDGE_LONG_RUN_JAVA_OPTS}) before it fetches anything: the packaged CLI as a
 * process against the real Dovecot (carol, folder {@code relaunch}), with a threshold of 1 byte so a
 * message with a 5 MiB attachment (above the 4 MiB of a large message) is enough.
 */
@RealServer
class RelaunchIT {
  private static final String FOLDER = "relaunch";
  private static final String NOTICE = "running again with " + Relaunch.ENV;

  @TempDir Path tmp;

  private record Run(int exit, List<String> out, String err) {}

  @BeforeEach
  void seed(MailStack stack) {
    stack.resetFolder(stack.carol(), FOLDER);
    byte[] big = new byte[5 << 20];
    new Random(5).nextBytes(big);
    try (ImapSeeder s = StackMailbox.carol(stack).seeder()) {
      s.append(FOLDER, List.of(TestMessages.withAttachment("big@example.test", stack.carol().user(), "large one",
          "big.bin", big), TestMessages.withAttachment("small@example.test", stack.carol().user(), "small one",
          "small.bin", new byte[100])), "");
    }
  }

  @Test
  void largeSelectionRunsOnceInTheLongRunJvmAndPrintsEachMessageOnce(MailStack stack) throws Exception {
    Run r = receive(stack, Map.of(Relaunch.ENV, "-Xmx128m"), "1");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).containsOnlyOnce(NOTICE);
    assertThat(r.out()).hasSize(2);
    assertThat(r.out().get(0)).contains("\"subject\":\"large one\"");
    assertThat(r.out().get(1)).contains("\"subject\":\"small one\"");
  }

  @Test
  void theNewProcessGetsTheLongRunOptionsAndItsExitCodeIsTheCommands(MailStack stack) throws Exception {
    Run r = receive(stack, Map.of(Relaunch.ENV, "-XX:+NoSuchJvmOptionForTheTest"), "1");
    assertThat(r.err()).contains(NOTICE).contains("NoSuchJvmOptionForTheTest");
    assertThat(r.exit()).isEqualTo(1); // the java launcher's exit code for a JVM that cannot start
    assertThat(r.out()).isEmpty();
  }

  @Test
  void runsInPlaceBelowTheThresholdOrWithoutLongRunOptions(MailStack stack) throws Exception {
    Run below = receive(stack, Map.of(Relaunch.ENV, "-XX:+NoSuchJvmOptionForTheTest"), String.valueOf(64L << 20));
    Run without = receive(stack, Map.of(), "1");
    for (Run r : List.of(below, without)) {
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.err()).doesNotContain(NOTICE);
      assertThat(r.out()).hasSize(2);
    }
  }

  private Run receive(MailStack stack, Map<String, String> env, String minBytes) throws Exception {
    Path jar = Path.of("target", "mailbridge.jar");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(jar), "needs the packaged CLI (mvn verify)");
    Path pw = Files.writeString(tmp.resolve("pw"), stack.carol().password() + "\n");
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dmailbridge.longRun.minBytes=" + minBytes, "-jar", jar.toString(), "receive", "--debug", "--no-body",
        "--journal", "off", "--folder", FOLDER, "--imap-host", stack.host(), "--imap-port",
        String.valueOf(stack.imapsPort()), "--user", stack.carol().user(), "--password-file", pw.toString(),
        "--ca-file", stack.caFile()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(tmp.resolve("out").toFile())
        .redirectError(tmp.resolve("err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MAILBRIDGE_") || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("ended").isTrue();
    List<String> out = Files.readAllLines(tmp.resolve("out"), StandardCharsets.UTF_8).stream()
        .filter(l -> !l.isBlank()).toList();
    return new Run(p.exitValue(), out, Files.readString(tmp.resolve("err"), StandardCharsets.UTF_8));
  }
}
