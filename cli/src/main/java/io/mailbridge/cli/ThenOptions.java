package io.mailbridge.cli;

import io.mailbridge.BadInputException;
import io.mailbridge.receive.PostAction;
import picocli.CommandLine.Option;

/** {@code --create-target}: lets {@code --then move:FOLDER} create its folder; and the advice when it is missing. */
public final class ThenOptions {
  @Option(names = "--create-target", description = "With --then move:FOLDER: create FOLDER when it does not exist "
      + "(default: stop with an error before anything is read).")
  boolean createTarget;

  /** The {@code --then} action, with the {@code --expunge-all} opt-in, creating a move target when asked. */
  PostAction parse(String then, boolean expungeAll) {
    PostAction a = ReceiveCommand.postAction(then, expungeAll);
    if (a instanceof PostAction.Move m && createTarget) {
      return new PostAction.Move(m.folder(), true, m.expungeAll());
    }
    return a;
  }

  /** The library's error for a missing move target, said in the command line's terms; other errors as they are. */
  static RuntimeException explain(RuntimeException e, PostAction action) {
    if (e instanceof BadInputException && action instanceof PostAction.Move m && e.getMessage() != null
        && e.getMessage().startsWith(m.missingTarget())) {
      return new BadInputException(advice(m, e.getMessage()), e);
    }
    return e;
  }

  /** "... does not exist on host:port: create it with `mailbridge folders create Done`, or add --create-target". */
  static String advice(PostAction.Move m, String message) {
    String folder = m.folder();
    String where = message.substring(m.missingTarget().length());
    int colon = where.indexOf(": ");
    where = colon < 0 ? "" : where.substring(0, colon);
    return "--then move:" + folder + ": folder '" + folder + "' does not exist" + where + ": create it with "
        + "`mailbridge folders create " + shellWord(folder) + "`, or add --create-target";
  }

  private static String shellWord(String s) {
    return s.matches("[A-Za-z0-9._/@:-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
  }
}
