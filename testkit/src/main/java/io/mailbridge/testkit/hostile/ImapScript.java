package io.mailbridge.testkit.hostile;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * An IMAP {@link HostileServer.Script}: a small well-behaved mailbox (one folder, INBOX, holding
 * the given messages with UIDs 1..n and UIDVALIDITY 7) whose answers a test replaces command by
 * command with {@link Builder#on}. A handler gets the tag and the whole line and returns the
 * reply, or {@code null} to let the mailbox answer. Any folder name selects the same messages.
 */
public final class ImapScript {
  /** Capabilities of the mailbox unless {@link Builder#capabilities} says otherwise. */
  public static final String CAPABILITIES = "IMAP4rev1 LITERAL+ UIDPLUS MOVE ESEARCH";

  private ImapScript() {}

  /** A mailbox holding these messages (UID i+1 for the i-th). */
  public static Builder mailbox(List<byte[]> messages) {
    return new Builder(messages);
  }

  /** A mailbox with {@code count} small text messages. */
  public static Builder mailbox(int count) {
    List<byte[]> msgs = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      msgs.add(message("Message " + i, "<m" + i + "@hostile.test>", "Hello " + i + ".\r\n"));
    }
    return mailbox(msgs);
  }

  /** A plain-text message with this subject, Message-ID and body. */
  public static byte[] message(String subject, String messageId, String body) {
    return ("From: sender@hostile.test\r\nTo: bob@hostile.test\r\nSubject: " + subject
        + "\r\nDate: Tue, 24 Nov 2026 10:00:00 +0000\r\nMessage-ID: " + messageId
        + "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + body)
        .getBytes(StandardCharsets.UTF_8);
  }

  /** Builds the script. */
  public static final class Builder {
    private final List<byte[]> messages;
    private final List<Handler> handlers = new ArrayList<>();
    private String capabilities = CAPABILITIES;
    private Reply greeting;

    private Builder(List<byte[]> messages) {
      this.messages = List.copyOf(messages);
    }

    /** The capability list (without the word CAPABILITY) the mailbox announces. */
    public Builder capabilities(String caps) {
      this.capabilities = caps;
      return this;
    }

    /** Replaces the greeting. */
    public Builder greeting(Reply r) {
      this.greeting = r;
      return this;
    }

    /**
     * For commands starting with {@code command} (after the tag; case-insensitive, e.g.
     * {@code "UID FETCH"}, {@code "LOGIN"}), ask {@code handler} first. Later handlers go first.
     */
    public Builder on(String command, BiFunction<String, String, Reply> handler) {
      handlers.add(0, new Handler(command.toUpperCase(Locale.ROOT), handler));
      return this;
    }

    public HostileServer.Script build() {
      Mailbox box = new Mailbox(messages);
      List<Handler> hs = List.copyOf(handlers);
      String caps = capabilities;
      Reply hello = greeting != null ? greeting : Reply.lines("* OK [CAPABILITY " + caps + "] hostile IMAP ready");
      return new HostileServer.Script() {
        @Override
        public HostileServer.Protocol protocol() {
          return HostileServer.Protocol.IMAP;
        }

        @Override
        public Reply greeting() {
          return hello;
        }

        @Override
        public Reply answer(String line) {
          int sp = line.indexOf(' ');
          String tag = sp < 0 ? line : line.substring(0, sp);
          String rest = sp < 0 ? "" : line.substring(sp + 1);
          String upper = rest.toUpperCase(Locale.ROOT);
          for (Handler h : hs) {
            if (upper.startsWith(h.command)) {
              Reply r = h.handler.apply(tag, line);
              if (r != null) {
                return r;
              }
            }
          }
          return box.answer(tag, rest, caps);
        }
      };
    }
  }

  private record Handler(String command, BiFunction<String, String, Reply> handler) {}
}
