package io.mailbridge.send.internal;

import io.mailbridge.BadInputException;
import io.mailbridge.MailbridgeException;
import io.mailbridge.ProtocolException;
import io.mailbridge.RejectedMessageException;
import io.mailbridge.connection.Endpoint;
import io.mailbridge.connection.Errors;
import io.mailbridge.connection.SmtpClient;
import io.mailbridge.connection.SmtpWire;
import io.mailbridge.send.SendResult;
import io.mailbridge.send.SendResult.Rejection;
import io.mailbridge.send.SendResult.Status;
import io.mailbridge.send.SendSettings;
import jakarta.mail.MessagingException;
import jakarta.mail.SendFailedException;
import jakarta.mail.internet.InternetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends composed messages over one SMTP connection, reused for the whole batch and reopened only
 * after it was lost. Retry rules (at-most-once):
 * <ul>
 *   <li>4xx replies (to MAIL, RCPT, DATA or the final "."), and a connection lost before the whole
 *       message data was written: retried with exponential backoff, up to {@code maxAttempts}.
 *       Before the final "." the server has not taken responsibility for the message
 *       (RFC 5321 4.1.1.4), and a definite 4xx after it means it did not.</li>
 *   <li>Connection lost after the message data was written, before the final reply: the outcome
 *       is unknown, reported as {@link Status#UNKNOWN} and never resent (RFC 5321 6.1 duplicates).</li>
 *   <li>5xx: permanent, reported per recipient.</li>
 * </ul>
 * No RSET after a completed transaction: RFC 5321 4.1.4 lets MAIL start the next one directly (one
 * round trip saved per message); after a failed one Angus sends RSET itself.
 */
public final class Transmitter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Transmitter.class);

  private final Endpoint endpoint;
  private final SendSettings settings;
  private final Properties props;
  private final boolean recordTrace;
  private final boolean smtpUtf8;
  private SmtpClient client;
  private final Pipelined.Ahead ahead = new Pipelined.Ahead();
  private final ChunkWindow window = new ChunkWindow();
  private final ServerSize size = new ServerSize();

  public Transmitter(Endpoint endpoint, SendSettings settings, boolean recordTrace) {
    this(endpoint, settings, recordTrace, false);
  }

  /**
   * @param smtpUtf8 some message of the batch has an internationalized address: Angus then writes
   *     commands as UTF-8 and adds the SMTPUTF8 parameter (RFC 6531) to MAIL FROM when the server
   *     offers it. Off otherwise, so plain batches never ask downstream hops for SMTPUTF8.
   */
  public Transmitter(Endpoint endpoint, SendSettings settings, boolean recordTrace, boolean smtpUtf8) {
    this.endpoint = endpoint;
    this.settings = settings;
    this.recordTrace = recordTrace;
    this.smtpUtf8 = smtpUtf8;
    this.props = new Properties();
    for (String p : List.of("mail.smtp.", "mail.smtps.")) {
      // Deliver to the recipients the server accepts and report the others (not all-or-nothing).
      props.setProperty(p + "sendpartial", "true");
      // Closing need not wait for the 221 reply to QUIT.
      props.setProperty(p + "quitwait", "false");
    }
    if (smtpUtf8) {
      props.setProperty("mail.mime.allowutf8", "true");
    }
  }

  /** The open client (for tests and traces); empty before the first message or after a drop. */
  public Optional<SmtpClient> client() {
    return Optional.ofNullable(client);
  }

  /**
   * Sends one message; throws only when the server cannot be reached or login fails (after retries).
   * Recipients refused with 4xx are retried alone (a new transaction to just them), so recipients
   * that already accepted never get a second copy.
   */
  public SendResult send(Composer.Composed c, int index) {
    return sendInBatch(c, index, List.of());
  }

  /**
   * As {@link #send(Composer.Composed, int)}, with the message that will be sent next on this
   * connection, if known: its envelope then goes out behind this message's data, where the server
   * offers PIPELINING. The caller must send {@code next} next (any other message first costs a
   * reconnection).
   */
  public SendResult send(Composer.Composed c, int index, Composer.Composed next) {
    return sendInBatch(c, index, next == null ? List.of() : List.of(next));
  }

  /**
   * As {@link #send(Composer.Composed, int, Composer.Composed)}, with the messages that will be
   * sent next on this connection, in order, as far as they are known: with CHUNKING
   * ({@link SendSettings#chunking()}) the ones held in memory go out as whole BDAT transactions
   * behind this one, up to {@link ChunkWindow#MAX_MESSAGES}, before this one's reply is read. The
   * caller must send them next, in this order.
   */
  public SendResult sendInBatch(Composer.Composed c, int index, List<Composer.Composed> upcoming) {
    Composer.Composed next = upcoming.isEmpty() ? null : upcoming.get(0);
    OutgoingMessage m = c.message();
    String id = c.properties().messageId();
    Recipients to = new Recipients(id, c.envelope());
    MailbridgeException last = null;
    String lastReply = "";
    boolean checked = false;
    int attempt = 0;
    while (to.anyPending() && attempt < settings.maxAttempts()) {
      attempt++;
      if (attempt > 1) {
        backoff(attempt);
      }
      if (ahead.inFlight != null && ahead.inFlight != m) {
        // The server awaits another message's data: only a new connection is clean.
        drop();
      }
      // Sent in a window before its turn: lost with the connection, or its outcome read already.
      ChunkWindow.InFlight inWindow = window.first(c);
      if (inWindow != null && inWindow.lost) {
        window.dropFirst();
        return unknown(c, to.accepted(), attempt, new MessagingException("the connection was lost"));
      }
      boolean settled = inWindow != null && inWindow.read;
      try {
        if (!settled) {
          connect();
        }
      } catch (MailbridgeException e) {
        if (!to.accepted().isEmpty() && (!e.isRetriable() || attempt >= settings.maxAttempts())) {
          // Some recipients have the message already: that is a partial send, not a failed connect
          // (callers take a thrown error for "nothing was sent").
          last = e;
          break;
        }
        if (!e.isRetriable() || attempt >= settings.maxAttempts()) {
          throw e;
        }
        LOG.info("smtp connect failed, will retry host={} attempt={} error={}", endpoint.address(), attempt,
            e.getMessage());
        continue;
      }
      SMTPTransport transport = settled ? null : client.transport();
      if (!checked && inWindow == null) {
        Optional<BadInputException> unsendable = unsendable(transport, c, index);
        if (unsendable.isPresent()) {
          return result(c, Status.FAILED, List.of(), List.of(), "", attempt, unsendable.get());
        }
        checked = true;
      }
      // A window of one would gain nothing and can meet Postfix's reply held until the delayed ACK.
      boolean chunked = inWindow != null || (attempt == 1 && ahead.inFlight == null && next != null
          && chunkable(transport, c) && chunkable(transport, next));
      if (!chunked) {
        m.beginTransmission();
      }
      ahead.next = null;
      if (!chunked && next != null && attempt == 1 && sendableAhead(transport, next)) {
        ahead.next = next.message();
        ahead.nextRecipients = next.envelope();
      }
      try {
        lastReply = Refusals.strip(chunked
            ? window.deliver(settled ? null : client.wire(false).orElseThrow(), c, upcoming,
                u -> chunkable(transport, u))
            : deliver(m, to.pending()));
        to.allAccepted();
      } catch (SendFailedException e) {
        int code = e instanceof SMTPSendFailedException s ? s.getReturnCode() : transport.getLastReturnCode();
        String reply = e instanceof SMTPSendFailedException ? Refusals.strip(e.getMessage())
            : Refusals.reply(transport);
        List<String> sent = Refusals.addresses(e.getValidSentAddresses());
        if (ahead.abort || (chunked && !settled && code == 421)) {
          // A definite refusal; the next transaction was cut off with the connection, or the server
          // closes it (421): the messages in flight it had not answered were not carried out.
          drop();
        } else if (sent.isEmpty() && (code <= 0
            || (transport != null && window.isEmpty() && !transport.isConnected()))) {
          // The server closed the connection instead of answering. (Angus asks with a NOOP: never
          // while replies to later messages are due, nor for an outcome read before its turn.)
          drop();
          if (m.dataWritten()) {
            return unknown(c, to.accepted(), attempt, e);
          }
          last = Errors.translate(endpoint, "send", e);
          continue;
        }
        // Angus has already sent RSET after a failed transaction (checked for MAIL, RCPT, DATA and
        // the final reply in TransmitterTest), so the connection is ready for the next one.
        lastReply = reply;
        RejectedMessageException refusal = to.refusedBy(e, sent, code, reply);
        last = refusal;
        if (refusal.isRetriable() && attempt < settings.maxAttempts()) {
          LOG.info("smtp temporary failure, will retry messageId={} attempt={} recipients={} reply={}", id, attempt,
              to.pending().length, reply);
        }
      } catch (MessagingException e) {
        drop();
        if (m.dataWritten()) {
          return unknown(c, to.accepted(), attempt, e);
        }
        last = Errors.translate(endpoint, "send", e);
        LOG.info("smtp connection lost before the message data was complete, will retry messageId={} attempt={} "
            + "error={}", id, attempt, e.toString());
      } finally {
        m.endTransmission();
      }
    }
    List<Rejection> rejected = to.rejected();
    Status status = to.status();
    if (status == Status.SENT) {
      LOG.debug("smtp sent messageId={} recipients={} reply={}", id, to.accepted().size(), lastReply);
      return result(c, status, to.accepted(), List.of(), lastReply, attempt, null);
    }
    LOG.info("smtp {} messageId={} attempts={} accepted={} refused={}", status, id, attempt, to.accepted(),
        Refusals.describe(rejected));
    if (status == Status.PARTIAL) {
      last = to.partial(rejected, last);
    }
    return result(c, status, to.accepted(), rejected, lastReply, attempt, last);
  }

  /**
   * One transaction: pipelined where the server offers PIPELINING (BDAT with CHUNKING if asked), else
   * Angus's one command at a time. Returns the server's final reply.
   */
  private String deliver(OutgoingMessage m, InternetAddress[] recipients) throws MessagingException {
    SMTPTransport transport = client.transport();
    if (!window.isEmpty()) {
      // Later messages are in flight (this one is sent again): their outcomes first, kept for their turn.
      window.settle(client.wire(false).orElseThrow());
    }
    Optional<SmtpWire> wire = settings.pipelining() ? client.wire(smtpUtf8) : Optional.empty();
    if (wire.isEmpty()) {
      transport.sendMessage(m, recipients);
      return transport.getLastServerResponse();
    }
    return Pipelined.send(wire.get(), m, recipients, settings.chunking() && transport.supportsExtension("CHUNKING"),
        smtpUtf8 && transport.supportsExtension("SMTPUTF8"), ahead);
  }

  /**
   * Whether the next message may go out behind this one without the checks made before its own
   * MAIL FROM: written out in memory already, within the server's SIZE, and not needing SMTPUTF8.
   */
  private boolean sendableAhead(SMTPTransport transport, Composer.Composed next) {
    return settings.pipelining() && next.message().rendered() && !next.needsSmtpUtf8()
        && ServerSize.withinByBound(transport, next);
  }

  /** Checks that need the server's EHLO answer, done once per message before MAIL FROM. */
  private Optional<BadInputException> unsendable(SMTPTransport transport, Composer.Composed c, int index) {
    Optional<String> tooBig = size.check(transport, c, index, endpoint);
    if (tooBig.isPresent()) {
      return Optional.of(new BadInputException(tooBig.get()));
    }
    if (c.needsSmtpUtf8() && !transport.supportsExtension("SMTPUTF8")) {
      return Optional.of(new BadInputException("message " + (index + 1) + " (" + c.properties().messageId()
          + ") has an internationalized address, but " + endpoint.address() + " does not offer SMTPUTF8 "
          + "(RFC 6531): nothing was sent; use an ASCII address or another server"));
    }
    return Optional.empty();
  }

  private SendResult unknown(Composer.Composed c, List<String> acceptedBefore, int attempt, Exception e) {
    String id = c.properties().messageId();
    LOG.warn("smtp outcome unknown messageId={}: connection lost after the message data was sent", id);
    return result(c, Status.UNKNOWN, acceptedBefore, List.of(), "", attempt, new ProtocolException(endpoint.address()
        + ": the connection was lost after message " + id + " was transmitted, before the server confirmed it: "
        + "it may or may not have been delivered, and it is not resent automatically to avoid a duplicate; check "
        + "the recipient's mailbox or the server log for that Message-ID", false, e));
  }

  /**
   * Before reusing a connection that sat idle: asks the server (Angus sends NOOP) and forgets the
   * connection when it no longer answers, so the next message reconnects without spending an attempt.
   */
  public void dropIfStale() {
    if (client != null && !client.transport().isConnected()) {
      LOG.debug("smtp connection went stale while idle, reconnecting host={}", endpoint.address());
      drop();
    }
  }

  /** Opens the connection (connect, STARTTLS, login) unless it is open; no retry here. */
  public void connect() {
    if (client == null) {
      client = SmtpClient.open(endpoint, props, recordTrace);
    }
  }

  /**
   * Whether {@code c} may go as a whole BDAT transaction in a window: chunking asked for and offered
   * with PIPELINING, the message in memory and one chunk long, within the server's SIZE, no SMTPUTF8.
   */
  private boolean chunkable(SMTPTransport transport, Composer.Composed c) {
    return settings.chunking() && !smtpUtf8 && c.message().chunkable()
        && c.message().chunkedSize() <= Pipelined.CHUNK_BYTES && transport.supportsExtension("CHUNKING")
        && client.wire(false).isPresent() && sendableAhead(transport, c);
  }

  private void drop() {
    window.lost();
    boolean cutOff = ahead.inFlight != null || ahead.abort;
    ahead.inFlight = null;
    ahead.next = null;
    ahead.abort = false;
    if (client != null && cutOff) {
      client.abort();
    } else if (client != null) {
      client.close();
    }
    client = null;
  }

  private void backoff(int attempt) {
    Duration base = settings.initialBackoff().multipliedBy(1L << Math.min(attempt - 2, 20));
    if (base.compareTo(settings.maxBackoff()) > 0) {
      base = settings.maxBackoff();
    }
    long ms = (long) (base.toMillis() * (0.8 + 0.2 * ThreadLocalRandom.current().nextDouble()));
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProtocolException("interrupted while waiting to retry", false, e);
    }
  }

  private SendResult result(Composer.Composed c, Status status, List<String> accepted, List<Rejection> rejected,
      String reply, int attempts, MailbridgeException error) {
    return new SendResult(c.properties(), status, accepted, rejected, reply, attempts, Optional.ofNullable(error),
        size.warning() == null ? List.of() : List.of(size.warning()));
  }

  @Override
  public void close() {
    if (!window.isEmpty() && client != null) {
      try {
        window.settle(client.wire(false).orElseThrow());
      } catch (MessagingException | RuntimeException e) {
        LOG.debug("smtp outcomes of the messages in flight not read host={} error={}", endpoint.address(), e.toString());
      }
    }
    window.abandon();
    drop();
  }
}
