package io.mailbridge.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code mailbridge completion bash|zsh}: the shell completion script, generated from the command model. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a completion script for bash or zsh: commands, options and option values (folders, "
        + "files, enum values).",
        "bash: source <(mailbridge completion bash)   (or save it in /etc/bash_completion.d/mailbridge)",
        "zsh:  source <(mailbridge completion zsh)    (in ~/.zshrc; uses zsh's bashcompinit)"})
public final class CompletionCommand implements Callable<Integer> {
  /** The shells the script works in. */
  enum Shell { bash, zsh }

  @Parameters(paramLabel = "SHELL", description = "bash | zsh.")
  Shell shell;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    // picocli's script is written for bash and runs under zsh through bashcompinit, which the script
    // loads itself when it finds $ZSH_VERSION: one script serves both shells.
    String script = AutoComplete.bash("mailbridge", MailbridgeCommand.commandLine());
    spec.commandLine().getOut().print(script);
    spec.commandLine().getOut().flush();
    return ExitCodes.OK;
  }
}
