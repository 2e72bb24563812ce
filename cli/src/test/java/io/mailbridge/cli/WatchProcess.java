package io.mailbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code mailbridge watch} as carol in a child JVM (so it can be killed for real). */
final class WatchProcess {
  final MailStack stack;
  final Path dir;
  final Path state;

  WatchProcess(MailStack stack, Path dir) {
    this.stack = stack;
    this.dir = dir;
    this.state = dir.resolve("state.json");
  }

  List<String> base(String... args) {
    Path pw = dir.resolve("pw");
    try {
      if (!Files.exists(pw)) {
        Files.writeString(pw, stack.carol().password() + "\n");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> cmd = new ArrayList<>(List.of("watch", "--imap-host", stack.host(), "--imap-port",
        Integer.toString(stack.imapsPort()), "--user", stack.carol().user(), "--password-file", pw.toString(),
        "--ca-file", stack.caFile(), "--state", state.toString(), "--keepalive", "2s"));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** Starts the child; stdout (JSON Lines) goes to {@code out}, stderr to {@code out}.err. */
  Process start(Path out, String... args) {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    cmd.addAll(base(args));
    try {
      return new ProcessBuilder(cmd).redirectOutput(out.toFile())
          .redirectError(out.resolveSibling(out.getFileName() + ".err").toFile()).start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void append(String folder, List<byte[]> msgs) {
    MailStack.User c = stack.carol();
    try (ImapSeeder s = new StackMailbox(stack, c).seeder()) {
      s.append(folder, msgs, "");
    }
  }

  static byte[] message(String subject, String messageId) {
    return ("From: sender@example.test\r\nTo: carol@example.test\r\nSubject: " + subject
        + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: " + messageId
        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHello.\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Parsed JSON lines of a file; a torn last line (process killed mid-write) is ignored. */
  static List<JsonNode> lines(Path f) {
    List<JsonNode> out = new ArrayList<>();
    try {
      if (!Files.exists(f)) {
        return out;
      }
      for (String l : Files.readAllLines(f, StandardCharsets.UTF_8)) {
        if (l.isBlank()) {
          continue;
        }
        try {
          out.add(Json.mapper().readTree(l));
        } catch (IOException torn) {
          // not accepted: the handler never returned for it
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

}
