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
          Optional<SendResult> earlier = skip && email.messageId().isPresent() ? earlierSend(sent, composed, i)
              : Optional.empty();
          if (earlier.isPresent()) {
            earlier.get().error().ifPresent(e -> metrics.error("", "send", Recorder.kind(e)));
            each.accept(earlier.get());
            continue;
          }
          // With copies written first, the copy is in the Sent folder before any byte goes to the
          // SMTP server: a process dying after the server accepted the message leaves a copy that
          // says the send is unconfirmed, never no copy (which a later skip would take for "not sent").
          long copy = sent != null && sent.copiesFirst() ? copyFirst(sent, composed, i, emails.size()) : -1;
          // The next message's envelope may follow this one's data, unless something can stand
          // between the two (a Sent copy that fails stops the batch; a skip decides per message).
          SendResult result;
          try {
            result = smtp.sendInBatch(composed, i, settings.copyToSent() || skip ? List.of()
                : ahead.ready(ComposeAhead.WINDOW));
          } catch (MailbridgeException e) {
            // Thrown only before the message data (server unreachable, login refused): nothing was sent.
            if (copy >= 0) {
              withdrawQuietly(sent, copy, composed);
            }
            throw e;
          }
          boolean out = result.status() == SendResult.Status.SENT || result.status() == SendResult.Status.PARTIAL;
          if (skip && out) {
            sentInSession.add(result.messageId());
          }
          if (out) {
            metrics.sent("send", composed.transmittedBytes());
          }
          result.error().ifPresent(e -> metrics.error("", "send", Recorder.kind(e)));
          each.accept(result);
          if (copy >= 0) {
            settleCopy(sent, copy, result, i, emails.size());
          } else if (settings.copyToSent() && out) {
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

    /**
     * An earlier send of the Message-ID: in this session, or a copy in the Sent folder. A copy still
     * marked unconfirmed means a send of it was interrupted after the copy was written: it may or may
     * not have gone out, so it is not sent again but reported as {@link SendResult.Status#UNKNOWN}.
     */
    private Optional<SendResult> earlierSend(SentCopy sent, Composer.Composed composed, int index) {
      String messageId = composed.properties().messageId();
      if (sentInSession.contains(messageId)) {
        LOG.info("send skipped messageId={} index={} reason=sent earlier in this session", messageId, index);
        return Optional.of(notSent(composed, SendResult.Status.ALREADY_SENT, Optional.empty()));
      }
      Optional<SentCopy.Copy> copy = sent.find(messageId);
      if (copy.isEmpty()) {
        return Optional.empty();
      }
      long uid = copy.get().uid();
      if (copy.get().unconfirmed().isPresent()) {
        LOG.warn("send not repeated messageId={} index={} reason=unconfirmed copy in folder={} uid={}", messageId,
            index, sent.folderName(), uid);
        return Optional.of(notSent(composed, SendResult.Status.UNKNOWN, Optional.of(new ProtocolException("message "
            + messageId + " has a copy in " + sent.folderName() + " (UID " + uid + ") marked "
            + copy.get().unconfirmed().get() + ": an earlier send of it stopped after the copy was written and "
            + "before the server's answer was recorded, so it may or may not have been delivered; it is not sent "
            + "again to avoid a duplicate. Check the recipient's mailbox or the server log for that Message-ID; to "
            + "send it anyway, delete that copy", false, null))));
      }
      LOG.info("send skipped messageId={} index={} reason=already in folder={} uid={}", messageId, index,
          sent.folderName(), uid);
      return Optional.of(notSent(composed, SendResult.Status.ALREADY_SENT, Optional.empty()));
    }

    private SendResult notSent(Composer.Composed composed, SendResult.Status status,
        Optional<MailbridgeException> error) {
      return new SendResult(composed.properties(), status, List.of(), List.of(), "", 0, error);
    }

    private long copyFirst(SentCopy sent, Composer.Composed composed, int index, int total) {
      try {
        return sent.appendUnconfirmed(composed);
      } catch (MailbridgeException e) {
        throw new ProtocolException("message " + (index + 1) + " " + composed.properties().messageId() + " was not "
            + "sent: its copy to " + sent.folderName() + " could not be written, so it and the remaining "
            + (total - index - 1) + " messages were not sent: " + e.getMessage(), e.isRetriable(), e);
      }
    }

    /** After the server's answer: confirm the copy (accepted), withdraw it (refused), or leave it (unknown). */
    private void settleCopy(SentCopy sent, long copy, SendResult result, int index, int total) {
      SendResult.Status status = result.status();
      if (status == SendResult.Status.UNKNOWN) {
        return; // the mark is the truth: the server may or may not have the message
      }
      boolean accepted = status == SendResult.Status.SENT || status == SendResult.Status.PARTIAL;
      try {
        if (accepted) {
          sent.confirm(copy);
        } else {
          sent.withdraw(copy);
        }
      } catch (MailbridgeException e) {
        throw new ProtocolException("message " + (index + 1) + " " + result.properties().messageId() + " was "
            + (accepted ? "sent" : "refused") + ", but its copy in " + sent.folderName() + " (UID " + copy + ") could "
            + "not be " + (accepted ? "confirmed (it keeps the mark " + sent.markName() + ")"
            : "withdrawn (while it keeps its mark, a later send of it is reported as unknown)") + ", so the remaining "
            + (total - index - 1) + " messages were not sent: " + e.getMessage(), e.isRetriable(), e);
      }
    }

    private void withdrawQuietly(SentCopy sent, long copy, Composer.Composed composed) {
      try {
        sent.withdraw(copy);
      } catch (MailbridgeException e) {
        LOG.warn("send copy not withdrawn messageId={} folder={} uid={} error={}", composed.properties().messageId(),
            sent.folderName(), copy, e.getMessage());
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
