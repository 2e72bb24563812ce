package io.mailbridge.cli;

import io.mailbridge.folder.FolderInfo;
import io.mailbridge.folder.Folders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mailbridge folders}: one JSON line per folder. */
@Command(name = "folders", mixinStandardHelpOptions = true,
    description = "List the mailbox's folders (Unicode names, special use such as \\Sent) as JSON Lines.")
public final class FoldersCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--counts", description = "Add message and unseen counts (STATUS, one round trip per folder).")
  boolean counts;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    for (FolderInfo f : Folders.of(connection.connection(true, false)).list(counts)) {
      Json.line(spec.commandLine().getOut(), view(f));
    }
    return ExitCodes.OK;
  }

  static Map<String, Object> view(FolderInfo f) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("name", f.name());
    m.put("delimiter", String.valueOf(f.delimiter()));
    m.put("attributes", f.attributes());
    f.specialUse().ifPresent(s -> m.put("specialUse", s));
    f.messages().ifPresent(n -> m.put("messages", n));
    f.unseen().ifPresent(n -> m.put("unseen", n));
    return m;
  }
}
