package io.mailbridge.move;

import io.mailbridge.connection.Auth;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.connection.Secret;
import io.mailbridge.connection.Security;
import io.mailbridge.connection.ImapClient;
import io.mailbridge.testkit.ImapSeeder;
import io.mailbridge.testkit.MailStack;
import io.mailbridge.testkit.TestMessages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/** The real stack as user carol (this feature's user; alice and bob belong to other tests). */
public final class Carol {
  public final MailStack stack;
  public final MailStack.User user;

  public Carol(MailStack stack) {
    this.stack = stack;
    this.user = stack.carol();
  }

  public Endpoint endpoint() {
    return Endpoint.imap(stack.host()).port(stack.imapsPort()).security(Security.SSL_TLS)
        .trustedCertificates(stack.ca()).auth(Auth.basic(user.user(), Secret.of(user.password()))).build();
  }

  public MailConnection connection() {
    return MailConnection.builder().inbound(endpoint()).build();
  }

  /** A connection that records its (redacted) protocol trace. */
  public ImapClient traced() {
    return ImapClient.open(endpoint(), new Properties(), true);
  }

  /** Recreates the folders empty, so UIDs start at 1 again. */
  public void reset(String... folders) {
    for (String f : folders) {
      remove(f);
      stack.resetFolder(user, f);
    }
  }

  /** Deletes the folders when they exist. */
  public void remove(String... folders) {
    for (String f : folders) {
      try {
        stack.doveadm("mailbox", "delete", "-u", user.user(), "-s", f);
      } catch (IllegalStateException absent) {
        // not there
      }
    }
  }

  /** Appends {@code n} small messages "subject 1..n"; the folder's UIDs are then 1..n after a reset. */
  public void seed(String folder, int n, String subjectPrefix) {
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      msgs.add(message(subjectPrefix + " " + i, "<" + folder + "." + i + "." + System.nanoTime() + "@example.test>"));
    }
    append(folder, msgs, "");
  }

  public void append(String folder, List<byte[]> msgs, String flags) {
    try (ImapSeeder s = ImapSeeder.tls(stack.host(), stack.imapsPort(), stack.ca(), user.user(), user.password())) {
      s.append(folder, msgs, flags);
    }
  }

  public static byte[] message(String subject, String messageId) {
    return ("From: sender@example.test\r\nTo: carol@example.test\r\nSubject: " + subject
        + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: " + messageId
        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nHello.\r\n")
        .getBytes(StandardCharsets.UTF_8);
  }

  public List<byte[]> bulk(int n) {
    return TestMessages.bulk("sender@example.test", user.user(), n);
  }

  public int count(String folder) {
    return stack.messageCount(user, folder);
  }

  /** Subjects in a folder, via doveadm (independent of the code under test). */
  public List<String> subjects(String folder) {
    String out = stack.doveadm("-f", "tab", "fetch", "-u", user.user(), "hdr.subject", "mailbox", folder);
    List<String> subjects = new ArrayList<>();
    for (String line : out.split("\n")) {
      if (!line.isBlank() && !line.startsWith("hdr.subject")) {
        subjects.add(line.strip());
      }
    }
    subjects.sort(null);
    return subjects;
  }

  /** Client command lines of the trace whose command (after the tag) starts with {@code prefix}. */
  public static List<String> commands(ImapClient imap, String prefix) {
    return imap.trace().lines().stream()
        .filter(l -> l.matches("^[A-Z]+[0-9]+ .*"))
        .filter(l -> l.substring(l.indexOf(' ') + 1).startsWith(prefix))
        .toList();
  }
}
