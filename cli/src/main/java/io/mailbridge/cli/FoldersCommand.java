package io.mailbridge.cli;

import io.mailbridge.folder.FolderInfo;
import io.mailbridge.folder.Folders;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code mailbridge folders}: one JSON line per folder. */
@Command(name = "folders", mixinStandardHelpOptions = true,
    description = "List the mailbox's folders (Unicode names, special use such as \\Sent) as JSON Lines; "
        + "create, rename or delete one with the subcommands.",
    subcommands = {FoldersCommand.Create.class, FoldersCommand.Rename.class, FoldersCommand.Delete.class})
public final class FoldersCommand implements Callable<Integer> {
  @Mixin
  ConnectionOptions connection;

  @Option(names = "--counts", description = "Add message and unseen counts (STATUS, one round trip per folder).")
  boolean counts;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    int uncounted = 0;
    for (FolderInfo f : Folders.of(connection.connection(true, false)).list(counts)) {
      Json.line(spec.commandLine().getOut(), view(f));
      uncounted += f.countsError().isPresent() ? 1 : 0;
    }
    if (uncounted > 0) {
      spec.commandLine().getErr().println("mailbridge: " + uncounted + " folder(s) listed without counts: the server "
          + "refused or broke their STATUS answer (see \"countsError\")");
      return ExitCodes.PARTIAL;
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
    f.countsError().ifPresent(e -> m.put("countsError", e));
    return m;
  }

  /** {@code mailbridge folders create NAME...}. */
  @Command(name = "create", mixinStandardHelpOptions = true,
      description = "Create folders in the order given (Unicode; '/' makes hierarchy, e.g. Archive/2026); stops at "
          + "the first the server refuses.")
  static final class Create implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Folders to create.")
    List<String> names;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Folders folders = Folders.of(connection.connection(true, false));
      for (String name : names) {
        Json.line(spec.commandLine().getOut(), view(folders.create(name)));
      }
      return ExitCodes.OK;
    }
  }

  /** {@code mailbridge folders rename OLD NEW}. */
  @Command(name = "rename", mixinStandardHelpOptions = true, description = "Rename a folder (subfolders move with it).")
  static final class Rename implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Parameters(index = "0", paramLabel = "OLD", description = "Current name.")
    String from;

    @Parameters(index = "1", paramLabel = "NEW", description = "New name.")
    String to;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Folders.of(connection.connection(true, false)).rename(from, to);
      Json.line(spec.commandLine().getOut(), Map.of("renamed", from, "name", to));
      return ExitCodes.OK;
    }
  }

  /** {@code mailbridge folders delete NAME...}. */
  @Command(name = "delete", mixinStandardHelpOptions = true,
      description = "Delete folders and the messages in them, in the order given (children first: servers refuse "
          + "folders that have subfolders); stops at the first the server refuses.")
  static final class Delete implements Callable<Integer> {
    @Mixin
    ConnectionOptions connection;

    @Parameters(paramLabel = "NAME", arity = "1..*", description = "Folders to delete.")
    List<String> names;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Folders folders = Folders.of(connection.connection(true, false));
      for (String name : names) {
        folders.delete(name);
        Json.line(spec.commandLine().getOut(), Map.of("deleted", name));
      }
      return ExitCodes.OK;
    }
  }
}
