package io.mailbridge.send;

import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.MailConnection;
import io.mailbridge.metrics.Recorder;
import io.mailbridge.send.internal.ComposeAhead;
import io.mailbridge.send.internal.Composer;
import io.mailbridge.send.internal.SentCopy;
import io.mailbridge.send.internal.Transmitter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 *
 * <p>With {@link SendSettings#skipIfAlreadySent()}, a message whose caller-supplied Message-ID is
 * already in the Sent folder, or was sent earlier by the same call or session, is not sent again:
 * its result is {@link SendResult.Status#ALREADY_SENT}.
 */
public final class Send {
  private static final Logger LOG = LoggerFactory.getLogger(Send.class);
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
    // Caller-supplied Message-IDs sent (SENT or PARTIAL) by this session, for skipIfAlreadySent.
    private final Set<String> sentInSession = new HashSet<>();

    private Session() {}

    /**
     * Opens the SMTP connection now (connect, STARTTLS, EHLO, login) instead of at the first
     * message, so a caller still reading or building its batch (on another thread) overlaps the
     * server's greeting, the TLS handshake and the login with that work. Nothing is sent: a batch
     * that then fails validation sends nothing, as always. The next {@link #send} uses the
     * connection; one whose messages need SMTPUTF8 opens a new one. Not retried: a failure here is
     * thrown and the next {@link #send} connects again under its own retry rules.
     *
     * @throws MailbridgeException the server cannot be reached or the login failed
     */
    public void connect() {
      Endpoint outbound = connection.requireOutbound("send");
      if (smtp == null) {
        smtp = new Transmitter(outbound, settings, false, false);
        smtpUtf8 = false;
      }
      try {
        smtp.connect();
      } catch (MailbridgeException e) {
        outbound.recorder().error("", "send", Recorder.kind(e));
        throw e;
      }
    }

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
      if (settings.skipIfAlreadySent()) {
        connection.requireInbound("send with skipIfAlreadySent (it looks in the Sent folder)");
      }
      if (smtp != null && utf8 != smtpUtf8) {
        // SMTPUTF8 is chosen per connection; plain batches never ask downstream hops for it.
        close();
      }
      if (smtp == null) {
        smtp = new Transmitter(outbound, settings, false, utf8);
        smtpUtf8 = utf8;
      } else {
        // Also after connect(): the batch may have taken long to arrive, the server may have closed.
        smtp.dropIfStale();
      }
      boolean skip = settings.skipIfAlreadySent();
      Recorder metrics = outbound.recorder();
      try (SentCopy sent = settings.copyToSent() || skip ? SentCopy.open(connection.requireInbound(
          settings.copyToSent() ? "copyToSent" : "skipIfAlreadySent"), settings.sentFolder(), settings.copyToSent(),
          skip) : null; ComposeAhead ahead = new ComposeAhead(emails, defaultFrom, settings)) {
        for (int i = 0; ahead.hasNext(); i++) {
          Email email = emails.get(i);
          Composer.Composed composed = ahead.next();
          // Only a caller-supplied Message-ID can name an earlier send; a generated one is new by construction.
          if (skip && email.messageId().isPresent() && alreadySent(sent, composed.properties().messageId(), i)) {
            each.accept(new SendResult(composed.properties(), SendResult.Status.ALREADY_SENT, List.of(), List.of(),
                "", 0, Optional.empty()));
            continue;
          }
          // The next message's envelope may follow this one's data, unless something can stand
          // between the two (a Sent copy that fails stops the batch; a skip decides per message).
          SendResult result = smtp.sendInBatch(composed, i, settings.copyToSent() || skip ? List.of()
              : ahead.ready(ComposeAhead.WINDOW));
          if (skip && (result.status() == SendResult.Status.SENT || result.status() == SendResult.Status.PARTIAL)) {
            sentInSession.add(result.messageId());
          }
          if (result.status() == SendResult.Status.SENT || result.status() == SendResult.Status.PARTIAL) {
            metrics.sent("send", composed.transmittedBytes());
          }
          result.error().ifPresent(e -> metrics.error("", "send", Recorder.kind(e)));
          each.accept(result);
          if (settings.copyToSent() && (result.status() == SendResult.Status.SENT
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

    private boolean alreadySent(SentCopy sent, String messageId, int index) {
      if (sentInSession.contains(messageId)) {
        LOG.info("send skipped messageId={} index={} reason=sent earlier in this session", messageId, index);
        return true;
      }
      Optional<Long> uid = sent.find(messageId);
      uid.ifPresent(u -> LOG.info("send skipped messageId={} index={} reason=already in folder={} uid={}", messageId,
          index, sent.folderName(), u));
      return uid.isPresent();
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
