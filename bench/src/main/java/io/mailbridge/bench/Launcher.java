package io.mailbridge.bench;

import static io.mailbridge.bench.BenchFiles.ROOT;
import static io.mailbridge.bench.BenchFiles.WORK;
import static io.mailbridge.bench.ChildJvms.CP;
import static io.mailbridge.bench.ChildJvms.JAVA;
import static io.mailbridge.bench.ChildJvms.process;

import io.mailbridge.testkit.MailStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Commands as a user runs them: the {@code ./mailbridge} launcher with its defaults (so its JVM
 * options, its class-data archive and the CLI's journal), logged in to the local stack, and the raw
 * reference client in a JVM of its own. Both are timed from process start to exit.
 */
final class Launcher {
  private final MailStack stack;

  Launcher(MailStack stack) {
    this.stack = stack;
  }

  /** Makes the launcher's class-data archive (once per build), so no timed run pays for it. */
  void prepare() throws Exception {
    process("launcher first run", List.of(ROOT.resolve("mailbridge").toString(), "--version"), -1);
  }

  /** {@code ./mailbridge <command> --imap-host .. --user <user> --password-file ..} followed by {@code more}. */
  List<String> imap(String command, MailStack.User user, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("mailbridge").toString(), command, "--imap-host",
        stack.host(), "--imap-port", String.valueOf(stack.imapsPort()), "--ca-file", stack.caFile(), "--user",
        user.user(), "--password-file", passwordFile(user).toString()));
    cmd.addAll(List.of(more));
    return cmd;
  }

  /** {@code ./mailbridge send} over STARTTLS submission as {@code user}, followed by {@code more}. */
  List<String> smtp(MailStack.User user, String... more) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("mailbridge").toString(), "send", "--smtp-host",
        stack.host(), "--smtp-port", String.valueOf(stack.submissionPort()), "--smtp-security", "starttls",
        "--ca-file", stack.caFile(), "--user", user.user(), "--password-file", passwordFile(user).toString()));
    cmd.addAll(List.of(more));
    return cmd;
  }

  /** The raw reference client ({@link Child}) in a fresh JVM with {@code jvmOptions}. */
  static List<String> raw(List<String> jvmOptions, String... args) {
    List<String> cmd = new ArrayList<>(List.of(JAVA));
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", CP, Child.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Path passwordFile(MailStack.User user) throws Exception {
    Files.createDirectories(WORK);
    Path pw = WORK.resolve(user.user().replaceAll("[^a-z]", "") + ".pw");
    if (!Files.exists(pw)) {
      Files.writeString(pw, user.password());
    }
    return pw;
  }
}
