package io.mailbridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompletionCommandTest {
  @TempDir Path tmp;

  /** Sources the script in a real bash and asks it to complete the words typed so far. */
  private String complete(Path script, String... words) throws Exception {
    String line = String.join(" ", words);
    String cmd = "source " + script + "; COMP_WORDS=(" + line + "); COMP_CWORD=" + (words.length - 1)
        + "; COMP_LINE='" + line + "'; COMP_POINT=${#COMP_LINE}; _complete_mailbridge; printf '%s\\n' \"${COMPREPLY[@]}\"";
    Process p = new ProcessBuilder("bash", "-c", cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return out;
  }

  @Test
  void bashCompletesCommandsSubcommandsAndOptions() throws Exception {
    Cli r = Cli.run("completion", "bash");
    assertThat(r.exit()).as(r.err()).isZero();
    Path script = Files.writeString(tmp.resolve("mailbridge-completion"), r.out());
    assertThat(complete(script, "mailbridge", "rec")).contains("receive");
    assertThat(complete(script, "mailbridge", "ca")).contains("cache");
    assertThat(complete(script, "mailbridge", "cache", "ex")).contains("export");
    assertThat(complete(script, "mailbridge", "receive", "--cache-")).contains("--cache-dir", "--cache-max-age");
    assertThat(complete(script, "mailbridge", "report", "--format", "")).contains("jsonl", "table");
  }

  @Test
  void zshGetsTheSameScriptWhichLoadsBashcompinitItself() {
    Cli zsh = Cli.run("completion", "zsh");
    assertThat(zsh.exit()).isZero();
    assertThat(zsh.out()).isEqualTo(Cli.run("completion", "bash").out()).contains("bashcompinit");
    Cli bad = Cli.run("completion", "fish");
    assertThat(bad.exit()).isEqualTo(ExitCodes.USAGE);
    assertThat(bad.err()).contains("bash", "zsh");
  }
}
