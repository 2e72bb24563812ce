package io.mailbridge.send;

import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.metrics.internal.Recorder;
import io.mailbridge.send.internal.Composer;
import io.mailbridge.send.internal.SentCopy;
import io.mailbridge.send.internal.Transmitter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The Send operation: sends one or many {@link Email}s through the outbound (SMTP) server over a
 * single connection, and returns one {@link SendResult} per message, in order.
 *
 * <pre>{@code
 * Send send = Send.of(connection, SendSettings.defaults());
 * SendResult r = send.send(Email.builder().to("alice@example.com").subject("Hi").text("Hello").build());
 * r.properties().messageId();   // <3f9c...@example.com>
 * r.accepted();                 // [alice@example.com]
 * }</pre>
 *
 * <p>{@link #session()} keeps the connection open across calls, for many small batches.
 *
 * <p>Every message of a batch is validated before the connection is opened: CR/LF/NUL in any header
 * value, address, display name or file name, an invalid address, or a missing or unreadable
 * attachment file throws a {@link io.mailbridge.BadInputException} naming the message and the
 * field, and nothing is sent. Server refusals are results, not exceptions ({@link SendResult#status()});
 * only an unreachable server or a rejected login throws (after the configured retries), or a failed
 * copy to the Sent folder with {@link SendSettings#copyToSent()} (after that message's result was
 * handed out; the rest of the batch is not sent).
 */
public final class Send {
  private final MailConnection connection;
  private final SendSettings settings;

  private Send(MailConnection connection, SendSettings settings) {
    this.connection = Objects.requireNonNull(connection, "connection");
    this.settings = Objects.requireNonNull(settings, "settings");
  }

  /** Send with {@link SendSettings#defaults()}. */
  public static Send of(MailConnection connection) {
    return new Send(connection, SendSettings.defaults());
  }

  public static Send of(MailConnection connection, SendSettings settings) {
    return new Send(connection, settings);
  }

  public SendSettings settings() {
    return settings;
  }

  /**
   * Checks one message exactly as {@link #send(List)} does before connecting, without touching the
   * network: lets a caller (the Kafka sink) set a bad message aside instead of failing its batch.
   *
   * @throws io.mailbridge.BadInputException naming the field at fault
   */
  public void validate(Email email) {
    Composer.validate(Objects.requireNonNull(email, "email"), 0, defaultFrom(connection.requireOutbound("send")));
  }

  /** Sends one message. */
  public SendResult send(Email email) {
    return send(List.of(email)).get(0);
  }

  /** Sends the messages over one connection; the results are in the same order. */
  public List<SendResult> send(List<Email> emails) {
    List<SendResult> out = new ArrayList<>(emails.size());
    send(emails, out::add);
    return out;
  }

  /**
   * Sends the messages over one connection, handing each result to {@code each} as soon as the
   * server answered (so a caller can stream results out).
   */
  public void send(List<Email> emails, Consumer<SendResult> each) {
    try (Session session = session()) {
      session.send(emails, each);
    }
  }

  /**
   * A sender that keeps its SMTP connection open between calls, for callers that send many small
   * batches (a Kafka sink task: one session per task, one call per batch of records). Before each
   * call an idle connection is checked (NOOP) and reopened when the server closed it. Not thread-safe.
   *
   * <pre>{@code
   * try (Send.Session smtp = Send.of(connection).session()) {
   *   smtp.send(batch1, r -> ...);
   *   smtp.send(batch2, r -> ...);   // same connection
   * }
   * }</pre>
   */
  public Session session() {
    return new Session();
  }

  /** See {@link #session()}. Each call behaves exactly like {@link Send#send(List, Consumer)}. */
  public final class Session implements AutoCloseable {
    private Transmitter smtp;
    private boolean smtpUtf8;

    private Session() {}

    /** Sends the messages over the session's connection; results in order, as in {@link Send#send(List, Consumer)}. */
    public void send(List<Email> emails, Consumer<SendResult> each) {
      Endpoint outbound = connection.requireOutbound("send");
      String defaultFrom = defaultFrom(outbound);
      boolean utf8 = false;
      for (int i = 0; i < emails.size(); i++) {
        Composer.validate(Objects.requireNonNull(emails.get(i), "emails[" + i + "]"), i, defaultFrom);
        utf8 |= Composer.needsSmtpUtf8(emails.get(i), defaultFrom);
      }
      if (settings.copyToSent()) {
        connection.requireInbound("send with copyToSent");
      }
      if (smtp != null && utf8 != smtpUtf8) {
        // SMTPUTF8 is chosen per connection; plain batches never ask downstream hops for it.
        close();
      }
      if (smtp == null) {
        smtp = new Transmitter(outbound, settings, false, utf8);
        smtpUtf8 = utf8;
      } else {
        smtp.dropIfStale();
      }
      Recorder metrics = Recorder.of(outbound);
      try (SentCopy sent = settings.copyToSent() ? SentCopy.open(connection.requireInbound("copyToSent"),
          settings.sentFolder()) : null) {
        for (int i = 0; i < emails.size(); i++) {
          Composer.Composed composed = Composer.compose(emails.get(i), defaultFrom);
          SendResult result = smtp.send(composed, i);
          if (result.status() == SendResult.Status.SENT || result.status() == SendResult.Status.PARTIAL) {
            metrics.sent("send", composed.transmittedBytes());
          }
          result.error().ifPresent(e -> metrics.error("", "send", Recorder.kind(e)));
          each.accept(result);
          if (sent != null && (result.status() == SendResult.Status.SENT
              || result.status() == SendResult.Status.PARTIAL)) {
            try {
              sent.append(composed);
            } catch (MailbridgeException e) {
              // The message is out and reported above; stop rather than send more without copies.
              throw new ProtocolException("message " + (i + 1) + " " + result.properties().messageId() + " was sent, "
                  + "but its copy to " + sent.folderName() + " failed, so the remaining " + (emails.size() - i - 1)
                  + " messages were not sent: " + e.getMessage(), e.isRetriable(), e);
            }
          }
        }
      } catch (RuntimeException e) {
        if (e instanceof MailbridgeException m) {
          metrics.error("", "send", Recorder.kind(m));
        }
        // After a failure start the next call on a fresh connection.
        close();
        throw e;
      }
    }

    /** Closes the connection (QUIT); the session can still be used and reconnects on the next call. */
    @Override
    public void close() {
      if (smtp != null) {
        smtp.close();
        smtp = null;
      }
    }
  }

  /** The outbound login when it is an address: the usual sender. */
  static String defaultFrom(Endpoint outbound) {
    String user = outbound.auth().user();
    return user != null && user.indexOf('@') > 0 ? user : "";
  }
}
