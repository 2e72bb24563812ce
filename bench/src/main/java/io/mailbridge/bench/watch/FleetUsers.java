package io.mailbridge.bench.watch;

import io.mailbridge.testkit.MailStack;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Many mailboxes on the local stack: {@code wl-fleet-NNN@DOMAIN} users added to its Dovecot
 * passwd-file (Dovecot reads the file again when it changes), modelled on an existing user's line
 * (same uid, gid and mail root). Only for the bench's own stack; the users stay until it is stopped.
 */
final class FleetUsers {
  private FleetUsers() {}

  static List<MailStack.User> ensure(MailStack stack, int n) throws Exception {
    Path users = Path.of(stack.stateDir(), "dovecot", "users");
    List<String> lines = new ArrayList<>(Files.readAllLines(users, StandardCharsets.UTF_8));
    String model = lines.stream().filter(l -> l.startsWith(stack.carol().user() + ":")).findFirst()
        .orElseThrow(() -> new IllegalStateException("no line for " + stack.carol().user() + " in " + users));
    String[] f = model.split(":", -1); // user:{PLAIN}pw:uid:gid::home::
    String domain = stack.domain();
    Path mailRoot = Path.of(f[5]).getParent();
    List<MailStack.User> out = new ArrayList<>();
    boolean changed = false;
    for (int i = 1; i <= n; i++) {
      String name = String.format("wl-fleet-%03d", i);
      String user = name + "@" + domain;
      String password = "fleet-" + name;
      out.add(new MailStack.User(user, password));
      if (lines.stream().noneMatch(l -> l.startsWith(user + ":"))) {
        lines.add(user + ":{PLAIN}" + password + ":" + f[2] + ":" + f[3] + "::" + mailRoot.resolve(name) + "::");
        changed = true;
      }
    }
    if (changed) {
      // Rewritten in place: the file keeps its owner, group (Dovecot's) and mode.
      Files.write(users, lines, StandardCharsets.UTF_8);
    }
    return out;
  }
}
