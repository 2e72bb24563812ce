package io.mailbridge.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs the CLI in-process and captures stdout, stderr and the exit code. */
record Cli(int exit, String out, String err) {
  static Cli run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = MailbridgeCommand.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int exit = cl.execute(args);
    // What the CLI printed is log output too: it must not show a secret.
    io.mailbridge.testkit.SecretScanExtension.scan(out.toString());
    io.mailbridge.testkit.SecretScanExtension.scan(err.toString());
    return new Cli(exit, out.toString(), err.toString());
  }

  /** Each non-blank line of stdout as JSON (the commands print JSON Lines). */
  List<JsonNode> lines() {
    List<JsonNode> lines = new ArrayList<>();
    for (String l : out.split("\n")) {
      if (!l.isBlank()) {
        try {
          lines.add(Json.mapper().readTree(l));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new UncheckedIOException("stdout line is not JSON: " + l, e);
        }
      }
    }
    return lines;
  }
}
