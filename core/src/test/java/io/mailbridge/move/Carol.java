package io.mailbridge.move;

import io.mailbridge.TestEndpoints;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.StackMailbox;
import java.util.List;
import java.util.Properties;

/**
 * The real stack as user carol (the move, flags and listener tests' user; alice and bob belong to
 * other tests): her mailbox as the testkit reaches it, plus the core-typed connections to it.
 */
public final class Carol extends StackMailbox {
  public Carol(MailStack stack) {
    super(stack, stack.carol());
  }

  public Endpoint endpoint() {
    return TestEndpoints.imaps(stack(), user());
  }

  public MailConnection connection() {
    return TestEndpoints.inbound(stack(), user());
  }

  /** A connection that records its (redacted) protocol trace. */
  public ImapClient traced() {
    return ImapClient.open(endpoint(), new Properties(), true);
  }

  /** Client command lines of the trace whose command (after the tag) starts with {@code prefix}. */
  public static List<String> commands(ImapClient imap, String prefix) {
    return imap.trace().lines().stream()
        .filter(l -> l.matches("^[A-Z]+[0-9]+ .*"))
        .filter(l -> l.substring(l.indexOf(' ') + 1).startsWith(prefix))
        .toList();
  }
}
