package io.mailbridge.testkit.hostile;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * An SMTP {@link HostileServer.Script}: a well-behaved submission server (EHLO with SIZE,
 * 8BITMIME, AUTH PLAIN; every login, sender and recipient accepted; data queued) whose
 * answers a test replaces verb by verb with {@link Builder#on}. The end of the message data is
 * handed to the handlers as the line {@code "."}.
 */
public final class SmtpScript {
  private SmtpScript() {}

  public static Builder server() {
    return new Builder();
  }

  /** Builds the script. */
  public static final class Builder {
    private final List<Handler> handlers = new ArrayList<>();
    private Reply greeting = Reply.lines("220 hostile.test ESMTP ready");
    private String ehlo = "250-hostile.test\r\n250-SIZE 10485760\r\n250-8BITMIME\r\n250 AUTH PLAIN\r\n";

    private Builder() {}

    public Builder greeting(Reply r) {
      this.greeting = r;
      return this;
    }

    /** Replaces the whole EHLO reply (give the CRLFs). */
    public Builder ehlo(String reply) {
      this.ehlo = reply;
      return this;
    }

    /**
     * For lines starting with {@code verb} (case-insensitive: {@code "EHLO"}, {@code "MAIL"},
     * {@code "DATA"}, {@code "."}), ask {@code handler} first; {@code null} lets the server answer.
     * Later handlers go first.
     */
    public Builder on(String verb, Function<String, Reply> handler) {
      handlers.add(0, new Handler(verb.toUpperCase(Locale.ROOT), handler));
      return this;
    }

    public HostileServer.Script build() {
      List<Handler> hs = List.copyOf(handlers);
      ThreadLocal<Boolean> inAuth = ThreadLocal.withInitial(() -> false);
      Reply hello = greeting;
      String ehloReply = ehlo;
      return new HostileServer.Script() {
        @Override
        public HostileServer.Protocol protocol() {
          return HostileServer.Protocol.SMTP;
        }

        @Override
        public Reply greeting() {
          return hello;
        }

        @Override
        public Reply answer(String line) {
          String upper = line.toUpperCase(Locale.ROOT);
          if (inAuth.get()) { // the client's answer to a 334 challenge
            inAuth.set(false);
            return Reply.lines("235 2.7.0 Authentication successful");
          }
          for (Handler h : hs) {
            if (upper.startsWith(h.verb)) {
              Reply r = h.handler.apply(line);
              if (r != null) {
                return r;
              }
            }
          }
          if (upper.matches("AUTH \\S+")) {
            inAuth.set(true);
            return Reply.lines("334 ");
          }
          return standard(upper, ehloReply);
        }
      };
    }

    private static Reply standard(String upper, String ehloReply) {
      String verb = upper.split(" ", 2)[0];
      return switch (verb) {
        case "EHLO" -> Reply.text(ehloReply);
        case "HELO" -> Reply.lines("250 hostile.test");
        case "AUTH" -> Reply.lines("235 2.7.0 Authentication successful");
        case "MAIL", "RCPT", "RSET", "NOOP" -> Reply.lines("250 2.1.0 Ok");
        case "DATA" -> Reply.lines("354 End data with <CR><LF>.<CR><LF>");
        case "." -> Reply.lines("250 2.0.0 Ok: queued as HOSTILE1");
        case "QUIT" -> Reply.lines("221 2.0.0 Bye").then(Reply.hangUp());
        default -> Reply.lines("502 5.5.2 Error: command not recognized");
      };
    }
  }

  private record Handler(String verb, Function<String, Reply> handler) {}
}
