package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
  static List<JsonNode> lines(String out) throws Exception {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank()) {
        nodes.add(Json.mapper().readTree(line));
      }
    }
    return nodes;
  }

  @Test
  void versionAndHelp() {
    Cli v = Cli.run("--version");
    assertThat(v.exit()).isZero();
    assertThat(v.out()).startsWith("mailbridge 0.");
    java.io.ByteArrayOutputStream fast = new java.io.ByteArrayOutputStream();
    assertThat(Main.printVersion(new String[] {"--version"}, new java.io.PrintStream(fast, true))).isTrue();
    assertThat(fast.toString().replace("\r\n", "\n")).isEqualTo(v.out().replace("\r\n", "\n"));
    assertThat(Main.printVersion(new String[] {"check", "--version"}, System.out)).isFalse();
    Cli h = Cli.run("check", "--help");
    assertThat(h.exit()).isZero();
    assertThat(h.out()).contains("--imap-host", "--password-file", "--ca-file");
  }

  @Test
  void everyOptionsDescriptionIsAValidFormatString() {
    // picocli renders descriptions with String.format: a bare % makes --help print a warning and the
    // raw text, with %n left unreplaced.
    picocli.CommandLine all = MailbridgeCommand.commandLine();
    int checked = 0;
    for (picocli.CommandLine sub : all.getSubcommands().values()) {
      for (picocli.CommandLine.Model.OptionSpec option : sub.getCommandSpec().options()) {
        if (!(option.userObject() instanceof java.lang.reflect.Field field)
            || field.getAnnotation(picocli.CommandLine.Option.class) == null) {
          continue;
        }
        for (String line : field.getAnnotation(picocli.CommandLine.Option.class).description()) {
          String text = line.replaceAll("\\$\\{[^}]*}", "x");
          assertThat(catchThrowable(() -> String.format(text)))
              .as(sub.getCommandName() + " " + option.longestName() + ": " + line).isNull();
          checked++;
        }
      }
    }
    assertThat(checked).isGreaterThan(100);
  }

  @Test
  void aCommandLineBuiltForOneSubcommandHasItsOptionsAndUsageAsTheFullOne() {
    picocli.CommandLine all = MailbridgeCommand.commandLine();
    for (Class<?> c : MailbridgeCommand.SUBCOMMANDS) {
      String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
      if (name.equals("help")) {
        continue;
      }
      picocli.CommandLine one = MailbridgeCommand.commandLine(name, "--help");
      assertThat(one.getSubcommands().keySet()).as(name).containsExactly(name);
      assertThat(one.getSubcommands().get(name).getUsageMessage()).as(name)
          .isEqualTo(all.getSubcommands().get(name).getUsageMessage());
    }
    // usage, `help <command>` and unknown commands list every command
    for (String[] args : List.of(new String[] {}, new String[] {"--help"}, new String[] {"help", "receive"},
        new String[] {"recieve"})) {
      assertThat(MailbridgeCommand.commandLine(args).getSubcommands().keySet()).as(String.join(" ", args))
          .containsExactlyElementsOf(all.getSubcommands().keySet());
    }
  }

  @Test
  void demoRunsTheStoryOnAnEmbeddedServerAndPrintsJsonLines(@TempDir Path cache) throws Exception {
    Cli demo = Cli.run("demo", "--cache-dir", cache.toString());
    assertThat(demo.exit()).as(demo.err()).isZero();
    List<JsonNode> out = lines(demo.out());
    assertThat(step(out, "check")).hasSize(2).allMatch(n -> n.path("ok").asBoolean());

    JsonNode sent = step(out, "send").get(0);
    assertThat(sent.path("status").asText()).isEqualTo("SENT");
    assertThat(sent.path("fileName").toString()).isEqualTo("[\"invoice-2026-0042.pdf\",\"order-7781.csv\"]");
    // The CSV had no type given: application/binary, as the seed says.
    assertThat(sent.path("contentType").toString()).isEqualTo("[\"application/pdf\",\"application/binary\"]");

    JsonNode received = step(out, "receive").get(0);
    assertThat(received.path("messageId").asText()).isEqualTo(sent.path("messageId").asText());
    assertThat(received.path("attachmentsCount").asInt()).isEqualTo(2);
    assertThat(received.path("fromFolder").asText()).isEqualTo("INBOX");
    assertThat(received.path("receivedDate").asText()).isNotEmpty();
    for (JsonNode a : received.path("attachments")) {
      Path file = Path.of(a.path("path").asText());
      assertThat(file).startsWith(cache).exists();
      String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
      assertThat(sha).isEqualTo(a.path("sha256").asText());
    }

    JsonNode moved = step(out, "move").get(0);
    assertThat(moved.path("status").asText()).isEqualTo("moved");
    assertThat(moved.path("target").asText()).isEqualTo("Archive");
    assertThat(step(out, "folder")).anyMatch(n -> n.path("name").asText().equals("Archive") && n.path("messages").asInt() == 1)
        .anyMatch(n -> n.path("name").asText().equals("INBOX") && n.path("messages").asInt() == 0);
    assertThat(demo.err()).contains("demo: done");
  }

  private static List<JsonNode> step(List<JsonNode> out, String name) {
    return out.stream().filter(n -> n.path("step").asText().equals(name)).toList();
  }

  @Test
  void usageErrorsExitOneWithAHint() {
    Cli none = Cli.run();
    assertThat(none.exit()).isEqualTo(ExitCodes.USAGE);
    Cli noHost = Cli.run("check", "--config", "/nonexistent/mailbridge.yaml");
    assertThat(noHost.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(noHost.err()).startsWith("mailbridge: ").doesNotContain("Exception").doesNotContain("\tat ");
  }
}
