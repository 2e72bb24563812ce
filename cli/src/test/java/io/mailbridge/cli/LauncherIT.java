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
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./mailbridge} launcher's JVM options as a user gets them: {@code receive} runs with the
 * compiler directives (C2 only for the JDK's bulk-data methods), other commands C1 only, {@code watch}
 * with the JVM's defaults; the receive's output is byte for byte the same as in a C1-only JVM. The
 * JVM reports its flags and compilations into a log file ({@code -XX:LogFile}), never stdout.
 */
@RealServer
class LauncherIT {
  private static final String FOLDER = "launcher";

  @TempDir Path tmp;

  private record Run(int exit, byte[] out, String err, String vmLog) {}

  @Test
  void receiveRunsWithTheDirectivesOtherCommandsC1OnlyAndWatchWithTheDefaults() throws Exception {
    Path root = root();
    Run receive = run(root, List.of("receive", "--help"), Map.of(), "-XX:+PrintFlagsFinal");
    assertThat(receive.exit()).as(receive.err()).isZero();
    assertThat(new String(receive.out(), StandardCharsets.UTF_8)).startsWith("Usage: mailbridge receive");
    assertThat(receive.err()).doesNotContain("directives added");
    assertThat(flag(receive.vmLog(), "CompilerDirectivesFile"))
        .isEqualTo(root.resolve("cli/jvm/compiler-directives.json").toString());
    assertThat(flag(receive.vmLog(), "TieredStopAtLevel")).isEqualTo("4");
    assertThat(flag(receive.vmLog(), "Tier4InvocationThreshold")).isEqualTo("150");

    Run send = run(root, List.of("send", "--help"), Map.of(), "-XX:+PrintFlagsFinal");
    assertThat(send.exit()).as(send.err()).isZero();
    assertThat(flag(send.vmLog(), "TieredStopAtLevel")).isEqualTo("1");
    assertThat(flag(send.vmLog(), "CompilerDirectivesFile")).isEmpty();

    Run watch = run(root, List.of("watch", "--help"), Map.of(), "-XX:+PrintFlagsFinal");
    assertThat(watch.exit()).as(watch.err()).isZero();
    assertThat(flag(watch.vmLog(), "TieredStopAtLevel")).isEqualTo("4");
    assertThat(flag(watch.vmLog(), "CompilerDirectivesFile")).isEmpty();
  }

  @Test
  void aReceiveCompilesOnlyTheJdksBulkDataMethodsWithC2AndPrintsWhatAC1OnlyJvmPrints(MailStack stack)
      throws Exception {
    Path root = root();
    stack.resetFolder(stack.carol(), FOLDER);
    byte[] big = new byte[6 << 20];
    new Random(23).nextBytes(big);
    try (ImapSeeder s = StackMailbox.carol(stack).seeder()) {
      s.append(FOLDER, List.of(TestMessages.withAttachment("big@example.test", stack.carol().user(), "large one",
          "big.bin", big), TestMessages.withAttachment("small@example.test", stack.carol().user(), "small one",
          "small.bin", new byte[100])), "");
    }
    Path pw = Files.writeString(tmp.resolve("pw"), stack.carol().password() + "\n");
    List<String> args = List.of("receive", "--journal", "off", "--folder", FOLDER, "--imap-host", stack.host(),
        "--imap-port", String.valueOf(stack.imapsPort()), "--user", stack.carol().user(), "--password-file",
        pw.toString(), "--ca-file", stack.caFile());

    Run mixed = run(root, args, Map.of(), "-XX:+PrintCompilation");
    Run c1 = run(root, args, Map.of("MAILBRIDGE_JAVA_OPTS", "-XX:TieredStopAtLevel=1"), "");
    assertThat(mixed.exit()).as(mixed.err()).isZero();
    assertThat(c1.exit()).as(c1.err()).isZero();
    assertThat(new String(mixed.out(), StandardCharsets.UTF_8).lines().toList()).hasSize(2);
    assertThat(mixed.out()).isEqualTo(c1.out());

    // PrintCompilation: "<time> <id> <flags> <level> <method> ...": C2 is level 4.
    List<String> c2 = mixed.vmLog().lines().filter(l -> Pattern.compile("^\\s*\\d+\\s+\\d+\\s+[%sbn! ]*4\\s+\\S+::")
        .matcher(l).find()).toList();
    // The TLS records' AES-GCM (the JDK's first choice when C2 may compile it) is hot after a few records.
    assertThat(c2).as("C2 compiles").anyMatch(l -> l.contains("com.sun.crypto.provider.GHASH::update"));
    assertThat(c2).as("C2 compiles").noneMatch(l -> l.contains("io.mailbridge."));
    assertThat(c2).as("C2 compiles").allMatch(l -> l.contains("com.sun.crypto.provider.")
        || l.contains("sun.security.provider.") || l.contains("java.util.Base64$"));
  }

  /** The value of {@code name} in a {@code -XX:+PrintFlagsFinal} table ("" for an unset string). */
  private static String flag(String vmLog, String name) {
    Pattern line = Pattern.compile("^\\s*\\S+\\s+" + name + "\\s+=\\s*([^\\s{]*)\\s*\\{");
    return vmLog.lines().map(line::matcher).filter(java.util.regex.Matcher::find).findFirst()
        .map(m -> m.group(1)).orElseThrow(() -> new AssertionError(name + " not in the JVM's flags"));
  }

  private static Path root() {
    Path root = Path.of("").toAbsolutePath().getParent();
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(root.resolve("cli/target/mailbridge.jar")),
        "needs the packaged CLI (mvn verify)");
    return root;
  }

  private Run run(Path root, List<String> args, Map<String, String> env, String vmFlag) throws Exception {
    Path log = Files.createTempFile(tmp, "vm", ".log");
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    List<String> cmd = new ArrayList<>(List.of(root.resolve("mailbridge").toString()));
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("MAILBRIDGE_") || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    pb.environment().put("JAVA_TOOL_OPTIONS", "-XX:+UnlockDiagnosticVMOptions -XX:+LogVMOutput -XX:LogFile=" + log
        + " " + vmFlag);
    Process p = pb.start();
    assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("ended").isTrue();
    return new Run(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8),
        Files.readString(log, StandardCharsets.UTF_8));
  }
}
