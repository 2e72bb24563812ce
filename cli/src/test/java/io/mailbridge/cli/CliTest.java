package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

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
    Cli h = Cli.run("check", "--help");
    assertThat(h.exit()).isZero();
    assertThat(h.out()).contains("--imap-host", "--password-file", "--ca-file");
  }

  @Test
  void demoRunsTheStoryOnAnEmbeddedServerAndPrintsJsonLines() throws Exception {
    Cli demo = Cli.run("demo");
    assertThat(demo.exit()).as(demo.err()).isZero();
    List<JsonNode> out = lines(demo.out());
    assertThat(out).isNotEmpty();
    assertThat(out).filteredOn(n -> n.path("step").asText().equals("check"))
        .hasSize(2).allMatch(n -> n.path("ok").asBoolean());
    assertThat(out).anyMatch(n -> n.path("step").asText().equals("folder") && n.path("name").asText().equals("INBOX"));
    assertThat(demo.err()).contains("demo:");
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
